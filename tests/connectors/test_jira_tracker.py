"""JiraTracker with the real ``jira`` client against the local Jira Cloud imitation."""

from __future__ import annotations

import base64
import socket
import traceback
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime

import jira
import pytest

from connectors.atlassian import parse_retry_after
from connectors.errors import ConnectorError, ErrorKind
from connectors.jira_tracker import JiraTracker
from connectors.tracker import TicketSpec
from tests.fakes.jira import FakeJira
from tests.support.ports import free_port

OWNER = "ana@example.com"
LABEL = "ft-PT4KHLK-1"
REVIEW = "http://127.0.0.1:8080/reviews/PT4KHLK"


@pytest.fixture
def fake() -> Iterator[FakeJira]:
    with FakeJira() as server:
        server.add_user(OWNER, "Ana Lima")
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


def make_tracker(fake: FakeJira, sleeps: list[float], **overrides: object) -> JiraTracker:
    options: dict[str, object] = {
        "url": fake.url,
        "email": fake.email,
        "api_token": fake.api_token,
        "project": "OPS",
        "timeout": 5.0,
        "sleep": sleeps.append,
    }
    options.update(overrides)
    return JiraTracker(**options)  # type: ignore[arg-type]


@pytest.fixture
def tracker(fake: FakeJira, sleeps: list[float]) -> JiraTracker:
    return make_tracker(fake, sleeps)


def spec(**overrides: object) -> TicketSpec:
    values: dict[str, object] = {
        "item_label": LABEL,
        "summary": "Add a canary stage to the payments deploy pipeline",
        "description": "Done when every payments deploy passes a 10% canary for 15 minutes.",
        "due": date(2031, 3, 14),
        "priority": "high",
        "owner_email": OWNER,
        "review_url": REVIEW,
    }
    values.update(overrides)
    return TicketSpec(**values)  # type: ignore[arg-type]


def raises(call: object) -> ConnectorError:
    assert callable(call)
    with pytest.raises(ConnectorError) as caught:
        call()
    assert caught.value.system == "jira"
    return caught.value


# -- construction ---------------------------------------------------------------------------


def test_construction_does_no_io(fake: FakeJira, sleeps: list[float]) -> None:
    make_tracker(fake, sleeps)

    assert fake.requests == []


def test_first_use_detects_cloud_from_server_info(tracker: JiraTracker, fake: FakeJira) -> None:
    tracker.find_by_label(LABEL)

    assert tracker.deployment_type == "Cloud"
    assert fake.count("GET", "/rest/api/2/search/jql") == 1
    assert ("GET", "/rest/api/2/search") not in fake.requests  # removed on Cloud (410)


# -- opening tickets ------------------------------------------------------------------------


def test_open_ticket_creates_issue_with_every_field(tracker: JiraTracker, fake: FakeJira) -> None:
    ref = tracker.open_ticket(spec())

    fields = fake.issue(ref.key)["fields"]
    assert fields["project"]["key"] == "OPS"
    assert fields["issuetype"]["name"] == "Task"
    assert fields["summary"] == "Add a canary stage to the payments deploy pipeline"
    assert fields["description"].startswith("Done when every payments deploy")
    assert fields["duedate"] == "2031-03-14"
    assert fields["priority"]["name"] == "High"
    assert fields["labels"] == ["followthrough", LABEL]


def test_open_ticket_assigns_owner_by_email(tracker: JiraTracker, fake: FakeJira) -> None:
    ref = tracker.open_ticket(spec())

    assignee = fake.issue(ref.key)["fields"]["assignee"]
    assert assignee["emailAddress"] == OWNER
    assert ref.unassigned_reason is None


def test_open_ticket_links_the_review(tracker: JiraTracker, fake: FakeJira) -> None:
    ref = tracker.open_ticket(spec())

    links = fake.remote_links(ref.key)
    assert [link["object"]["url"] for link in links] == [REVIEW]


