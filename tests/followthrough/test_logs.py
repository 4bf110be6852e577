"""Logging (followthrough.logs): JSON lines with every configured secret redacted."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

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


SECRETS = {
    "api_token": "api-token-0001",
    "session_secret": "session-secret-0002",
    "pagerduty_api_token": "pd-token-0003",
    "jira_api_token": "jira-token-0004",
    "jira_webhook_secret": "jira-hook-0005",
    "smtp_password": "smtp-pass-0006",
    "temporal_api_key": "temporal-key-0007",
}
WEBHOOK_SECRETS = ["pd-hook-0008", 'pd-hook-"quoted"-0009']


def logged(capsys: pytest.CaptureFixture[str], write: Callable[[], None]) -> str:
    settings = Settings.model_validate({**SECRETS, "pagerduty_webhook_secrets": WEBHOOK_SECRETS})
    configure_logging(settings)
    try:
        write()
    finally:
        logging.getLogger().handlers.clear()
        structlog.reset_defaults()
    return capsys.readouterr().err


def every_secret() -> list[str]:
    return [*SECRETS.values(), *WEBHOOK_SECRETS]


def test_an_exception_carrying_every_secret_is_logged_without_any(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def write() -> None:
        try:
            raise RuntimeError("call failed: " + " ".join(every_secret()))
        except RuntimeError:
            logging.getLogger("temporalio.activity").exception("activity failed")

    out = logged(capsys, write)
    line = json.loads(out.strip().splitlines()[-1])
    assert "RuntimeError: call failed: ***" in line["exception"]
    assert [s for s in every_secret() if s in out] == []


def test_secrets_in_nested_values_and_objects_are_redacted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    class Holder:
        def __str__(self) -> str:
            return "holder of jira-token-0004"

    def write() -> None:
        structlog.get_logger("t").warning(
            "request",
            headers={"Authorization": "Bearer api-token-0001", "pd-token-0003": "as a key"},
            tried=[("smtp", "smtp-pass-0006"), {"deep": ["temporal-key-0007"]}],
            client=Holder(),
        )

    out = logged(capsys, write)
    line = json.loads(out.strip().splitlines()[-1])
    assert line["headers"] == {"Authorization": "Bearer ***", "***": "as a key"}
    assert line["tried"] == [["smtp", "***"], {"deep": ["***"]}]
    assert line["client"] == "holder of ***"
    assert [s for s in every_secret() if s in out] == []


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
