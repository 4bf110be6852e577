"""Mail requests of every kind and the delivered messages' parts, for the mail connector tests."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from icalendar import Calendar

from connectors.messages import compose
from connectors.smtp import SmtpMailer
from tests.fakes.smtp import FakeSmtp, Received
from workflows.messages import (
    Digest,
    DigestTeam,
    Invitation,
    ItemLine,
    MailKind,
    MailRequest,
)
from workflows.review import ReplacedEdit

SENDER = "Followthrough <followthrough@example.com>"
REVIEW_URL = "https://followthrough.example.com/reviews/PABC123"
SENT_AT = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)
MEETING_START = datetime(2026, 4, 14, 13, 0, tzinfo=UTC)
PASSWORD = "s3cret-Pa55word-never-shown"

ITEM = ItemLine(
    id="2",
    title="Alert on replication lag above 30 s",
    owner="ana@example.com",
    due="2026-03-10",
    status="open",
    root_cause="No alert fired while replication lag grew for 40 minutes",
    ticket_key="OPS-42",
    ticket_url="https://jira.example.com/browse/OPS-42",
    days_overdue=10,
)
DONE_ITEM = ItemLine(
    id="1",
    title="Runbook for promoting the replica",
    owner="bo@example.com",
    due="2026-03-01",
    status="done",
    ticket_key="OPS-41",
    ticket_url="https://jira.example.com/browse/OPS-41",
)
LATER_ITEM = ItemLine(
    id="3",
    title="Load-test the failover every month",
    owner="cy@example.com",
    due="2026-04-01",
    status="open",
    ticket_key="OPS-43",
    ticket_url="https://jira.example.com/browse/OPS-43",
)
INVITATION = Invitation(
    uid="postmortem-PABC123-follow-up@followthrough",
    sequence=0,
    start=MEETING_START,
    end=datetime(2026, 4, 14, 14, 0, tzinfo=UTC),
    timezone="Europe/Berlin",
    summary="Follow-up: Checkout latency",
    description=f"Review every action item. Review: {REVIEW_URL}",
    organizer="fran@example.com",
    attendees=["fran@example.com", "ana@example.com", "bo@example.com"],
)
DIGEST = Digest(
    period_start=datetime(2026, 3, 13, tzinfo=UTC),
    period_end=SENT_AT,
    teams=[
        DigestTeam(
            name="Payments",
            open=5,
            overdue=2,
            closed_this_week=3,
            completion_rate=0.6,
            median_days_to_close=12.5,
            oldest_overdue=[
                ITEM.model_copy(
                    update={"id": "7", "title": "Newer overdue item", "days_overdue": 3}
                ),
                ITEM.model_copy(update={"incident_id": "PXYZ999", "title": "Oldest overdue item"}),
            ],
        ),
        DigestTeam(name="Search", open=1, overdue=0, closed_this_week=4, completion_rate=0.8),
    ],
)


def request(kind: MailKind, **overrides: Any) -> dict[str, Any]:
    """A realistic request of ``kind``, dumped exactly as the send_email activity dumps it."""
    fields: dict[str, Any] = {
        "kind": kind,
        "to": ["lead@example.com"],
        "message_key": f"postmortem-PABC123/{kind.value}",
        "sent_at": SENT_AT,
        "incident_id": "PABC123",
        "incident_title": "Checkout latency after primary database failover",
        "service": "checkout-db",
        "review_url": REVIEW_URL,
        "facilitator": "fran@example.com",
    }
    fields.update(KIND_FIELDS[kind])
    fields.update(overrides)
    return MailRequest(**fields).model_dump(mode="json")


KIND_FIELDS: dict[MailKind, dict[str, Any]] = {
    MailKind.REVIEW_OPENED: {
        "to": ["fran@example.com", "ana@example.com"],
        "deadline": datetime(2026, 3, 13, 17, 0, tzinfo=UTC),
    },
    MailKind.DRAFT_REMINDER: {
        "to": ["fran@example.com"],
        "deadline": datetime(2026, 3, 13, 17, 0, tzinfo=UTC),
    },
    MailKind.DRAFT_ESCALATION: {
        "cc": ["fran@example.com"],
        "deadline": datetime(2026, 3, 13, 17, 0, tzinfo=UTC),
        "escalation_count": 1,
    },
    MailKind.OWNER_REMINDER: {
        "to": ["ana@example.com"],
        "item": ITEM.model_copy(update={"due": "2026-03-27", "days_overdue": None}),
    },
    MailKind.OVERDUE_NOTICE: {"to": ["ana@example.com"], "item": ITEM},
    MailKind.ESCALATION: {
        "cc": ["fran@example.com"],
        "item": ITEM,
        "other_items": [LATER_ITEM],
        "escalation_count": 2,
    },
    MailKind.FOLLOW_UP_INVITATION: {
        "to": ["fran@example.com", "ana@example.com", "bo@example.com"],
        "invitation": INVITATION,
        "other_items": [DONE_ITEM, ITEM, LATER_ITEM],
    },
    MailKind.DIGEST: {"review_url": "https://followthrough.example.com/reviews", "digest": DIGEST},
    MailKind.PROBLEM: {
        "to": ["fran@example.com"],
        "problem": "Jira refused to create the ticket: project OPS does not exist.",
    },
    MailKind.DOCUMENT_EDIT_REPLACED: {
        "to": ["fran@example.com"],
        "replaced_edit": ReplacedEdit(
            version=4,
            url="https://acme.atlassian.net/wiki/pages/viewpage.action?pageId=98&pageVersion=4",
            author="Ana Lima",
            sections=["Five whys"],
        ),
        "doc_url": "https://acme.atlassian.net/wiki/spaces/PM/pages/98",
    },
}

# What each kind must tell its reader, in the plain text and in the HTML part alike.
KEY_FACTS: dict[MailKind, list[str]] = {
    MailKind.REVIEW_OPENED: [
        "Five whys",
        "Action items",
        "What went well",
        "Fri 13 Mar 2026, 17:00 UTC",
        "fran@example.com",
    ],
    MailKind.DRAFT_REMINDER: ["still a draft", "Fri 13 Mar 2026, 17:00 UTC", "what went well"],
    MailKind.DRAFT_ESCALATION: [
        "has not been published",
        "6 days",
        "fran@example.com",
        "Earlier escalations",
    ],
    MailKind.OWNER_REMINDER: [
        "Alert on replication lag above 30 s",
        "Fri 27 Mar 2026",
        "No alert fired while replication lag grew",
        "https://jira.example.com/browse/OPS-42",
    ],
    MailKind.OVERDUE_NOTICE: [
        "Alert on replication lag above 30 s",
        "Tue 10 Mar 2026",
        "10 days",
        "https://jira.example.com/browse/OPS-42",
        "Re-plan",
    ],
    MailKind.ESCALATION: [
        "scalation #3",
        "ana@example.com",
        "10 days",
        "No alert fired while replication lag grew for 40 minutes",
        "https://jira.example.com/browse/OPS-42",
        "Load-test the failover every month",
    ],
    MailKind.FOLLOW_UP_INVITATION: [
        "Tue 14 Apr 2026, 15:00 CEST",
        "Runbook for promoting the replica",
        "Alert on replication lag above 30 s",
        "Load-test the failover every month",
        "done",
        "10 days overdue",
        "1 of 3 done",
    ],
    MailKind.DIGEST: [
        "Payments",
        "Search",
        "60%",
        "80%",
        "12.5 days",
        "Oldest overdue item",
        "PXYZ999",
    ],
    MailKind.PROBLEM: ["Jira refused to create the ticket: project OPS does not exist."],
    MailKind.DOCUMENT_EDIT_REPLACED: [
        "Ana Lima",
        "Five whys",
        "page history",
        "pageVersion=4",
        "Notes",
    ],
}


def deliver(mailer: SmtpMailer, smtp: FakeSmtp, context: dict[str, Any]) -> Received:
    mailer.send(compose(context, SENDER), context["message_key"])
    return smtp.messages[-1]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def ics_of(message: EmailMessage) -> tuple[EmailMessage, Calendar]:
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert isinstance(part, EmailMessage)
    return part, Calendar.from_ical(part.get_content())
