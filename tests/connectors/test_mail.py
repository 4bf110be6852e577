"""Email end to end: compose every kind, send it through a real SMTP server, read it back.

The server is aiosmtpd on 127.0.0.1 (``tests/fakes/smtp.py``); messages are composed from real
``MailRequest`` objects dumped the way the ``send_email`` activity dumps them.
"""

from __future__ import annotations

import socket
import ssl
import threading
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from icalendar import Calendar

from connectors.errors import ConnectorError, ErrorKind
from connectors.mail import OutboxMailer
from connectors.messages import KINDS, POLICY, TEMPLATE_DIR, compose, header_text, message_id
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


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    server = FakeSmtp()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailer(smtp: FakeSmtp, tmp_path: Path) -> SmtpMailer:
    return SmtpMailer(
        smtp.host, smtp.port, starttls=False, timeout=5, sent_ledger=tmp_path / "sent.log"
    )


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


# --- every kind -------------------------------------------------------------------------------


def test_kinds_are_exactly_the_workflow_mail_kinds_each_with_three_templates() -> None:
    assert set(KINDS) == {kind.value for kind in MailKind}
    for kind in KINDS:
        for suffix in ("subject.j2", "txt.j2", "html.j2"):
            assert (TEMPLATE_DIR / f"{kind}.{suffix}").is_file(), f"{kind}.{suffix}"


@pytest.mark.parametrize("kind", list(MailKind), ids=str)
def test_every_kind_arrives_with_its_recipients_and_the_review_link_in_both_parts(
    kind: MailKind, mailer: SmtpMailer, smtp: FakeSmtp
) -> None:
    context = request(kind)

    received = deliver(mailer, smtp, context)

    message = received.message
    assert received.rcpt_tos == context["to"] + context["cc"]
    assert received.mail_from == "followthrough@example.com"
    assert message["X-Followthrough-Kind"] == kind.value
    assert message["Subject"].strip()
    assert "\n" not in message["Subject"]
    assert context["review_url"] in text_of(message)
    assert f'href="{context["review_url"]}"' in html_of(message)


@pytest.mark.parametrize("kind", list(MailKind), ids=str)
def test_every_kind_states_its_key_facts_in_text_and_html(
    kind: MailKind, mailer: SmtpMailer, smtp: FakeSmtp
) -> None:
    message = deliver(mailer, smtp, request(kind)).message

    text, html = text_of(message), html_of(message)
    for fact in KEY_FACTS[kind]:
        assert fact in text, f"text lacks {fact!r}"
        assert fact in html, f"html lacks {fact!r}"


def test_escalation_subject_counts_this_escalation_after_the_earlier_ones() -> None:
    message = compose(request(MailKind.ESCALATION, escalation_count=0), SENDER)

    assert (
        message["Subject"] == "Escalation #1: Alert on replication lag above 30 s (10 days overdue)"
    )


def test_escalation_lists_only_other_open_items_of_the_review() -> None:
    context = request(MailKind.ESCALATION, other_items=[DONE_ITEM, ITEM, LATER_ITEM])

    text = text_of(compose(context, SENDER))

    others = text.split("Other open items of this review:")[1]
    assert "Load-test the failover every month" in others
    assert "Runbook for promoting the replica" not in others
    assert "Alert on replication lag above 30 s" not in others


def test_first_draft_escalation_says_it_is_the_first() -> None:
    text = text_of(compose(request(MailKind.DRAFT_ESCALATION, escalation_count=0), SENDER))

    assert "This is the first escalation" in text


def test_digest_lists_the_oldest_overdue_item_first() -> None:
    message = compose(request(MailKind.DIGEST), SENDER)

    for body in (text_of(message), html_of(message)):
        assert body.index("Oldest overdue item") < body.index("Newer overdue item")


def test_plain_text_and_html_are_alternatives_of_one_message() -> None:
    message = compose(request(MailKind.OWNER_REMINDER), SENDER)

    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]


# --- headers ----------------------------------------------------------------------------------


