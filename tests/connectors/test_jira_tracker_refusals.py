"""What Jira refuses becomes a ConnectorError naming the cause, never the token (the real ``jira``
client against the local Jira Cloud imitation)."""

from __future__ import annotations

import base64
import traceback

from connectors.errors import ConnectorError, ErrorKind, System
from connectors.jira_tracker import JiraTracker
from tests.fakes.jira import FakeJira
from tests.support.imitations import LABEL, make_tracker, raised, spec
from tests.support.ports import free_port

# -- refusals -------------------------------------------------------------------------------


def test_unknown_project_is_bad_request_naming_project(jira: FakeJira, sleeps: list[float]) -> None:
    tracker = make_tracker(jira, sleeps, project="NOPE")

    error = raised(System.JIRA, lambda: tracker.open_ticket(spec()))

    assert error.kind is ErrorKind.BAD_REQUEST
    assert "project: valid project is required" in error.message
    assert error.status == 400


def test_unknown_issue_type_is_bad_request_naming_issue_type(
    jira: FakeJira, sleeps: list[float]
) -> None:
    tracker = make_tracker(jira, sleeps, issue_type="Incident Action")

    error = raised(System.JIRA, lambda: tracker.open_ticket(spec()))

    assert error.kind is ErrorKind.BAD_REQUEST
    assert "issuetype: valid issue type is required" in error.message


def test_field_errors_are_named_in_bad_request(tracker: JiraTracker) -> None:
    error = raised(System.JIRA, lambda: tracker.open_ticket(spec(summary="x" * 300)))

    assert error.kind is ErrorKind.BAD_REQUEST
    assert "summary: Summary must be less than 255 characters." in error.message


def test_wrong_token_is_unauthorized(jira: FakeJira, sleeps: list[float]) -> None:
    tracker = make_tracker(jira, sleeps, api_token="not-the-token")

    error = raised(System.JIRA, lambda: tracker.open_ticket(spec()))

    assert error.kind is ErrorKind.UNAUTHORIZED
    assert "FOLLOWTHROUGH_JIRA_API_TOKEN" in error.message
    assert not error.retryable


def test_missing_create_permission_is_forbidden(tracker: JiraTracker, jira: FakeJira) -> None:
    jira.deny_create = True

    error = raised(System.JIRA, lambda: tracker.open_ticket(spec()))

    assert error.kind is ErrorKind.FORBIDDEN
    assert "missing permission" in error.message
    assert "You do not have permission to create issues" in error.message


def test_comment_on_missing_issue_is_not_found(tracker: JiraTracker) -> None:
    error = raised(System.JIRA, lambda: tracker.comment("OPS-404", "still open?"))

    assert error.kind is ErrorKind.NOT_FOUND


def test_malformed_key_is_refused_without_a_request(tracker: JiraTracker, jira: FakeJira) -> None:
    error = raised(System.JIRA, lambda: tracker.ticket_state("OPS-1/../../serverInfo"))

    assert error.kind is ErrorKind.BAD_REQUEST
    assert jira.requests == []


def failing_calls(jira: FakeJira, sleeps: list[float]) -> dict[str, ConnectorError]:
    token = jira.api_token
    outcomes: dict[str, ConnectorError] = {}
    outcomes["401"] = raised(
        System.JIRA,
        lambda: make_tracker(jira, sleeps, api_token=token + "-revoked").open_ticket(spec()),
    )
    tracker = make_tracker(jira, sleeps, max_retries=0)
    jira.fail_next(400, body={"errorMessages": [f"echo {token}"], "errors": {}})
    outcomes["400-echo"] = raised(System.JIRA, lambda: tracker.find_by_label(LABEL))
    jira.fail_next(429, headers={"Retry-After": "1"})
    outcomes["429"] = raised(System.JIRA, lambda: tracker.find_by_label(LABEL))
    jira.deny_create = True
    outcomes["403"] = raised(System.JIRA, lambda: tracker.open_ticket(spec()))
    jira.deny_create = False
    outcomes["400"] = raised(
        System.JIRA, lambda: make_tracker(jira, sleeps, project="NO").open_ticket(spec())
    )
    down = JiraTracker(f"http://127.0.0.1:{free_port()}", jira.email, token, "OPS", timeout=2)
    outcomes["down"] = raised(System.JIRA, lambda: down.ticket_state("OPS-1"))
    return outcomes


def test_token_never_appears_in_errors_or_their_tracebacks(
    jira: FakeJira, sleeps: list[float]
) -> None:
    token = jira.api_token
    basic = base64.b64encode(f"{jira.email}:{token}".encode()).decode()

    for name, error in failing_calls(jira, sleeps).items():
        rendered = [
            str(error),
            repr(error),
            error.message,
            "".join(traceback.format_exception(error)),
        ]
        assert not any(token in text or basic in text for text in rendered), name


def test_tracker_repr_hides_token(tracker: JiraTracker, jira: FakeJira) -> None:
    assert jira.api_token not in repr(tracker)
