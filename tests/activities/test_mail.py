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
from connectors.links import verify_review_token
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
