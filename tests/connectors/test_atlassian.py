"""connectors.atlassian: reading Retry-After (seconds or an HTTP date) as Jira and Confluence
send it, the pause before a retry, and the kind of a refusal."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from connectors.atlassian import parse_retry_after, pause_before_retry, refusal
from connectors.errors import ErrorKind

LOG = logging.getLogger("tests.connectors.test_atlassian")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("120", 120.0), (" 3 ", 3.0), ("-5", 0.0), ("", None), ("soon", None), ("nan", None)],
)
def test_parse_retry_after_seconds(value: str, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date_counts_from_now() -> None:
    now = datetime(2025, 5, 1, 12, 0, 0, tzinfo=UTC)

    assert parse_retry_after("Thu, 01 May 2025 12:00:45 GMT", now=now) == 45.0


def test_parse_retry_after_past_http_date_is_zero() -> None:
    now = datetime(2025, 5, 1, 12, 0, 0, tzinfo=UTC)

    assert parse_retry_after("Thu, 01 May 2025 11:00:00 GMT", now=now) == 0.0


def test_pause_before_retry_sleeps_the_wait_the_server_asks_for() -> None:
    slept: list[float] = []

    retried, wait = pause_before_retry(
        LOG,
        "Jira",
        429,
        "read",
        {"Retry-After": "7"},
        0,
        max_retries=3,
        max_retry_wait=60.0,
        sleep=slept.append,
    )

    assert (retried, wait, slept) == (True, 7.0, [7.0])


def test_pause_before_retry_gives_up_when_the_server_asks_for_longer_than_allowed() -> None:
    slept: list[float] = []

    retried, wait = pause_before_retry(
        LOG,
        "Jira",
        429,
        "read",
        {"Retry-After": "120"},
        0,
        max_retries=3,
        max_retry_wait=60.0,
        sleep=slept.append,
    )

    assert (retried, wait, slept) == (False, 120.0, [])


def test_pause_before_retry_gives_up_after_the_last_retry() -> None:
    slept: list[float] = []

    retried, _ = pause_before_retry(
        LOG,
        "Confluence",
        503,
        "read",
        {},
        3,
        max_retries=3,
        max_retry_wait=60.0,
        sleep=slept.append,
    )

    assert (retried, slept) == (False, [])


def test_pause_before_retry_does_not_wait_out_a_call_not_allowed_to_repeat() -> None:
    slept: list[float] = []

    retried, _ = pause_before_retry(
        LOG,
        "Confluence",
        503,
        "create",
        {"Retry-After": "1"},
        0,
        max_retries=3,
        max_retry_wait=60.0,
        sleep=slept.append,
        allowed=False,
    )

    assert (retried, slept) == (False, [])


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, ErrorKind.BAD_REQUEST),
        (413, ErrorKind.BAD_REQUEST),
        (401, ErrorKind.UNAUTHORIZED),
        (403, ErrorKind.FORBIDDEN),
        (404, ErrorKind.NOT_FOUND),
        (429, ErrorKind.RATE_LIMITED),
        (409, ErrorKind.UNAVAILABLE),
        (502, ErrorKind.UNAVAILABLE),
        (None, ErrorKind.UNAVAILABLE),
        (422, ErrorKind.BAD_REQUEST),
    ],
)
def test_refusal_kind_follows_the_status(status: int | None, kind: ErrorKind) -> None:
    found, _ = refusal(
        "Jira",
        status,
        "read",
        "",
        email="bot@example.com",
        settings_prefix="FOLLOWTHROUGH_JIRA",
        max_retries=3,
    )

    assert found is kind


def test_refusal_of_credentials_names_the_settings_to_check() -> None:
    _, message = refusal(
        "Confluence",
        401,
        "read the page",
        "",
        email="bot@example.com",
        settings_prefix="FOLLOWTHROUGH_CONFLUENCE",
        max_retries=4,
    )

    assert "FOLLOWTHROUGH_CONFLUENCE_EMAIL" in message
    assert "FOLLOWTHROUGH_CONFLUENCE_API_TOKEN" in message


def test_refusal_carries_the_servers_explanation() -> None:
    _, message = refusal(
        "Jira",
        400,
        "open the ticket",
        "summary: too long",
        email="bot@example.com",
        settings_prefix="FOLLOWTHROUGH_JIRA",
        max_retries=3,
    )

    assert message == "Jira refused to open the ticket: summary: too long"
