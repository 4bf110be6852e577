"""Settings into connectors (followthrough.wiring): the real system where it is configured, the
local default otherwise; each connector receives its values, never the settings object. The
review document's home (Markdown files or Confluence pages) is checked once at start-up."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.confluence import ConfluenceDocuments
from connectors.documents import MarkdownDocuments
from connectors.incidents import WebhookOnly
from connectors.jira_tracker import JiraTracker
from connectors.local_tracker import LocalTracker
from connectors.mail import OutboxMailer
from connectors.pagerduty import PagerDutyIncidents
from connectors.smtp import SmtpMailer
from followthrough.settings import Settings, SettingsError
from followthrough.wiring import build_connectors, check_connectors
from tests.fakes.confluence import FakeConfluence
from tests.support.imitations import confluence_settings


@pytest.fixture
def fake() -> Iterator[FakeConfluence]:
    with FakeConfluence() as server:
        server.add_space("PM")
        yield server


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


def test_with_confluence_configured_the_documents_are_pages(
    tmp_path: Path, fake: FakeConfluence
) -> None:
    connectors = build_connectors(confluence_settings(tmp_path, fake.url))
    assert isinstance(connectors.documents, ConfluenceDocuments)


def test_start_up_check_of_a_missing_space_names_the_setting(
    tmp_path: Path, fake: FakeConfluence
) -> None:
    settings = confluence_settings(tmp_path, fake.url, confluence_space="NOPE")
    with pytest.raises(SettingsError, match="FOLLOWTHROUGH_CONFLUENCE_SPACE") as caught:
        check_connectors(build_connectors(settings))
    assert fake.api_token not in str(caught.value)


def test_start_up_check_of_a_missing_create_permission_says_which(
    tmp_path: Path, fake: FakeConfluence
) -> None:
    fake.revoke("PM", fake.bot.account_id, ("create", "page"))
    with pytest.raises(SettingsError, match="Add pages"):
        check_connectors(build_connectors(confluence_settings(tmp_path, fake.url)))


def test_start_up_check_of_bad_credentials_names_the_settings(
    tmp_path: Path, fake: FakeConfluence
) -> None:
    settings = confluence_settings(tmp_path, fake.url, confluence_api_token="wrong-token-0000")
    with pytest.raises(SettingsError, match="FOLLOWTHROUGH_CONFLUENCE_API_TOKEN") as caught:
        check_connectors(build_connectors(settings))
    assert "wrong-token-0000" not in str(caught.value)


def test_an_unreachable_confluence_at_start_up_only_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    connectors = build_connectors(
        confluence_settings(tmp_path, f"http://127.0.0.1:{port}/wiki", confluence_timeout=1.0)
    )
    assert isinstance(connectors.documents, ConfluenceDocuments)
    connectors.documents.client.max_retries = 0
    check_connectors(connectors)
    assert "cannot check confluence at start-up" in caplog.text
