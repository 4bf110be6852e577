"""Helpers tests share. Tests import helpers from here, never from conftest.py (which holds
fixtures only) or from another test module.

- ``harness``: policy, settings, a local worker, incidents and items, the outbox, ``eventually``.
- ``scenarios``: the six-week review shared by the lifecycle test, the histories and a benchmark.
- ``site``: the web app on a real worker with two reviews, and what a browser does with it.
- ``pages``: reading the pages and posting their forms (element lookup, form payloads).
- ``browser``: headless Chromium (the one launcher and its flags), the app served for it.
- ``statuses``: review statuses built by hand, for the dashboard's pure figures.
- ``dev_app``: ``followthrough dev`` as a subprocess, its fast policy, signed PagerDuty events.
- ``command``: the ``followthrough`` command as a subprocess.
- ``processes``: ``python worker.py`` as a subprocess on a test's server and task queue.
- ``split``: a split deployment (dev server, workers, API as processes) that can be broken.
- ``soak``: reviews driven through the API while ``split`` is broken on purpose (issue 15);
  ``unguarded_worker``: a worker without the stale-activation guard, for the soak's contrast.
- ``temporal``: the Temporal binaries (never downloaded).
- ``imitations``: what connector tests against tests/fakes/ share: the review and ticket they
  write, the connectors built against an imitation, readings of what it holds.
- ``oidc_flow``: the OIDC client's sign-in prologue against the real provider, a tampered token.
- ``rules``: a complete review, a chain and a SMART item for the rules' tests.
- ``blame``: the blameless check's cases by family and the helpers that read them.
- ``smart``: a measurable done-when and the fields a wording check flags.
- ``root_cause``: the root-cause tests' symptom and verdict.
- ``people``: the kind of a verb's subject, for the tests of people and names.
- ``properties``: arbitrary text and names for the rules' property tests, spans that index it.
"""
