"""Build the outside world from settings: a real system where configured, the local default
otherwise. Each connector receives the values it needs, never the settings object."""

from __future__ import annotations

import logging

from connectors.bundle import Connectors
from connectors.documents import DocumentStore, MarkdownDocuments
from connectors.errors import ConnectorError
from connectors.incidents import IncidentSource, WebhookOnly
from connectors.local_tracker import LocalTracker
from connectors.mail import Mailer, OutboxMailer
from connectors.store import ReviewStore
from connectors.tracker import Tracker
from followthrough.settings import Settings, SettingsError

__all__ = ["build_connectors", "check_connectors"]

LOG = logging.getLogger(__name__)


def build_connectors(settings: Settings) -> Connectors:
    """Pick each connector: PagerDuty, Jira and SMTP when their variables are set."""
    incidents: IncidentSource = WebhookOnly()
    if settings.pagerduty_api_token is not None:
        from connectors.pagerduty import PagerDutyIncidents

        incidents = PagerDutyIncidents(
            api_token=settings.pagerduty_api_token.get_secret_value(),
            base_url=settings.pagerduty_api_url,
            ca_file=settings.pagerduty_ca_file,
        )

    tracker: Tracker = LocalTracker(settings.tracker_file, settings.base_url)
    if settings.jira_configured:
        from connectors.jira_tracker import JiraTracker

        assert settings.jira_url and settings.jira_email and settings.jira_api_token
        assert settings.jira_project
        tracker = JiraTracker(
            url=settings.jira_url,
            email=settings.jira_email,
            api_token=settings.jira_api_token.get_secret_value(),
            project=settings.jira_project,
            issue_type=settings.jira_issue_type,
            timeout=settings.jira_timeout,
        )

    mailer: Mailer = OutboxMailer(settings.outbox_dir)
    if settings.smtp_configured:
        from connectors.smtp import SmtpMailer

        assert settings.smtp_host
        mailer = SmtpMailer(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=(
                settings.smtp_password.get_secret_value() if settings.smtp_password else None
            ),
            starttls=settings.smtp_starttls,
            ssl=settings.smtp_ssl,
            timeout=settings.smtp_timeout,
            sent_ledger=settings.data_dir / "smtp-sent.log",
        )

    return Connectors(
        incidents=incidents,
        documents=_documents(settings),
        tracker=tracker,
        mailer=mailer,
        mail_from=settings.mail_from,
        link_secret=settings.signing_key,
        # Opening the store migrates it to the newest schema (the start-up migration).
        store=ReviewStore(settings.store_url),
    )


def _documents(settings: Settings) -> DocumentStore:
    """Confluence pages when configured; the Markdown files otherwise (the embedded default)."""
    if not settings.confluence_configured:
        return MarkdownDocuments(settings.documents_dir, settings.base_url)
    from connectors.confluence import ConfluenceDocuments

    assert settings.confluence_url and settings.confluence_email
    assert settings.confluence_api_token and settings.confluence_space
    return ConfluenceDocuments(
        url=settings.confluence_url,
        email=settings.confluence_email,
        api_token=settings.confluence_api_token.get_secret_value(),
        space=settings.confluence_space,
        parent_page_id=settings.confluence_parent_page_id,
        timeout=settings.confluence_timeout,
        ca_file=settings.confluence_ca_file,
    )


def check_connectors(connectors: Connectors) -> None:
    """Start-up checks of the configured systems that can be checked once (Confluence's space and
    permission). A permanent problem raises :class:`SettingsError` naming it; a system that is
    unreachable right now only warns, since the activities retry and check again."""
    validate = getattr(connectors.documents, "validate", None)
    if validate is None:
        return
    try:
        validate()
    except ConnectorError as exc:
        if exc.retryable:
            LOG.warning("cannot check %s at start-up: %s", connectors.documents.name, exc.message)
            return
        raise SettingsError(f"{connectors.documents.name}: {exc.message}") from None
