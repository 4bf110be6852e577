"""Ticket activities (activities.tickets): idempotent opening, what a ticket says, its status."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.tickets import TicketActivities
from connectors.local_tracker import LocalTracker
from connectors.tracker import TicketRef, TicketSpec
from workflows.review import ActionItem
from workflows.steps import OpenTicket, TicketComment, TicketQuery


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
