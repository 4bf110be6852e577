"""Logging (followthrough.logs): JSON lines with every configured secret redacted."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from followthrough.logs import configure_logging
from followthrough.settings import Settings


def test_configured_secrets_are_redacted_from_log_lines(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(api_token="very-secret-api-token", jira_api_token="jira-token-4242")
    configure_logging(settings)
    try:
        structlog.get_logger("t").info(
            "calling with very-secret-api-token", url="x?t=jira-token-4242"
        )
    finally:
        logging.getLogger().handlers.clear()
        structlog.reset_defaults()
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["event"] == "calling with ***"
    assert line["url"] == "x?t=***"


def test_the_oidc_client_secret_is_redacted_from_log_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = Settings(oidc_client_secret="oidc-client-secret-77")
    configure_logging(settings)
    try:
        structlog.get_logger("t").info("token endpoint refused oidc-client-secret-77")
    finally:
        logging.getLogger().handlers.clear()
        structlog.reset_defaults()
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["event"] == "token endpoint refused ***"


def test_the_confluence_token_is_redacted_from_log_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(
        Settings(
            confluence_url="https://acme.atlassian.net/wiki",
            confluence_email="bot@example.com",
            confluence_api_token="confluence-token-77",
            confluence_space="PM",
        )
    )
    try:
        structlog.get_logger("t").info("sent confluence-token-77")
    finally:
        logging.getLogger().handlers.clear()
        structlog.reset_defaults()
    assert json.loads(capsys.readouterr().err.strip().splitlines()[-1])["event"] == "sent ***"
