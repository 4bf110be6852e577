"""A local imitation of PagerDuty: the REST API v2 over HTTPS, and webhook V3 deliveries.

REST (``FakePagerDuty``): stdlib ``ThreadingHTTPServer`` on ``127.0.0.1`` (port 0) behind TLS with
a throw-away ``trustme`` CA, so the real ``pagerduty`` client (which refuses ``http://``) talks to
it unchanged. It answers the endpoints Followthrough reads, with PagerDuty's shapes:

* ``GET /incidents/{id}`` (id or incident number) -> ``{"incident": {...}}``
* ``GET /incidents/{id}/log_entries`` -> classic pagination (``limit`` default 25, max 100;
  ``offset``; ``more``; ``total`` null unless ``total=true``; 400 when ``offset+limit > 10000``),
  newest entry first
* ``GET /incidents/{id}/notes`` -> ``{"notes": [...]}`` (no paging)
* ``GET /users/{id}`` -> ``{"user": {...}}``

Without ``Authorization: Token token=<token>``: 401 with code 2006; unknown things: 404 with code
2100. ``fail_next`` injects 429 (``ratelimit-*`` headers, code 2020) or 5xx answers.

Webhooks: :func:`build_resolved_event` / :func:`build_ping_event` give the compact JSON body
PagerDuty posts and :func:`signed_headers` the headers it sends with it. The signature here is
computed independently of ``connectors.pagerduty_webhook``.

Incidents added without ``created_at`` were resolved ten minutes before the imitation's clock
(``FakePagerDuty(clock=...)``, the wall clock by default), so their deliveries are fresh.

Modules: ``model`` (limits, names, errors), ``server`` (the HTTPS server), ``records`` (what the
account holds, ids, users, log entries), ``incidents`` (``add_incident``), ``api`` (the REST
routes), ``site`` (``FakePagerDuty``), ``webhooks`` (deliveries). Injected failures count down in
``tests.fakes.http.Failures``, as in the Confluence and Jira imitations.
"""

from tests.fakes.pagerduty.incidents import RESOLVED_AGO
from tests.fakes.pagerduty.model import (
    DEFAULT_LIMIT,
    DEFAULT_TOKEN,
    ITERATION_LIMIT,
    MAX_LIMIT,
    WEB_URL,
    WEBHOOK_USER_AGENT,
    error_body,
    iso,
)
from tests.fakes.pagerduty.records import Clock
from tests.fakes.pagerduty.site import FakePagerDuty
from tests.fakes.pagerduty.webhooks import (
    build_ping_event,
    build_resolved_event,
    incident_webhook_data,
    signed_headers,
    webhook_signature,
)

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_TOKEN",
    "ITERATION_LIMIT",
    "MAX_LIMIT",
    "RESOLVED_AGO",
    "WEBHOOK_USER_AGENT",
    "WEB_URL",
    "Clock",
    "FakePagerDuty",
    "build_ping_event",
    "build_resolved_event",
    "error_body",
    "incident_webhook_data",
    "iso",
    "signed_headers",
    "webhook_signature",
]