def test_message_id_is_the_same_for_the_same_key_and_differs_for_another() -> None:
    first = compose(request(MailKind.PROBLEM), SENDER)
    again = compose(request(MailKind.PROBLEM, problem="another text"), SENDER)
    other = compose(request(MailKind.PROBLEM, message_key="postmortem-PABC123/problem-2"), SENDER)

    assert first["Message-ID"] == again["Message-ID"] == message_id("postmortem-PABC123/problem")
    assert first["Message-ID"] != other["Message-ID"]
    assert first["Message-ID"].endswith("@followthrough>")


def test_received_message_id_and_date_come_from_the_request(
    mailer: SmtpMailer, smtp: FakeSmtp
) -> None:
    message = deliver(mailer, smtp, request(MailKind.DRAFT_REMINDER)).message

    assert message["Message-ID"] == message_id("postmortem-PABC123/draft_reminder")
    assert message["Date"].datetime == SENT_AT


def test_cc_repeating_a_recipient_is_dropped() -> None:
    message = compose(request(MailKind.DRAFT_ESCALATION, cc=["lead@example.com"]), SENDER)

    assert message["Cc"] is None
    assert message["To"] == "lead@example.com"


def test_messages_say_they_are_automatic_so_auto_replies_stay_quiet() -> None:
    assert compose(request(MailKind.REVIEW_OPENED), SENDER)["Auto-Submitted"] == "auto-generated"


# --- safety -----------------------------------------------------------------------------------


def test_a_title_with_crlf_cannot_add_a_bcc(mailer: SmtpMailer, smtp: FakeSmtp) -> None:
    context = request(
        MailKind.REVIEW_OPENED, incident_title="x\r\nBcc: evil@example.com\r\nX-Evil: 1"
    )

    received = deliver(mailer, smtp, context)

    message = received.message
    assert "evil@example.com" not in received.rcpt_tos
    assert message["Bcc"] is None
    assert message["X-Evil"] is None
    assert message["Subject"] == "Post-incident review open: x Bcc: evil@example.com X-Evil: 1"
    assert sorted(message.keys()) == sorted(
        [
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "Auto-Submitted",
            "X-Followthrough-Kind",
            "MIME-Version",
            "Content-Type",
        ]
    )


def test_an_item_title_with_a_lone_newline_leaves_the_subject_one_line(
    mailer: SmtpMailer, smtp: FakeSmtp
) -> None:
    item = ITEM.model_copy(update={"title": "Alert\nCc: evil@example.com\x00\x85"})
    received = deliver(mailer, smtp, request(MailKind.ESCALATION, item=item))

    assert received.message["Subject"] == (
        "Escalation #3: Alert Cc: evil@example.com (10 days overdue)"
    )
    assert received.message["Cc"] == "fran@example.com"
    assert "evil@example.com" not in received.rcpt_tos


@pytest.mark.parametrize(
    "address",
    [
        "Ana\nBcc: evil@example.com <ana@example.com>",
        '"Ana\r\nBcc: evil@example.com" <ana@example.com>',
        "ana@example.com\r\nBcc: evil@example.com",
    ],
    ids=["name-with-newline", "quoted-name-with-crlf", "address-with-crlf"],
)
def test_an_address_or_name_with_a_line_break_is_refused(address: str) -> None:
    with pytest.raises(ConnectorError) as caught:
        compose(request(MailKind.OWNER_REMINDER, to=[address]), SENDER)

    assert caught.value.kind is ErrorKind.INVALID_ADDRESS


def test_header_text_replaces_control_characters_and_collapses_space() -> None:
    assert header_text("a\r\nb\tc\x00d\u2028e\u202ef  ") == "a b c d ef"


def test_the_message_policy_itself_refuses_a_header_with_a_newline() -> None:
    message = EmailMessage(policy=POLICY)

    with pytest.raises(ValueError, match="linefeed or carriage return"):
        message["Subject"] = "x\r\nBcc: evil@example.com"


def test_display_names_are_kept_in_address_headers() -> None:
    message = compose(
        request(MailKind.DRAFT_REMINDER, to=['"Facilitator, Fran" <fran@example.com>']), SENDER
    )

    assert message["To"].addresses[0].display_name == "Facilitator, Fran"
    assert message["From"].addresses[0].display_name == "Followthrough"


