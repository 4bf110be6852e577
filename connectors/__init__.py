"""Clients of the outside world, each behind a small protocol. Never imports temporalio; a
connector receives the values it needs (never the settings) and raises
:class:`~connectors.errors.ConnectorError` without deciding what to do about it. Its modules:

- protocols and bundle: ``incidents``, ``tracker``, ``documents``, ``mail``; ``bundle`` (one of each).
- PagerDuty: ``pagerduty`` (REST client), ``pagerduty_webhook`` (signature, events).
- Jira: ``jira_tracker`` (the tracker), ``jira_webhook`` (signature, ticket changes).
- mail: ``smtp`` (delivery), ``messages`` (composing), ``calendar`` (the .ics invitation).
- local defaults: ``local_tracker``, ``documents`` (Markdown files), ``mail`` (the outbox).
- shared: ``errors`` (systems, kinds), ``links`` (signed review links, the signing key),
  ``files`` (the atomic write).
"""

__all__ = [
    "bundle",
    "calendar",
    "documents",
    "errors",
    "files",
    "incidents",
    "jira_tracker",
    "jira_webhook",
    "links",
    "local_tracker",
    "mail",
    "messages",
    "pagerduty",
    "pagerduty_webhook",
    "smtp",
    "tracker",
]
