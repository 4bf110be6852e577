"""send_item_email (activities.item_mail): an item's message goes out only while its ticket is
not done, read just before sending."""

from __future__ import annotations

from pathlib import Path

from temporalio.testing import ActivityEnvironment

from activities.item_mail import ItemMailActivities
from activities.mail import MailActivities
from activities.tickets import TicketActivities
from connectors.errors import ConnectorError, ErrorKind, System
from connectors.local_tracker import LocalTracker
from connectors.mail import OutboxMailer
from connectors.tracker import TicketState
from tests.activities.test_mail import mail
from tests.activities.test_tickets import open_request
from workflows.steps import ItemMail


class DownTracker(LocalTracker):
    """The local tracker whose reads fail as a Jira outage."""

    def ticket_state(self, key: str) -> TicketState:
        raise ConnectorError(System.JIRA, ErrorKind.UNAVAILABLE, f"Jira is down (503) for {key}")


def sender(tracker: LocalTracker, tmp_path: Path) -> ItemMailActivities:
    return ItemMailActivities(
        TicketActivities(tracker),
        MailActivities(OutboxMailer(tmp_path / "outbox"), "followthrough@example.com"),
    )


def outbox(tmp_path: Path) -> int:
    return len(list((tmp_path / "outbox").glob("*.eml")))


def test_a_message_about_a_done_ticket_is_not_sent(tmp_path: Path) -> None:
    tracker = LocalTracker(tmp_path / "t.json", "http://review.test")
    env = ActivityEnvironment()
    key = env.run(TicketActivities(tracker).open_ticket, open_request()).key
    tracker.set_done(key, True)
    sent = env.run(
        sender(tracker, tmp_path).send_item_email,
        ItemMail(request=mail("action-1/reminder"), ticket_key=key),
    )
    assert sent.ticket is not None and sent.ticket.done
    assert sent.outcome is None
    assert outbox(tmp_path) == 0


def test_a_message_about_an_open_ticket_is_sent(tmp_path: Path) -> None:
    tracker = LocalTracker(tmp_path / "t.json", "http://review.test")
    env = ActivityEnvironment()
    key = env.run(TicketActivities(tracker).open_ticket, open_request()).key
    sent = env.run(
        sender(tracker, tmp_path).send_item_email,
        ItemMail(request=mail("action-1/reminder"), ticket_key=key),
    )
    assert sent.ticket is not None and not sent.ticket.done
    assert sent.outcome is not None and sent.outcome.refused == []
    assert outbox(tmp_path) == 1


def test_a_message_goes_out_when_the_tracker_cannot_say(tmp_path: Path) -> None:
    """A reminder about a possibly closed ticket beats silence."""
    tracker = DownTracker(tmp_path / "t.json", "http://review.test")
    sent = ActivityEnvironment().run(
        sender(tracker, tmp_path).send_item_email,
        ItemMail(request=mail("action-1/reminder"), ticket_key="LOCAL-1"),
    )
    assert sent.ticket is None
    assert outbox(tmp_path) == 1
