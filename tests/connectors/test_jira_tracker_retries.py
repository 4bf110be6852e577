"""JiraTracker waits out rate limits and outages within its bounds and never opens a ticket twice
(the real ``jira`` client against the local Jira Cloud imitation)."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from connectors.errors import ErrorKind, System
from connectors.jira_tracker import JiraTracker
from tests.fakes.jira import FakeJira
from tests.support.imitations import LABEL, raised, spec
from tests.support.ports import free_port

# -- rate limits and outages ---------------------------------------------------------------


def test_429_retry_after_seconds_is_slept_then_ticket_opens(
    tracker: JiraTracker, jira: FakeJira, sleeps: list[float]
) -> None:
    jira.fail_next(429, headers={"Retry-After": "7"}, method="POST", path="/rest/api/2/issue")

    ref = tracker.open_ticket(spec())

    assert sleeps == [7.0]
    assert ref.created is True
    assert jira.create_count == 1


def test_429_retry_after_http_date_is_honoured(
    tracker: JiraTracker, jira: FakeJira, sleeps: list[float]
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    jira.fail_next(429, headers={"Retry-After": when}, method="POST", path="/rest/api/2/issue")

    tracker.open_ticket(spec())

    assert len(sleeps) == 1
    assert 25.0 <= sleeps[0] <= 30.0
    assert jira.create_count == 1


def test_503_without_retry_after_backs_off_exponentially(
    tracker: JiraTracker, jira: FakeJira, sleeps: list[float]
) -> None:
    jira.fail_next(503, count=2, method="POST", path="/rest/api/2/issue")

    tracker.open_ticket(spec())

    assert sleeps == [1.0, 2.0]
    assert jira.create_count == 1


def test_503_after_jira_created_the_issue_does_not_create_another(
    tracker: JiraTracker, jira: FakeJira, sleeps: list[float]
) -> None:
    jira.fail_next(503, method="POST", path="/rest/api/2/issue", processed=True)

    ref = tracker.open_ticket(spec())

    assert ref.key == "OPS-1"
    assert ref.created is True
    assert jira.create_count == 1
    assert sleeps == [1.0]


def test_rate_limited_beyond_max_retries_raises_rate_limited(
    tracker: JiraTracker, jira: FakeJira, sleeps: list[float]
) -> None:
    jira.fail_next(429, count=100, headers={"Retry-After": "2"}, path="/rest/api/2/search")

    error = raised(System.JIRA, lambda: tracker.open_ticket(spec()))

    assert error.kind is ErrorKind.RATE_LIMITED
    assert error.retry_after == 2.0
    assert error.status == 429
    assert sleeps == [2.0, 2.0, 2.0]
    assert jira.create_count == 0


def test_retry_after_beyond_max_wait_raises_without_sleeping(
    tracker: JiraTracker, jira: FakeJira, sleeps: list[float]
) -> None:
    jira.fail_next(429, headers={"Retry-After": "3600"})

    error = raised(System.JIRA, lambda: tracker.find_by_label(LABEL))

    assert error.kind is ErrorKind.RATE_LIMITED
    assert error.retry_after == 3600.0
    assert sleeps == []


def test_503_beyond_max_retries_raises_unavailable(
    tracker: JiraTracker, jira: FakeJira, sleeps: list[float]
) -> None:
    jira.fail_next(503, count=100, headers={"Retry-After": "1"})

    error = raised(System.JIRA, lambda: tracker.ticket_state("OPS-1"))

    assert error.kind is ErrorKind.UNAVAILABLE
    assert error.retryable
    assert len(sleeps) == 3


@pytest.mark.usefixtures("sleeps")
def test_unreachable_jira_is_unavailable() -> None:
    tracker = JiraTracker(f"http://127.0.0.1:{free_port()}", "a@example.com", "t", "OPS", timeout=2)

    error = raised(System.JIRA, lambda: tracker.ticket_state("OPS-1"))

    assert error.kind is ErrorKind.UNAVAILABLE
    assert error.retryable


def test_jira_that_never_answers_times_out_as_unavailable() -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        tracker = JiraTracker(url, "a@example.com", "t", "OPS", timeout=0.05)

        error = raised(System.JIRA, lambda: tracker.ticket_state("OPS-1"))

    assert error.kind is ErrorKind.UNAVAILABLE
