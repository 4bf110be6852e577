"""SMTP delivery (connectors.smtp) against a real SMTP server (aiosmtpd, tests/fakes/smtp.py):
failures and their kinds, TLS and credentials, and exactly one delivery per key."""

from __future__ import annotations

import socket
import ssl
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from connectors.errors import ConnectorError, ErrorKind
from connectors.messages import compose
from connectors.smtp import SmtpMailer
from tests.fakes.smtp import FakeSmtp
from tests.support.mail import (
    PASSWORD,
    SENDER,
    request,
)
from workflows.messages import (
    MailKind,
)


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


def test_a_server_that_never_answers_times_out_as_unavailable() -> None:
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


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def serving(ca: trustme.CA) -> ssl.SSLContext:
    """A server context for 127.0.0.1 with a certificate ``ca`` signed."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


def signing_in(server: FakeSmtp, ca: trustme.CA, password: str = PASSWORD) -> SmtpMailer:
    """A mailer that trusts ``ca``, starts TLS and logs in to ``server`` as ``followthrough``."""
    return SmtpMailer(
        server.host,
        server.port,
        username="followthrough",
        password=password,
        starttls=True,
        timeout=5,
        ssl_context=trusting(ca),
    )


@pytest.fixture
def tls_smtp(ca: trustme.CA) -> Iterator[FakeSmtp]:
    server = FakeSmtp(credentials=("followthrough", PASSWORD), tls_context=serving(ca))
    server.start()
    yield server
    server.stop()


def test_starttls_and_login_deliver_over_a_verified_connection(
    tls_smtp: FakeSmtp, ca: trustme.CA
) -> None:
    mailer = signing_in(tls_smtp, ca)

    mailer.send(compose(request(MailKind.PROBLEM), SENDER), "k")

    assert len(tls_smtp.messages) == 1
    assert tls_smtp.auth_attempts == 1


def test_implicit_tls_delivers(ca: trustme.CA) -> None:
    server = FakeSmtp(tls_context=serving(ca), implicit_tls=True)
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
    mailer = signing_in(tls_smtp, ca)
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
    mailer = signing_in(tls_smtp, ca, wrong)

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