def test_html_escapes_markup_from_titles() -> None:
    context = request(
        MailKind.ESCALATION,
        incident_title="<script>alert(1)</script>",
        item=ITEM.model_copy(update={"title": '<img src=x onerror="alert(2)">'}),
    )

    message = compose(context, SENDER)

    html = html_of(message)
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in html
    assert "<script>alert(1)</script>" in text_of(message)


def test_a_javascript_ticket_link_is_not_made_clickable() -> None:
    item = ITEM.model_copy(update={"ticket_url": "javascript:alert(1)"})

    html = html_of(compose(request(MailKind.OVERDUE_NOTICE, item=item), SENDER))

    assert "javascript:" not in html
    assert "OPS-42" in html


@pytest.mark.parametrize(
    ("overrides", "sender", "bad"),
    [
        ({"to": ["not-an-address"]}, SENDER, "not-an-address"),
        ({"cc": ["fran@example..com"]}, SENDER, "fran@example..com"),
        ({}, "Followthrough <followthrough@@example.com>", "followthrough@@example.com"),
    ],
    ids=["to", "cc", "sender"],
)
def test_an_invalid_address_is_refused_by_name(
    overrides: dict[str, Any], sender: str, bad: str
) -> None:
    with pytest.raises(ConnectorError) as caught:
        compose(request(MailKind.DRAFT_ESCALATION, **overrides), sender)

    assert caught.value.system == "smtp"
    assert caught.value.kind is ErrorKind.INVALID_ADDRESS
    assert bad in caught.value.message
    assert not caught.value.retryable


def test_an_invalid_attendee_is_refused_by_name() -> None:
    invitation = INVITATION.model_copy(update={"attendees": ["fran@example.com", "bo at example"]})

    with pytest.raises(ConnectorError) as caught:
        compose(request(MailKind.FOLLOW_UP_INVITATION, invitation=invitation), SENDER)

    assert caught.value.kind is ErrorKind.INVALID_ADDRESS
    assert "bo at example" in caught.value.message


def test_the_local_default_sender_is_accepted() -> None:
    message = compose(request(MailKind.PROBLEM), "followthrough@localhost")

    assert message["From"] == "followthrough@localhost"


def test_a_message_without_its_review_link_is_a_bad_request() -> None:
    with pytest.raises(ConnectorError) as caught:
        compose(request(MailKind.OVERDUE_NOTICE, review_url=None), SENDER)

    assert caught.value.kind is ErrorKind.BAD_REQUEST
    assert "review_url" in caught.value.message


def test_a_message_missing_a_fact_its_template_needs_is_a_bad_request() -> None:
    with pytest.raises(ConnectorError) as caught:
        compose(request(MailKind.ESCALATION, item=None), SENDER)

    assert caught.value.kind is ErrorKind.BAD_REQUEST
    assert "escalation" in caught.value.message


def test_an_unknown_kind_is_a_bad_request() -> None:
    context = request(MailKind.PROBLEM) | {"kind": "../../etc/passwd"}

    with pytest.raises(ConnectorError) as caught:
        compose(context, SENDER)

    assert caught.value.kind is ErrorKind.BAD_REQUEST


# --- the invitation ---------------------------------------------------------------------------


def test_invitation_arrives_as_a_calendar_request_attachment(
    mailer: SmtpMailer, smtp: FakeSmtp
) -> None:
    message = deliver(mailer, smtp, request(MailKind.FOLLOW_UP_INVITATION)).message

    part, _ = ics_of(message)
    assert message.get_content_type() == "multipart/mixed"
    assert message.get_body(("plain",)) is not None
    assert part.get_filename() == "invite.ics"
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"