def test_open_ticket_returns_browse_url_of_new_issue(tracker: JiraTracker, fake: FakeJira) -> None:
    ref = tracker.open_ticket(spec())

    assert ref.key == "OPS-1"
    assert ref.url == f"{fake.url}/browse/OPS-1"
    assert ref.created is True


@pytest.mark.parametrize(
    ("priority", "jira_name"), [("high", "High"), ("medium", "Medium"), ("low", "Low")]
)
def test_priority_maps_to_jira_priority_name(
    tracker: JiraTracker, fake: FakeJira, priority: str, jira_name: str
) -> None:
    ref = tracker.open_ticket(spec(priority=priority))

    assert fake.issue(ref.key)["fields"]["priority"]["name"] == jira_name


def test_labels_with_spaces_are_made_valid_jira_labels(
    tracker: JiraTracker, fake: FakeJira
) -> None:
    ref = tracker.open_ticket(spec(labels=("followthrough", "team payments")))

    assert fake.issue(ref.key)["fields"]["labels"] == ["followthrough", "team_payments", LABEL]


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
    tracker: JiraTracker, fake: FakeJira
) -> None:
    first = tracker.open_ticket(spec())
    second = tracker.open_ticket(spec())

    assert second.key == first.key
    assert second.created is False
    assert fake.create_count == 1


def test_reopening_does_not_duplicate_the_review_link(tracker: JiraTracker, fake: FakeJira) -> None:
    ref = tracker.open_ticket(spec())
    tracker.open_ticket(spec())

    assert len(fake.remote_links(ref.key)) == 1


def test_reopening_adds_review_link_missing_from_earlier_attempt(
    tracker: JiraTracker, fake: FakeJira
) -> None:
    ref = tracker.open_ticket(spec(review_url=None))
    tracker.open_ticket(spec())

    assert [link["object"]["url"] for link in fake.remote_links(ref.key)] == [REVIEW]


def test_lost_create_answer_returns_the_issue_found_by_label(
    tracker: JiraTracker, fake: FakeJira
) -> None:
    fake.drop_next_create_response = True

    ref = tracker.open_ticket(spec())

    assert ref.key == "OPS-1"
    assert ref.created is True
    assert fake.create_count == 1
    assert [link["object"]["url"] for link in fake.remote_links(ref.key)] == [REVIEW]


def test_lost_create_answer_then_retry_leaves_exactly_one_ticket(
    fake: FakeJira, sleeps: list[float]
) -> None:
    tracker = make_tracker(fake, sleeps, max_retries=0)
    fake.drop_next_create_response = True
    # the look after the lost answer fails too, so the first attempt cannot know
    fake.fail_next(503, method="GET", path="/rest/api/2/search/jql", after=1)

    failure = raises(lambda: tracker.open_ticket(spec()))
    retry = tracker.open_ticket(spec())

    assert failure.kind is ErrorKind.UNAVAILABLE
    assert failure.retryable
    assert retry.key == "OPS-1"
    assert retry.created is False
    assert fake.create_count == 1


def test_unknown_owner_opens_unassigned_ticket_with_reason(
    tracker: JiraTracker, fake: FakeJira
) -> None:
    ref = tracker.open_ticket(spec(owner_email="nobody@example.com"))

    assert fake.issue(ref.key)["fields"]["assignee"] is None
    assert ref.unassigned_reason is not None
    assert "no Jira user with email nobody@example.com" in ref.unassigned_reason


def test_owner_whose_email_is_hidden_is_assigned_by_the_single_match(
    tracker: JiraTracker, fake: FakeJira
) -> None:
    hidden = fake.add_user("bo@example.com", "Bo Chen", email_visible=False)

    ref = tracker.open_ticket(spec(owner_email="bo@example.com"))

    assert fake.issue(ref.key)["fields"]["assignee"]["accountId"] == hidden.account_id


def test_owner_lookup_prefers_exact_email_over_prefix_matches(
    tracker: JiraTracker, fake: FakeJira
) -> None:
    fake.add_user("ana@example.com.au", "Ana Souza")

    ref = tracker.open_ticket(spec())

    assert fake.issue(ref.key)["fields"]["assignee"]["emailAddress"] == OWNER


