"""Sending mail (activities.mail): once per key, unusable addresses, links scoped to a review."""

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

from activities.mail import MailActivities
from connectors.links import read_link_token
from connectors.mail import OutboxMailer
from workflows.messages import MailKind, MailRequest

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)


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
