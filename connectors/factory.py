"""Build the outside world from settings: a real system where configured, the local default otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.documents import DocumentStore, MarkdownDocuments
from connectors.incidents import IncidentSource, WebhookOnly
from connectors.links import LinkSecretMissing, link_secret
from connectors.local_tracker import LocalTracker
from connectors.mail import Mailer, OutboxMailer
from connectors.settings import Settings
from connectors.store import ReviewStore
from connectors.tracker import Tracker


@dataclass(frozen=True)
class Connectors:
    """One instance of each connector a worker needs."""

    incidents: IncidentSource
    documents: DocumentStore
    tracker: Tracker
    mailer: Mailer
    mail_from: str
    link_secret: str | None = None  # signs review links in emails; None: plain links
    store: ReviewStore | None = None  # the review store; None: its activities are not served


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
        documents=MarkdownDocuments(settings.documents_dir, settings.base_url),
        tracker=tracker,
        mailer=mailer,
        mail_from=settings.mail_from,
        link_secret=_link_secret(settings),
        # Opening the store migrates it to the newest schema (the start-up migration).
        store=ReviewStore(settings.store_url),
    )


def _link_secret(settings: Settings) -> str | None:
    session = settings.session_secret.get_secret_value() if settings.session_secret else None
    token = settings.api_token.get_secret_value() if settings.api_token else None
    try:
        return link_secret(session, token)
    except LinkSecretMissing:
        return None