def test_received_invitation_has_the_meeting_time_attendees_and_method(
    mailer: SmtpMailer, smtp: FakeSmtp
) -> None:
    message = deliver(mailer, smtp, request(MailKind.FOLLOW_UP_INVITATION)).message

    _, calendar = ics_of(message)
    (event,) = calendar.walk("VEVENT")
    attendees: Any = event["ATTENDEE"]
    start = event.decoded("DTSTART")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert start.tzinfo is not None
    assert start == MEETING_START
    assert str(start.tzinfo) == "Europe/Berlin"
    assert [str(a) for a in attendees] == [
        "mailto:fran@example.com",
        "mailto:ana@example.com",
        "mailto:bo@example.com",
    ]
    assert str(event["ORGANIZER"]) == "mailto:fran@example.com"


def test_invitation_uid_is_stable_across_sequences_of_the_same_key() -> None:
    first = compose(request(MailKind.FOLLOW_UP_INVITATION), SENDER)
    moved = INVITATION.model_copy(update={"sequence": 1})
    second = compose(request(MailKind.FOLLOW_UP_INVITATION, invitation=moved), SENDER)

    (one,) = ics_of(first)[1].walk("VEVENT")
    (two,) = ics_of(second)[1].walk("VEVENT")
    assert str(one["UID"]) == str(two["UID"]) == INVITATION.uid
    assert (one["SEQUENCE"], two["SEQUENCE"]) == (0, 1)
    assert first["Message-ID"] == second["Message-ID"]


def test_only_invitations_carry_an_attachment() -> None:
    message = compose(request(MailKind.ESCALATION), SENDER)

    assert list(message.iter_attachments()) == []


# --- SMTP failures ----------------------------------------------------------------------------


def test_a_451_is_unavailable_and_the_retry_after_recovery_delivers(
    mailer: SmtpMailer, smtp: FakeSmtp
) -> None:
    context = request(MailKind.OWNER_REMINDER)
    message = compose(context, SENDER)
    smtp.fail_next(451)

    with pytest.raises(ConnectorError) as caught:
        mailer.send(message, context["message_key"])
    mailer.send(message, context["message_key"])

    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert caught.value.retryable
    assert caught.value.status == 451
    assert len(smtp.messages) == 1


def test_a_550_is_rejected_with_its_code(mailer: SmtpMailer, smtp: FakeSmtp) -> None:
    smtp.fail_next(550)

    with pytest.raises(ConnectorError) as caught:
        mailer.send(compose(request(MailKind.PROBLEM), SENDER), "k")

    assert caught.value.kind is ErrorKind.REJECTED
    assert not caught.value.retryable
    assert caught.value.status == 550
    assert smtp.messages == []


def test_every_recipient_deferred_is_unavailable(mailer: SmtpMailer, smtp: FakeSmtp) -> None:
    smtp.fail_next(450, stage="rcpt")

    with pytest.raises(ConnectorError) as caught:
        mailer.send(compose(request(MailKind.DRAFT_ESCALATION), SENDER), "k")

    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert "lead@example.com" in caught.value.message


def test_every_recipient_refused_for_good_is_rejected(mailer: SmtpMailer, smtp: FakeSmtp) -> None:
    smtp.fail_next(550, stage="rcpt")

    with pytest.raises(ConnectorError) as caught:
        mailer.send(compose(request(MailKind.DRAFT_ESCALATION), SENDER), "k")

    assert caught.value.kind is ErrorKind.REJECTED
    assert caught.value.status == 550


def test_a_sender_refused_for_now_is_unavailable(mailer: SmtpMailer, smtp: FakeSmtp) -> None:
    smtp.fail_next(421, stage="mail")

    with pytest.raises(ConnectorError) as caught:
        mailer.send(compose(request(MailKind.PROBLEM), SENDER), "k")

    assert caught.value.kind is ErrorKind.UNAVAILABLE


def test_one_refused_recipient_still_delivers_to_the_others_and_counts_as_sent(
    mailer: SmtpMailer, smtp: FakeSmtp
) -> None:
    smtp.refuse("fran@example.com", 550)
    context = request(MailKind.DRAFT_ESCALATION)
    message = compose(context, SENDER)

    mailer.send(message, context["message_key"])
    mailer.send(message, context["message_key"])

    (received,) = smtp.messages
    assert received.rcpt_tos == ["lead@example.com"]


