"""Activities are thin: they call a connector and map its failures to stable codes."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.documents import DocumentActivities
from activities.errors import to_application_error
from activities.incidents import IncidentActivities
from activities.mail import MailActivities
from activities.tickets import TicketActivities
from connectors.documents import MarkdownDocuments
from connectors.errors import ConnectorError, ErrorKind
from connectors.incidents import WebhookOnly
from connectors.links import read_link_token
from connectors.local_tracker import LocalTracker
from connectors.mail import OutboxMailer
from connectors.pagerduty import PagerDutyIncidents
from tests.fakes.pagerduty import FakePagerDuty
from tests.harness import FIVE_WHYS, incident
from workflows.messages import MailKind, MailRequest
from workflows.review import ActionItem, ReviewState
from workflows.steps import FetchIncident, OpenTicket, TicketComment, TicketQuery, WriteReviewDoc

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("system", "kind", "code", "retryable"),
    [
        ("jira", ErrorKind.FORBIDDEN, "JiraPermissionDenied", False),
        ("jira", ErrorKind.BAD_REQUEST, "JiraBadRequest", False),
        ("jira", ErrorKind.UNAUTHORIZED, "JiraUnauthorized", False),
        ("jira", ErrorKind.RATE_LIMITED, "JiraRateLimited", True),
        ("jira", ErrorKind.UNAVAILABLE, "JiraUnavailable", True),
        ("pagerduty", ErrorKind.NOT_FOUND, "PagerDutyNotFound", False),
        ("smtp", ErrorKind.REJECTED, "MailRejected", False),
        ("smtp", ErrorKind.INVALID_ADDRESS, "MailAddressInvalid", False),
        ("smtp", ErrorKind.UNAVAILABLE, "MailUnavailable", True),
    ],
)
def test_connector_failures_map_to_stable_codes(
    system: str, kind: ErrorKind, code: str, retryable: bool
) -> None:
    error = to_application_error(ConnectorError(system, kind, "what happened"))
    assert error.type == code
    assert error.non_retryable is not retryable


def test_a_rate_limit_carries_the_servers_retry_after() -> None:
    error = to_application_error(
        ConnectorError("jira", ErrorKind.RATE_LIMITED, "slow down", retry_after=7.5)
    )
    assert error.next_retry_delay == timedelta(seconds=7.5)


def open_request(incident_id: str = "PACT1") -> OpenTicket:
    return OpenTicket(
        incident_id=incident_id,
        incident_title="Checkout API returned 503s",
        item=ActionItem(
            id="1",
            title="Cap pool size at 20 in the template",
            owner="carol@example.com",
            due="2026-12-10",
            done_when="Load test at 2x peak stays under 80% pool usage.",
            root_cause="rc1",
        ),
        root_cause="Pools default to unbounded.",
        review_url="http://review.test/reviews/PACT1",
    )


def test_opening_a_ticket_twice_returns_the_first_ticket(tmp_path: Path) -> None:
    tickets = TicketActivities(LocalTracker(tmp_path / "t.json", "http://review.test"))
    env = ActivityEnvironment()
    first = env.run(tickets.open_ticket, open_request())
    again = env.run(tickets.open_ticket, open_request())
    assert (first.key, first.created) == ("LOCAL-1", True)
    assert (again.key, again.created) == ("LOCAL-1", False)


def test_the_ticket_says_what_done_when_root_cause_and_links_the_review(tmp_path: Path) -> None:
    tracker = LocalTracker(tmp_path / "t.json", "http://review.test")
    ActivityEnvironment().run(TicketActivities(tracker).open_ticket, open_request())
    ticket = tracker.all_tickets()[0]
    assert "Done when: Load test at 2x peak" in ticket["description"]
    assert "Root cause addressed: Pools default to unbounded." in ticket["description"]
    assert "http://review.test/reviews/PACT1" in ticket["description"]
    assert ticket["due"] == "2026-12-10"
    assert ticket["label"] == "ft-PACT1-1"


def test_a_ticket_gone_from_the_tracker_reads_as_deleted(tmp_path: Path) -> None:
    tickets = TicketActivities(LocalTracker(tmp_path / "t.json", "http://review.test"))
    status = ActivityEnvironment().run(tickets.read_ticket_status, TicketQuery(key="LOCAL-9"))
    assert status.deleted
    assert not status.done


def test_commenting_on_an_unknown_ticket_fails_without_retry(tmp_path: Path) -> None:
    tickets = TicketActivities(LocalTracker(tmp_path / "t.json", "http://review.test"))
    with pytest.raises(ApplicationError) as failure:
        ActivityEnvironment().run(
            tickets.comment_on_ticket, TicketComment(key="LOCAL-9", text="escalated")
        )
    assert failure.value.type == "TrackerUnknownTicket"
    assert failure.value.non_retryable


def test_without_a_token_the_incident_is_the_webhooks_data() -> None:
    known = incident("PACT2", NOW)
    result = ActivityEnvironment().run(
        IncidentActivities(WebhookOnly()).fetch_incident, FetchIncident(incident=known)
    )
    assert result == known


def test_pagerduty_details_are_merged_into_the_webhooks_incident() -> None:
    with FakePagerDuty() as fake:
        record = fake.add_incident(log_entries=8, notes=1, responders=2)
        source = PagerDutyIncidents(
            fake.token, fake.base_url, ca_file=fake.ca_file, trust_env=False
        )
        known = incident(record["id"], NOW)
        result = ActivityEnvironment().run(
            IncidentActivities(source).fetch_incident, FetchIncident(incident=known)
        )
    assert result.details_source == "pagerduty"
    assert len(result.timeline) == 9
    assert all(p.email for p in result.responders)
    assert result.resolved_at != NOW  # PagerDuty's resolve log entry wins


def test_a_refused_pagerduty_token_fails_fast_with_its_code() -> None:
    with FakePagerDuty() as fake:
        record = fake.add_incident()
        source = PagerDutyIncidents(
            "wrong-token", fake.base_url, ca_file=fake.ca_file, trust_env=False
        )
        with pytest.raises(ApplicationError) as failure:
            ActivityEnvironment().run(
                IncidentActivities(source).fetch_incident,
                FetchIncident(incident=incident(record["id"], NOW)),
            )
    assert failure.value.type == "PagerDutyUnauthorized"
    assert failure.value.non_retryable
    assert "wrong-token" not in str(failure.value)


def mail(key: str, to: str = "carol@example.com") -> MailRequest:
    return MailRequest(
        kind=MailKind.REVIEW_OPENED,
        to=[to],
        message_key=key,
        sent_at=NOW,
        incident_id="PACT3",
        incident_title="Checkout API returned 503s",
        review_url="http://review.test/reviews/PACT3",
        facilitator="carol@example.com",
        deadline=NOW + timedelta(days=5),
    )


def test_a_retried_send_lands_once_in_the_outbox(tmp_path: Path) -> None:
    sender = MailActivities(OutboxMailer(tmp_path / "outbox"), "followthrough@example.com")
    env = ActivityEnvironment()
    env.run(sender.send_email, mail("postmortem-PACT3/opened"))
    env.run(sender.send_email, mail("postmortem-PACT3/opened"))
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_an_unusable_address_fails_without_retry(tmp_path: Path) -> None:
    sender = MailActivities(OutboxMailer(tmp_path / "outbox"), "followthrough@example.com")
    with pytest.raises(ApplicationError) as failure:
        ActivityEnvironment().run(sender.send_email, mail("k", to="not an address"))
    assert failure.value.type == "MailAddressInvalid"
    assert failure.value.non_retryable


def test_the_review_document_has_every_section_and_escapes_table_cells(tmp_path: Path) -> None:
    store = MarkdownDocuments(tmp_path / "reviews", "http://review.test")
    state = ReviewState(
        incident=incident("PACT4", NOW).model_copy(update={"title": "Cache | queue outage"}),
        facilitator="carol@example.com",
        leadership=["vp@example.com"],
        five_whys=FIVE_WHYS,
    )
    url = ActivityEnvironment().run(
        DocumentActivities(store).write_review_doc, WriteReviewDoc(state=state)
    )
    assert url == "http://review.test/reviews/PACT4/document"
    text = (tmp_path / "reviews" / "PACT4.md").read_text()
    for section in (
        "## Summary",
        "## Timeline",
        "## Symptom and five whys",
        "## Root causes",
        "## Action items",
        "## What went well",
        "## Follow-up",
    ):
        assert section in text
    assert "Cache \\| queue outage" in text


def _outbox_links(folder: Path) -> dict[str, str]:
    """Each message's recipient and the review link token in its plain text."""
    found = {}
    for path in folder.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        token = re.search(r"http://review\.test/reviews/PACT3\?t=([\w.\-]+)", body.get_content())
        assert token is not None
        found[str(message["To"])] = token.group(1)
    return found


