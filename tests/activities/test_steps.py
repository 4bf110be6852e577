"""Activities are thin: they call a connector and map its failures to stable codes."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.documents import DocumentActivities
from activities.errors import to_application_error
from activities.incidents import IncidentActivities
from activities.mail import MailActivities
from activities.tickets import TicketActivities
from connectors.documents import DocumentWritten, HumanEdit, MarkdownDocuments
from connectors.errors import ConnectorError, ErrorKind
from connectors.incidents import WebhookOnly
from connectors.links import verify_review_token
from connectors.local_tracker import LocalTracker
from connectors.mail import OutboxMailer
from connectors.pagerduty import PagerDutyIncidents
from connectors.tracker import TicketRef, TicketSpec
from tests.fakes.pagerduty import FakePagerDuty
from tests.harness import FIVE_WHYS, incident
from workflows.messages import MailKind, MailRequest
from workflows.review import ActionItem, ReplacedEdit, ReviewState
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
        ("confluence", ErrorKind.FORBIDDEN, "ConfluencePermissionDenied", False),
        ("confluence", ErrorKind.NOT_FOUND, "ConfluenceSpaceNotFound", False),
        ("confluence", ErrorKind.UNAUTHORIZED, "ConfluenceUnauthorized", False),
        ("confluence", ErrorKind.BAD_REQUEST, "ConfluenceBadRequest", False),
        ("confluence", ErrorKind.RATE_LIMITED, "ConfluenceRateLimited", True),
        ("confluence", ErrorKind.UNAVAILABLE, "ConfluenceUnavailable", True),
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


def _state(incident_id: str) -> ReviewState:
    return ReviewState(
        incident=incident(incident_id, NOW),
        facilitator="carol@example.com",
        leadership=["vp@example.com"],
        five_whys=FIVE_WHYS,
    )


def test_writing_the_markdown_document_says_it_lives_in_followthrough(tmp_path: Path) -> None:
    store = MarkdownDocuments(tmp_path / "reviews", "http://review.test")
    written = ActivityEnvironment().run(
        DocumentActivities(store).write_review_document, WriteReviewDoc(state=_state("PDOC1"))
    )
    assert (written.url, written.external) == ("http://review.test/reviews/PDOC1/document", False)


def test_a_replaced_human_edit_reaches_the_workflow_with_its_link(tmp_path: Path) -> None:
    class EditedStore(MarkdownDocuments):
        name = "edited"
        external = True

        def write_document(self, incident_id: str, review: Any) -> DocumentWritten:
            edit = HumanEdit(version=3, url="https://wiki.test/v3", author="Ana", sections=("x",))
            return DocumentWritten(url="https://wiki.test/p", version=4, human_edit=edit)

    written = ActivityEnvironment().run(
        DocumentActivities(EditedStore(tmp_path, "http://review.test")).write_review_document,
        WriteReviewDoc(state=_state("PDOC2")),
    )
    assert written.external
    assert written.replaced_edit == ReplacedEdit(
        version=3, url="https://wiki.test/v3", author="Ana", sections=["x"]
    )


def test_a_ticket_links_the_review_document_when_it_lives_outside(tmp_path: Path) -> None:
    class Recording(LocalTracker):
        specs: list[TicketSpec] = []

        def open_ticket(self, spec: TicketSpec) -> TicketRef:
            self.specs.append(spec)
            return super().open_ticket(spec)

    tracker = Recording(tmp_path / "tracker.json", "http://review.test")
    request = open_request("PDOC3").model_copy(
        update={"doc_url": "https://wiki.test/spaces/PM/pages/9"}
    )
    ActivityEnvironment().run(TicketActivities(tracker).open_ticket, request)
    assert tracker.specs[0].review_url == "https://wiki.test/spaces/PM/pages/9"


def test_review_links_in_mail_carry_a_token_scoped_to_that_review(tmp_path: Path) -> None:
    sender = MailActivities(OutboxMailer(tmp_path / "outbox"), "followthrough@example.com", "k3y")
    ActivityEnvironment().run(sender.send_email, mail("postmortem-PACT3/opened"))
    raw = next((tmp_path / "outbox").glob("*.eml")).read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    token = re.search(r"http://review\.test/reviews/PACT3\?t=([\w.\-]+)", text)
    assert token is not None
    assert verify_review_token(token.group(1), "PACT3", "k3y")
    assert not verify_review_token(token.group(1), "POTHER", "k3y")
