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


def pause(
    headers: dict[str, str], attempt: int = 0, *, allowed: bool = True
) -> tuple[bool, float, list[float]]:
    """Whether a 429 is retried (at most 3 times, 60 s each), the wait, and what was slept."""
    slept: list[float] = []
    retried, wait = pause_before_retry(
        LOG,
        "Jira",
        429,
        "read",
        headers,
        attempt,
        max_retries=3,
        max_retry_wait=60.0,
        sleep=slept.append,
        allowed=allowed,
    )
    return retried, wait, slept


def test_pause_before_retry_sleeps_the_wait_the_server_asks_for() -> None:
    assert pause({"Retry-After": "7"}) == (True, 7.0, [7.0])


def test_pause_before_retry_gives_up_when_the_server_asks_for_longer_than_allowed() -> None:
    assert pause({"Retry-After": "120"}) == (False, 120.0, [])


def test_pause_before_retry_gives_up_after_the_last_retry() -> None:
    retried, _, slept = pause({}, attempt=3)

    assert (retried, slept) == (False, [])


def test_pause_before_retry_does_not_wait_out_a_call_not_allowed_to_repeat() -> None:
    retried, _, slept = pause({"Retry-After": "1"}, allowed=False)

    assert (retried, slept) == (False, [])


def jira_refusal(status: int | None, what: str, detail: str = "") -> tuple[ErrorKind, str]:
    return refusal(
        "Jira",
        status,
        what,
        detail,
        email="bot@example.com",
        settings_prefix="FOLLOWTHROUGH_JIRA",
        max_retries=3,
    )


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
    found, _ = jira_refusal(status, "read")

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
    _, message = jira_refusal(400, "open the ticket", "summary: too long")

    assert message == "Jira refused to open the ticket: summary: too long"
