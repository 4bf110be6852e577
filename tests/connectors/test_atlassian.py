"""connectors.atlassian: reading Retry-After (seconds or an HTTP date) as Jira and Confluence
send it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.atlassian import parse_retry_after


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