# -- rate limits and outages ---------------------------------------------------------------


def test_429_retry_after_seconds_is_slept_then_ticket_opens(
    tracker: JiraTracker, fake: FakeJira, sleeps: list[float]
) -> None:
    fake.fail_next(429, headers={"Retry-After": "7"}, method="POST", path="/rest/api/2/issue")

    ref = tracker.open_ticket(spec())

    assert sleeps == [7.0]
    assert ref.created is True
    assert fake.create_count == 1


def test_429_retry_after_http_date_is_honoured(
    tracker: JiraTracker, fake: FakeJira, sleeps: list[float]
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    fake.fail_next(429, headers={"Retry-After": when}, method="POST", path="/rest/api/2/issue")

    tracker.open_ticket(spec())

    assert len(sleeps) == 1
    assert 25.0 <= sleeps[0] <= 30.0
    assert fake.create_count == 1


def test_503_without_retry_after_backs_off_exponentially(
    tracker: JiraTracker, fake: FakeJira, sleeps: list[float]
) -> None:
    fake.fail_next(503, count=2, method="POST", path="/rest/api/2/issue")

    tracker.open_ticket(spec())

    assert sleeps == [1.0, 2.0]
    assert fake.create_count == 1


def test_503_after_jira_created_the_issue_does_not_create_another(
    tracker: JiraTracker, fake: FakeJira, sleeps: list[float]
) -> None:
    fake.fail_next(503, method="POST", path="/rest/api/2/issue", processed=True)

    ref = tracker.open_ticket(spec())

    assert ref.key == "OPS-1"
    assert ref.created is True
    assert fake.create_count == 1
    assert sleeps == [1.0]


def test_rate_limited_beyond_max_retries_raises_rate_limited(
    tracker: JiraTracker, fake: FakeJira, sleeps: list[float]
) -> None:
    fake.fail_next(429, count=100, headers={"Retry-After": "2"}, path="/rest/api/2/search")

    error = raises(lambda: tracker.open_ticket(spec()))

    assert error.kind is ErrorKind.RATE_LIMITED
    assert error.retry_after == 2.0
    assert error.status == 429
    assert sleeps == [2.0, 2.0, 2.0]
    assert fake.create_count == 0


def test_retry_after_beyond_max_wait_raises_without_sleeping(
    tracker: JiraTracker, fake: FakeJira, sleeps: list[float]
) -> None:
    fake.fail_next(429, headers={"Retry-After": "3600"})

    error = raises(lambda: tracker.find_by_label(LABEL))

    assert error.kind is ErrorKind.RATE_LIMITED
    assert error.retry_after == 3600.0
    assert sleeps == []


def test_503_beyond_max_retries_raises_unavailable(
    tracker: JiraTracker, fake: FakeJira, sleeps: list[float]
) -> None:
    fake.fail_next(503, count=100, headers={"Retry-After": "1"})

    error = raises(lambda: tracker.ticket_state("OPS-1"))

    assert error.kind is ErrorKind.UNAVAILABLE
    assert error.retryable
    assert len(sleeps) == 3


@pytest.mark.usefixtures("sleeps")
def test_unreachable_jira_is_unavailable() -> None:
    tracker = JiraTracker(f"http://127.0.0.1:{free_port()}", "a@example.com", "t", "OPS", timeout=2)

    error = raises(lambda: tracker.ticket_state("OPS-1"))

    assert error.kind is ErrorKind.UNAVAILABLE
    assert error.retryable


def test_jira_that_never_answers_times_out_as_unavailable() -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        tracker = JiraTracker(url, "a@example.com", "t", "OPS", timeout=0.05)

        error = raises(lambda: tracker.ticket_state("OPS-1"))

    assert error.kind is ErrorKind.UNAVAILABLE


# -- refusals -------------------------------------------------------------------------------


def test_unknown_project_is_bad_request_naming_project(fake: FakeJira, sleeps: list[float]) -> None:
    tracker = make_tracker(fake, sleeps, project="NOPE")

    error = raises(lambda: tracker.open_ticket(spec()))

    assert error.kind is ErrorKind.BAD_REQUEST
    assert "project: valid project is required" in error.message
    assert error.status == 400


def test_unknown_issue_type_is_bad_request_naming_issue_type(
    fake: FakeJira, sleeps: list[float]
) -> None:
    tracker = make_tracker(fake, sleeps, issue_type="Incident Action")

    error = raises(lambda: tracker.open_ticket(spec()))

    assert error.kind is ErrorKind.BAD_REQUEST
    assert "issuetype: valid issue type is required" in error.message


def test_field_errors_are_named_in_bad_request(tracker: JiraTracker) -> None:
    error = raises(lambda: tracker.open_ticket(spec(summary="x" * 300)))

    assert error.kind is ErrorKind.BAD_REQUEST
    assert "summary: Summary must be less than 255 characters." in error.message


def test_wrong_token_is_unauthorized(fake: FakeJira, sleeps: list[float]) -> None:
    tracker = make_tracker(fake, sleeps, api_token="not-the-token")

    error = raises(lambda: tracker.open_ticket(spec()))

    assert error.kind is ErrorKind.UNAUTHORIZED
    assert "FOLLOWTHROUGH_JIRA_API_TOKEN" in error.message
    assert not error.retryable


def test_missing_create_permission_is_forbidden(tracker: JiraTracker, fake: FakeJira) -> None:
    fake.deny_create = True

    error = raises(lambda: tracker.open_ticket(spec()))

    assert error.kind is ErrorKind.FORBIDDEN
    assert "missing permission" in error.message
    assert "You do not have permission to create issues" in error.message


def test_comment_on_missing_issue_is_not_found(tracker: JiraTracker) -> None:
    error = raises(lambda: tracker.comment("OPS-404", "still open?"))

    assert error.kind is ErrorKind.NOT_FOUND


def test_malformed_key_is_refused_without_a_request(tracker: JiraTracker, fake: FakeJira) -> None:
    error = raises(lambda: tracker.ticket_state("OPS-1/../../serverInfo"))

    assert error.kind is ErrorKind.BAD_REQUEST
    assert fake.requests == []


def failing_calls(fake: FakeJira, sleeps: list[float]) -> dict[str, ConnectorError]:
    token = fake.api_token
    outcomes: dict[str, ConnectorError] = {}
    outcomes["401"] = raises(
        lambda: make_tracker(fake, sleeps, api_token=token + "-revoked").open_ticket(spec())
    )
    tracker = make_tracker(fake, sleeps, max_retries=0)
    fake.fail_next(400, body={"errorMessages": [f"echo {token}"], "errors": {}})
    outcomes["400-echo"] = raises(lambda: tracker.find_by_label(LABEL))
    fake.fail_next(429, headers={"Retry-After": "1"})
    outcomes["429"] = raises(lambda: tracker.find_by_label(LABEL))
    fake.deny_create = True
    outcomes["403"] = raises(lambda: tracker.open_ticket(spec()))
    fake.deny_create = False
    outcomes["400"] = raises(lambda: make_tracker(fake, sleeps, project="NO").open_ticket(spec()))
    down = JiraTracker(f"http://127.0.0.1:{free_port()}", fake.email, token, "OPS", timeout=2)
    outcomes["down"] = raises(lambda: down.ticket_state("OPS-1"))
    return outcomes


def test_token_never_appears_in_errors_or_their_tracebacks(
    fake: FakeJira, sleeps: list[float]
) -> None:
    token = fake.api_token
    basic = base64.b64encode(f"{fake.email}:{token}".encode()).decode()

    for name, error in failing_calls(fake, sleeps).items():
        rendered = [
            str(error),
            repr(error),
            error.message,
            "".join(traceback.format_exception(error)),
        ]
        assert not any(token in text or basic in text for text in rendered), name


def test_tracker_repr_hides_token(tracker: JiraTracker, fake: FakeJira) -> None:
    assert fake.api_token not in repr(tracker)


# -- reading state, commenting ---------------------------------------------------------------


def test_new_ticket_state_is_open(tracker: JiraTracker) -> None:
    ref = tracker.open_ticket(spec())

    state = tracker.ticket_state(ref.key)

    assert state.done is False
    assert state.deleted is False
    assert state.status == "To Do"
    assert LABEL in state.labels


def test_ticket_in_progress_is_not_done(tracker: JiraTracker, fake: FakeJira) -> None:
    ref = tracker.open_ticket(spec())
    fake.transition(ref.key, "In Progress")

    assert tracker.ticket_state(ref.key).done is False


def test_ticket_moved_to_done_category_is_done(tracker: JiraTracker, fake: FakeJira) -> None:
    ref = tracker.open_ticket(spec())
    fake.transition(ref.key, "Done")

    state = tracker.ticket_state(ref.key)

    assert state.done is True
    assert state.status == "Done"


def test_deleted_ticket_reads_as_deleted(tracker: JiraTracker, fake: FakeJira) -> None:
    ref = tracker.open_ticket(spec())
    fake.delete_issue(ref.key)

    state = tracker.ticket_state(ref.key)

    assert state.deleted is True
    assert state.done is False


def test_comment_is_added_to_the_ticket(tracker: JiraTracker, fake: FakeJira) -> None:
    ref = tracker.open_ticket(spec())

    tracker.comment(ref.key, "Escalated to engineering leadership: 14 days overdue.")

    assert fake.comments(ref.key) == ["Escalated to engineering leadership: 14 days overdue."]


def test_find_by_label_returns_live_state(tracker: JiraTracker, fake: FakeJira) -> None:
    ref = tracker.open_ticket(spec())
    fake.transition(ref.key, "Done")

    state = tracker.find_by_label(LABEL)

    assert state is not None
    assert state.key == ref.key
    assert state.done is True


def test_find_by_label_without_ticket_is_none(tracker: JiraTracker) -> None:
    assert tracker.find_by_label("ft-NOPE-9") is None


def test_find_by_label_picks_the_oldest_of_duplicates(tracker: JiraTracker, fake: FakeJira) -> None:
    client = jira.JIRA(server=fake.url, basic_auth=(fake.email, fake.api_token), max_retries=0)
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
    tracker: JiraTracker, fake: FakeJira
) -> None:
    fake.add_project("EVIL")
    planted = fake.add_issue("planted", ("followthrough", LABEL), project="EVIL")

    ref = tracker.open_ticket(spec())

    assert ref.created is True
    assert ref.key.startswith("OPS-")
    assert ref.key != planted


