"""Settings into connectors (followthrough.wiring): the real system where it is configured, the
local default otherwise; each connector receives its values, never the settings object."""

from __future__ import annotations

from pathlib import Path

from connectors.documents import MarkdownDocuments
from connectors.incidents import WebhookOnly
from connectors.jira_tracker import JiraTracker
from connectors.local_tracker import LocalTracker
from connectors.mail import OutboxMailer
from connectors.pagerduty import PagerDutyIncidents
from connectors.smtp import SmtpMailer
from followthrough.settings import Settings
from followthrough.wiring import build_connectors


def test_nothing_configured_gives_the_local_defaults(tmp_path: Path) -> None:
    connectors = build_connectors(Settings(data_dir=tmp_path))
    assert isinstance(connectors.incidents, WebhookOnly)
    assert isinstance(connectors.tracker, LocalTracker)
    assert isinstance(connectors.mailer, OutboxMailer)
    assert isinstance(connectors.documents, MarkdownDocuments)
    assert connectors.link_secret is None


def test_configured_systems_get_their_real_clients(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        pagerduty_api_token="pd-token",
        jira_url="https://example.atlassian.net",
        jira_email="bot@example.com",
        jira_api_token="jira-token",
        jira_project="OPS",
        smtp_host="127.0.0.1",
        api_token="api-token",
    )
    connectors = build_connectors(settings)
    assert isinstance(connectors.incidents, PagerDutyIncidents)
    assert isinstance(connectors.tracker, JiraTracker)
    assert isinstance(connectors.mailer, SmtpMailer)
    assert connectors.link_secret == settings.signing_key
