"""Choosing the review document's home from settings, and checking it once at start-up."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.confluence import ConfluenceDocuments
from connectors.documents import MarkdownDocuments
from followthrough.settings import Settings, SettingsError, load_settings
from followthrough.wiring import build_connectors, check_connectors
from tests.fakes.confluence import FakeConfluence


@pytest.fixture
def fake() -> Iterator[FakeConfluence]:
    with FakeConfluence() as server:
        server.add_space("PM")
        yield server


def confluence_settings(tmp_path: Path, url: str, **extra: object) -> Settings:
    options: dict[str, object] = {
        "data_dir": tmp_path,
        "confluence_url": url,
        "confluence_email": "followthrough-bot@example.com",
        "confluence_api_token": "fake-confluence-token-8d1e",
        "confluence_space": "PM",
        "confluence_timeout": 5.0,
    }
    options.update(extra)
    return load_settings(**options)


def test_without_confluence_the_documents_are_markdown_files(tmp_path: Path) -> None:
    connectors = build_connectors(Settings(data_dir=tmp_path))
    assert isinstance(connectors.documents, MarkdownDocuments)


def test_with_confluence_configured_the_documents_are_pages(
    tmp_path: Path, fake: FakeConfluence
) -> None:
    connectors = build_connectors(confluence_settings(tmp_path, fake.url))
    assert isinstance(connectors.documents, ConfluenceDocuments)


def test_half_a_confluence_configuration_names_what_is_missing() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(confluence_url="https://acme.atlassian.net/wiki", confluence_space="PM")
    assert "FOLLOWTHROUGH_CONFLUENCE_EMAIL" in str(caught.value)
    assert "FOLLOWTHROUGH_CONFLUENCE_API_TOKEN" in str(caught.value)


def test_a_parent_page_id_that_is_no_page_id_is_a_bad_setting(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="FOLLOWTHROUGH_CONFLUENCE_PARENT_PAGE_ID"):
        confluence_settings(
            tmp_path, "https://acme.atlassian.net/wiki", confluence_parent_page_id="home"
        )


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