def test_smtp_down_is_unavailable_and_after_restart_delivers_exactly_once(
    mailer: SmtpMailer, smtp: FakeSmtp
) -> None:
    context = request(MailKind.OVERDUE_NOTICE)
    message = compose(context, SENDER)
    smtp.stop()

    with pytest.raises(ConnectorError) as caught:
        mailer.send(message, context["message_key"])
    smtp.start()
    mailer.send(message, context["message_key"])
    mailer.send(message, context["message_key"])

    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert len(smtp.messages) == 1


def test_a_server_that_never_answers_times_out_as_unavailable(tmp_path: Path) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        host, port = silent.getsockname()
        mailer = SmtpMailer(host, port, starttls=False, timeout=0.3)

        with pytest.raises(ConnectorError) as caught:
            mailer.send(compose(request(MailKind.PROBLEM), SENDER), "k")

    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert "timed out" in caught.value.message


def test_starttls_required_but_not_offered_is_rejected(smtp: FakeSmtp) -> None:
    mailer = SmtpMailer(smtp.host, smtp.port, starttls=True, timeout=5)

    with pytest.raises(ConnectorError) as caught:
        mailer.send(compose(request(MailKind.PROBLEM), SENDER), "k")

    assert caught.value.kind is ErrorKind.REJECTED
    assert "STARTTLS" in caught.value.message
    assert smtp.messages == []


# --- credentials ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture
def tls_smtp(ca: trustme.CA) -> Iterator[FakeSmtp]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = FakeSmtp(credentials=("followthrough", PASSWORD), tls_context=context)
    server.start()
    yield server
    server.stop()


def test_starttls_and_login_deliver_over_a_verified_connection(
    tls_smtp: FakeSmtp, ca: trustme.CA
) -> None:
    mailer = SmtpMailer(
        tls_smtp.host,
        tls_smtp.port,
        username="followthrough",
        password=PASSWORD,
        starttls=True,
        timeout=5,
        ssl_context=trusting(ca),
    )

    mailer.send(compose(request(MailKind.PROBLEM), SENDER), "k")

    assert len(tls_smtp.messages) == 1
    assert tls_smtp.auth_attempts == 1


def test_implicit_tls_delivers(ca: trustme.CA) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = FakeSmtp(tls_context=context, implicit_tls=True)
    server.start()
    try:
        mailer = SmtpMailer(server.host, server.port, ssl=True, ssl_context=trusting(ca))
        mailer.send(compose(request(MailKind.PROBLEM), SENDER), "k")
    finally:
        server.stop()

    assert len(server.messages) == 1


def test_a_temporary_login_failure_is_unavailable_and_the_retry_delivers(
    tls_smtp: FakeSmtp, ca: trustme.CA
) -> None:
    mailer = SmtpMailer(
        tls_smtp.host,
        tls_smtp.port,
        username="followthrough",
        password=PASSWORD,
        timeout=5,
        ssl_context=trusting(ca),
    )
    message = compose(request(MailKind.PROBLEM), SENDER)
    tls_smtp.fail_next(454, stage="auth")

    with pytest.raises(ConnectorError) as caught:
        mailer.send(message, "k")
    mailer.send(message, "k")

    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert caught.value.status == 454
    assert PASSWORD not in "".join(traceback.format_exception(caught.value))
    assert len(tls_smtp.messages) == 1


def test_an_unverified_certificate_is_rejected(tls_smtp: FakeSmtp) -> None:
    mailer = SmtpMailer(tls_smtp.host, tls_smtp.port, username="followthrough", password=PASSWORD)

    with pytest.raises(ConnectorError) as caught:
        mailer.send(compose(request(MailKind.PROBLEM), SENDER), "k")

    assert caught.value.kind is ErrorKind.REJECTED
    assert "certificate" in caught.value.message
    assert tls_smtp.auth_attempts == 0


