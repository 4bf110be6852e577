"""Composing mail (connectors.messages): every kind, composed from real ``MailRequest`` objects
dumped the way the ``send_email`` activity dumps them, sent through a real SMTP server (aiosmtpd
on 127.0.0.1, ``tests/fakes/smtp.py``) and read back: facts, headers, safety, the invitation."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest

from connectors.errors import ConnectorError, ErrorKind
from connectors.messages import KINDS, POLICY, TEMPLATE_DIR, compose, header_text, message_id
from connectors.smtp import SmtpMailer
from tests.fakes.smtp import FakeSmtp
from tests.support.mail import (
    DONE_ITEM,
    INVITATION,
    ITEM,
    KEY_FACTS,
    LATER_ITEM,
    MEETING_START,
    SENDER,
    SENT_AT,
    deliver,
    html_of,
    ics_of,
    request,
    text_of,
)
from workflows.messages import (
    MailKind,
)

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
