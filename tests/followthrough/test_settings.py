"""Settings (followthrough.settings): a bad variable is named at start-up, its secrets never shown;
a system configured by halves names what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from followthrough.settings import SettingsError, load_settings
from tests.support.command import run
from tests.support.imitations import confluence_settings


def test_a_bad_setting_names_the_variable_and_not_the_secrets() -> None:
    result = run(
        "worker",
        env={"FOLLOWTHROUGH_HTTP_PORT": "eighty", "FOLLOWTHROUGH_API_TOKEN": "s3cr3t-token-value"},
    )
    assert result.returncode == 2
    assert "FOLLOWTHROUGH_HTTP_PORT" in result.stderr
    assert "s3cr3t-token-value" not in result.stderr + result.stdout


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