def test_a_wrong_password_is_rejected_without_showing_it(
    tls_smtp: FakeSmtp, ca: trustme.CA
) -> None:
    wrong = "wrong-" + PASSWORD
    mailer = SmtpMailer(
        tls_smtp.host,
        tls_smtp.port,
        username="followthrough",
        password=wrong,
        timeout=5,
        ssl_context=trusting(ca),
    )

    with pytest.raises(ConnectorError) as caught:
        mailer.send(compose(request(MailKind.PROBLEM), SENDER), "k")

    error = caught.value
    shown = (
        "".join(traceback.format_exception(error)) + repr(error) + repr(mailer) + str(vars(mailer))
    )
    assert error.kind is ErrorKind.REJECTED
    assert error.status == 535
    assert error.message == "SMTP authentication failed"
    assert wrong not in shown
    assert tls_smtp.messages == []


def test_the_password_is_not_shown_when_the_server_is_down(smtp: FakeSmtp) -> None:
    mailer = SmtpMailer(smtp.host, smtp.port, username="u", password=PASSWORD, starttls=False)
    smtp.stop()

    with pytest.raises(ConnectorError) as caught:
        mailer.send(compose(request(MailKind.PROBLEM), SENDER), "k")

    shown = "".join(traceback.format_exception(caught.value)) + repr(mailer)
    assert PASSWORD not in shown


# --- exactly once -----------------------------------------------------------------------------


def test_the_ledger_prevents_a_second_delivery_of_the_same_key(
    mailer: SmtpMailer, smtp: FakeSmtp
) -> None:
    context = request(MailKind.ESCALATION)
    message = compose(context, SENDER)

    mailer.send(message, context["message_key"])
    mailer.send(message, context["message_key"])

    assert len(smtp.messages) == 1


def test_the_ledger_survives_a_new_mailer_on_the_same_file(smtp: FakeSmtp, tmp_path: Path) -> None:
    ledger = tmp_path / "sent.log"
    message = compose(request(MailKind.ESCALATION), SENDER)

    SmtpMailer(smtp.host, smtp.port, starttls=False, sent_ledger=ledger).send(message, "k")
    SmtpMailer(smtp.host, smtp.port, starttls=False, sent_ledger=ledger).send(message, "k")

    assert len(smtp.messages) == 1


def test_different_keys_are_each_delivered(mailer: SmtpMailer, smtp: FakeSmtp) -> None:
    message = compose(request(MailKind.ESCALATION), SENDER)

    mailer.send(message, "postmortem-PABC123/action-2/escalation-1")
    mailer.send(message, "postmortem-PABC123/action-2/escalation-2")

    assert len(smtp.messages) == 2


def test_concurrent_sends_of_one_key_deliver_once(mailer: SmtpMailer, smtp: FakeSmtp) -> None:
    message = compose(request(MailKind.ESCALATION), SENDER)
    threads = [threading.Thread(target=mailer.send, args=(message, "same")) for _ in range(8)]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(smtp.messages) == 1


def test_a_failed_send_is_not_recorded_so_the_retry_delivers(
    mailer: SmtpMailer, smtp: FakeSmtp
) -> None:
    message = compose(request(MailKind.PROBLEM), SENDER)
    smtp.fail_next(554)

    with pytest.raises(ConnectorError):
        mailer.send(message, "k")
    mailer.send(message, "k")

    assert len(smtp.messages) == 1


# --- the outbox -------------------------------------------------------------------------------


def test_outbox_writes_one_eml_per_key_and_overwrites_on_retry(tmp_path: Path) -> None:
    outbox = OutboxMailer(tmp_path / "outbox")
    first = compose(request(MailKind.OWNER_REMINDER), SENDER)
    retried = compose(
        request(MailKind.OWNER_REMINDER, sent_at=datetime(2026, 3, 21, tzinfo=UTC)), SENDER
    )
    other = compose(request(MailKind.OVERDUE_NOTICE), SENDER)

    outbox.send(first, "postmortem-PABC123/action-2/reminder")
    outbox.send(retried, "postmortem-PABC123/action-2/reminder")
    outbox.send(other, "postmortem-PABC123/action-2/overdue")

    files = sorted((tmp_path / "outbox").iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]
    reminder = next(f for f in files if "reminder" in f.name)
    assert b"Sat, 21 Mar 2026" in reminder.read_bytes()