def test_find_by_label_looks_only_in_the_configured_project(
    tracker: JiraTracker, fake: FakeJira
) -> None:
    fake.add_project("EVIL")
    fake.add_issue("planted", (LABEL,), project="EVIL")

    assert tracker.find_by_label(LABEL) is None


def test_open_ticket_reports_the_issue_id(tracker: JiraTracker, fake: FakeJira) -> None:
    ref = tracker.open_ticket(spec())
    again = tracker.open_ticket(spec())

    assert ref.issue_id == fake.issue(ref.key)["id"]
    assert again.issue_id == ref.issue_id


# -- Retry-After parsing and the imitation's paging -------------------------------------------


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


def test_fake_pages_search_jql_with_next_page_token(fake: FakeJira) -> None:
    client = jira.JIRA(server=fake.url, basic_auth=(fake.email, fake.api_token), max_retries=0)
    for n in range(105):
        client.create_issue(
            fields={
                "project": {"key": "OPS"},
                "issuetype": {"name": "Task"},
                "summary": f"item {n}",
                "labels": ["bulk"],
            },
            prefetch=False,
        )

    found = client.search_issues('project = OPS AND labels = "bulk"', maxResults=False)

    assert len(found) == 105
    assert len({issue.key for issue in found}) == 105
    assert fake.count("GET", "/rest/api/2/search/jql") == 2
