"""JiraTracker reads a ticket's state, comments on it and finds it by label, only in its project
(the real ``jira`` client against the local Jira Cloud imitation)."""

from __future__ import annotations

from jira import JIRA

from connectors.jira_tracker import JiraTracker
from tests.fakes.jira import FakeJira
from tests.support.imitations import LABEL, spec

# -- reading state, commenting ---------------------------------------------------------------


def test_new_ticket_state_is_open(tracker: JiraTracker) -> None:
    ref = tracker.open_ticket(spec())

    state = tracker.ticket_state(ref.key)

    assert state.done is False
    assert state.deleted is False
    assert state.status == "To Do"
    assert LABEL in state.labels


def test_ticket_in_progress_is_not_done(tracker: JiraTracker, jira: FakeJira) -> None:
    ref = tracker.open_ticket(spec())
    jira.transition(ref.key, "In Progress")

    assert tracker.ticket_state(ref.key).done is False


def test_ticket_moved_to_done_category_is_done(tracker: JiraTracker, jira: FakeJira) -> None:
    ref = tracker.open_ticket(spec())
    jira.transition(ref.key, "Done")

    state = tracker.ticket_state(ref.key)

    assert state.done is True
    assert state.status == "Done"


def test_deleted_ticket_reads_as_deleted(tracker: JiraTracker, jira: FakeJira) -> None:
    ref = tracker.open_ticket(spec())
    jira.delete_issue(ref.key)

    state = tracker.ticket_state(ref.key)

    assert state.deleted is True
    assert state.done is False


def test_comment_is_added_to_the_ticket(tracker: JiraTracker, jira: FakeJira) -> None:
    ref = tracker.open_ticket(spec())

    tracker.comment(ref.key, "Escalated to engineering leadership: 14 days overdue.")

    assert jira.comments(ref.key) == ["Escalated to engineering leadership: 14 days overdue."]


def test_find_by_label_returns_live_state(tracker: JiraTracker, jira: FakeJira) -> None:
    ref = tracker.open_ticket(spec())
    jira.transition(ref.key, "Done")

    state = tracker.find_by_label(LABEL)

    assert state is not None
    assert state.key == ref.key
    assert state.done is True


def test_find_by_label_without_ticket_is_none(tracker: JiraTracker) -> None:
    assert tracker.find_by_label("ft-NOPE-9") is None


def test_find_by_label_picks_the_oldest_of_duplicates(tracker: JiraTracker, jira: FakeJira) -> None:
    client = JIRA(server=jira.url, basic_auth=(jira.email, jira.api_token), max_retries=0)
    for summary in ("first", "second"):
        client.create_issue(
            fields={
                "project": {"key": "OPS"},
                "issuetype": {"name": "Task"},
                "summary": summary,
                "labels": [LABEL],
            },
            prefetch=False,
        )

    state = tracker.find_by_label(LABEL)

    assert state is not None
    assert state.key == "OPS-1"


def test_an_issue_planted_in_another_project_is_not_adopted(
    tracker: JiraTracker, jira: FakeJira
) -> None:
    jira.add_project("EVIL")
    planted = jira.add_issue("planted", ("followthrough", LABEL), project="EVIL")

    ref = tracker.open_ticket(spec())

    assert ref.created is True
    assert ref.key.startswith("OPS-")
    assert ref.key != planted


def test_find_by_label_looks_only_in_the_configured_project(
    tracker: JiraTracker, jira: FakeJira
) -> None:
    jira.add_project("EVIL")
    jira.add_issue("planted", (LABEL,), project="EVIL")

    assert tracker.find_by_label(LABEL) is None


def test_open_ticket_reports_the_issue_id(tracker: JiraTracker, jira: FakeJira) -> None:
    ref = tracker.open_ticket(spec())
    again = tracker.open_ticket(spec())

    assert ref.issue_id == jira.issue(ref.key)["id"]
    assert again.issue_id == ref.issue_id
