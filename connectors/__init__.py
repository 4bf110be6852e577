"""Clients of the outside world, each behind a small protocol. Never imports temporalio; a
connector receives the values it needs (never the settings) and raises
:class:`~connectors.errors.ConnectorError` without deciding what to do about it. Its modules:

- protocols and bundle: ``incidents``, ``tracker``, ``documents``, ``mail``; ``bundle`` (one of each).
- PagerDuty: ``pagerduty`` (REST client), ``pagerduty_webhook`` (signature, events).
- Jira: ``jira_tracker`` (the tracker), ``jira_webhook`` (signature, ticket changes).
- Confluence: ``confluence`` (the review document as a page), ``confluence_page`` (the page in
  storage format, its Notes and sections).
- mail: ``smtp`` (delivery), ``messages`` (composing), ``calendar`` (the .ics invitation).
- local defaults: ``local_tracker``, ``documents`` (Markdown files), ``mail`` (the outbox).
- the review store: ``store`` (SQLAlchemy; SQLite or PostgreSQL, Alembic migrations).
- shared: ``errors`` (systems, kinds), ``links`` (signed review links, the signing key),
  ``files`` (the atomic write), ``atlassian`` (what the Jira and Confluence clients share),
  ``secret_files`` (files only their owner reads), ``deliveries`` (webhook deliveries already
  answered, for repeats), ``webhook_json`` (a delivery's body read as JSON).
"""

__all__ = [
    "atlassian",
    "bundle",
    "calendar",
    "confluence",
    "confluence_page",
    "deliveries",
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
    "secret_files",
    "smtp",
    "store",
    "tracker",
    "webhook_json",
]