def test_each_recipient_gets_a_link_signed_for_them_and_their_role(tmp_path: Path) -> None:
    sender = MailActivities(OutboxMailer(tmp_path / "outbox"), "followthrough@example.com", "k3y")
    request = mail("postmortem-PACT3/opened").model_copy(
        update={
            "to": ["fay@example.com", "rui@example.com"],
            "cc": ["lee@example.com"],
            "link_roles": {"fay@example.com": "facilitator", "rui@example.com": "contributor"},
        }
    )
    ActivityEnvironment().run(sender.send_email, request)
    links = _outbox_links(tmp_path / "outbox")
    claims = {to: read_link_token(token, "k3y", 86400) for to, token in links.items()}
    assert {to: (c.incident_id, c.recipient, c.role) for to, c in claims.items()} == {
        "fay@example.com": ("PACT3", "fay@example.com", "facilitator"),
        "rui@example.com": ("PACT3", "rui@example.com", "contributor"),
        "lee@example.com": ("PACT3", "lee@example.com", "viewer"),
    }


def test_a_resent_mail_lands_once_per_recipient(tmp_path: Path) -> None:
    sender = MailActivities(OutboxMailer(tmp_path / "outbox"), "followthrough@example.com", "k3y")
    request = mail("postmortem-PACT3/opened").model_copy(
        update={"to": ["fay@example.com", "rui@example.com"]}
    )
    ActivityEnvironment().run(sender.send_email, request)
    ActivityEnvironment().run(sender.send_email, request)
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2
