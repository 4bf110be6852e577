"""Helpers tests share (tests import from here, never from conftest.py or from each other).

- harness: policy, settings, a local worker, incidents and items, the outbox, ``eventually``.
- scenarios: the six-week review shared by the lifecycle test, the histories and the benchmark.
- site: the web app on a real worker with two reviews, and what a browser does with it.
- pages: reading pages and posting their forms (element lookup, form payloads).
- dev_app: ``followthrough dev`` as a subprocess, its fast policy, signed PagerDuty events.
- temporal: the Temporal binaries.
"""
