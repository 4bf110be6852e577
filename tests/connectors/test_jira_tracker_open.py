"""JiraTracker opens one ticket per action item with every field, its owner and a link to the
review, and finds it again instead of opening a second (the real ``jira`` client against the
local Jira Cloud imitation)."""

from __future__ import annotations

import pytest

from connectors.errors import ErrorKind, System
from connectors.jira_tracker import JiraTracker
from tests.fakes.jira import FakeJira
from tests.support.imitations import LABEL, OWNER, REVIEW, make_tracker, raised, spec

# -- construction ---------------------------------------------------------------------------


def test_construction_does_no_io(jira: FakeJira, sleeps: list[float]) -> None:
    make_tracker(jira, sleeps)

    assert jira.requests == []


def test_first_use_detects_cloud_from_server_info(tracker: JiraTracker, jira: FakeJira) -> None:
    tracker.find_by_label(LABEL)

    assert tracker.deployment_type == "Cloud"
    assert jira.count("GET", "/rest/api/2/search/jql") == 1
    assert ("GET", "/rest/api/2/search") not in jira.requests  # removed on Cloud (410)


# -- opening tickets ------------------------------------------------------------------------


def test_open_ticket_creates_issue_with_every_field(tracker: JiraTracker, jira: FakeJira) -> None:
    ref = tracker.open_ticket(spec())

    fields = jira.issue(ref.key)["fields"]
    assert fields["project"]["key"] == "OPS"
    assert fields["issuetype"]["name"] == "Task"
    assert fields["summary"] == "Add a canary stage to the payments deploy pipeline"
    assert fields["description"].startswith("Done when every payments deploy")
    assert fields["duedate"] == "2031-03-14"
    assert fields["priority"]["name"] == "High"
    assert fields["labels"] == ["followthrough", LABEL]


def test_open_ticket_assigns_owner_by_email(tracker: JiraTracker, jira: FakeJira) -> None:
    ref = tracker.open_ticket(spec())

    assignee = jira.issue(ref.key)["fields"]["assignee"]
    assert assignee["emailAddress"] == OWNER
    assert ref.unassigned_reason is None


def test_open_ticket_links_the_review(tracker: JiraTracker, jira: FakeJira) -> None:
    ref = tracker.open_ticket(spec())

    links = jira.remote_links(ref.key)
    assert [link["object"]["url"] for link in links] == [REVIEW]


def test_open_ticket_returns_browse_url_of_new_issue(tracker: JiraTracker, jira: FakeJira) -> None:
    ref = tracker.open_ticket(spec())

    assert ref.key == "OPS-1"
    assert ref.url == f"{jira.url}/browse/OPS-1"
    assert ref.created is True


@pytest.mark.parametrize(
    ("priority", "jira_name"), [("high", "High"), ("medium", "Medium"), ("low", "Low")]
)
def test_priority_maps_to_jira_priority_name(
    tracker: JiraTracker, jira: FakeJira, priority: str, jira_name: str
) -> None:
    ref = tracker.open_ticket(spec(priority=priority))

    assert jira.issue(ref.key)["fields"]["priority"]["name"] == jira_name


def test_labels_with_spaces_are_made_valid_jira_labels(
    tracker: JiraTracker, jira: FakeJira
) -> None:
    ref = tracker.open_ticket(spec(labels=("followthrough", "team payments")))

    assert jira.issue(ref.key)["fields"]["labels"] == ["followthrough", "team_payments", LABEL]


def test_server_deployment_searches_classic_api_and_assigns_by_name(
    sleeps: list[float],
) -> None:
    with FakeJira(deployment_type="Server") as server:
        server.add_user(OWNER, "Ana Lima")
        tracker = make_tracker(server, sleeps)

        ref = tracker.open_ticket(spec())
        again = tracker.open_ticket(spec())

        assert tracker.deployment_type == "Server"
        assert server.issue(ref.key)["fields"]["assignee"]["name"] == "ana"
        assert (again.key, again.created) == (ref.key, False)
        assert server.count("GET", "/rest/api/2/search/jql") == 0


def test_second_open_with_same_label_returns_existing_ticket(
    tracker: JiraTracker, jira: FakeJira
) -> None:
    first = tracker.open_ticket(spec())
    second = tracker.open_ticket(spec())

    assert second.key == first.key
    assert second.created is False
    assert jira.create_count == 1


def test_reopening_does_not_duplicate_the_review_link(tracker: JiraTracker, jira: FakeJira) -> None:
    ref = tracker.open_ticket(spec())
    tracker.open_ticket(spec())

    assert len(jira.remote_links(ref.key)) == 1


def test_reopening_adds_review_link_missing_from_earlier_attempt(
    tracker: JiraTracker, jira: FakeJira
) -> None:
    ref = tracker.open_ticket(spec(review_url=None))
    tracker.open_ticket(spec())

    assert [link["object"]["url"] for link in jira.remote_links(ref.key)] == [REVIEW]


def test_lost_create_answer_returns_the_issue_found_by_label(
    tracker: JiraTracker, jira: FakeJira
) -> None:
    jira.drop_next_create_response = True

    ref = tracker.open_ticket(spec())

    assert ref.key == "OPS-1"
    assert ref.created is True
    assert jira.create_count == 1
    assert [link["object"]["url"] for link in jira.remote_links(ref.key)] == [REVIEW]


def test_lost_create_answer_then_retry_leaves_exactly_one_ticket(
    jira: FakeJira, sleeps: list[float]
) -> None:
    tracker = make_tracker(jira, sleeps, max_retries=0)
    jira.drop_next_create_response = True
    # the look after the lost answer fails too, so the first attempt cannot know
    jira.fail_next(503, method="GET", path="/rest/api/2/search/jql", after=1)

    failure = raised(System.JIRA, lambda: tracker.open_ticket(spec()))
    retry = tracker.open_ticket(spec())

    assert failure.kind is ErrorKind.UNAVAILABLE
    assert failure.retryable
    assert retry.key == "OPS-1"
    assert retry.created is False
    assert jira.create_count == 1


def test_unknown_owner_opens_unassigned_ticket_with_reason(
    tracker: JiraTracker, jira: FakeJira
) -> None:
    ref = tracker.open_ticket(spec(owner_email="nobody@example.com"))

    assert jira.issue(ref.key)["fields"]["assignee"] is None
    assert ref.unassigned_reason is not None
    assert "no Jira user with email nobody@example.com" in ref.unassigned_reason


def test_owner_whose_email_is_hidden_is_assigned_by_the_single_match(
    tracker: JiraTracker, jira: FakeJira
) -> None:
    hidden = jira.add_user("bo@example.com", "Bo Chen", email_visible=False)

    ref = tracker.open_ticket(spec(owner_email="bo@example.com"))

    assert jira.issue(ref.key)["fields"]["assignee"]["accountId"] == hidden.account_id


def test_owner_lookup_prefers_exact_email_over_prefix_matches(
    tracker: JiraTracker, jira: FakeJira
) -> None:
    jira.add_user("ana@example.com.au", "Ana Souza")

    ref = tracker.open_ticket(spec())

    assert jira.issue(ref.key)["fields"]["assignee"]["emailAddress"] == OWNER
