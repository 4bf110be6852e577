"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, with failures on demand.

``FakeSmtp`` keeps every accepted message (envelope and parsed ``EmailMessage``), answers the next
N transactions with a chosen reply code (4xx: "try later", 5xx: "never"), and can be stopped and
started again on the same port to imitate an SMTP outage. Optional STARTTLS and AUTH make it
behave like a submission server.

    smtp = FakeSmtp()
    smtp.start()
    smtp.fail_next(451, count=1)          # next message: 451 at DATA
    ...
    smtp.stop()
"""

from __future__ import annotations

import email
import email.policy
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.support.ports import free_port

Stage = Literal["auth", "mail", "rcpt", "data"]

_REPLIES = {
    421: "421 4.3.2 Service not available, closing channel",
    454: "454 4.7.0 Temporary authentication failure",
    450: "450 4.2.0 Mailbox temporarily unavailable",
    451: "451 4.3.0 Temporary local problem, try again later",
    452: "452 4.3.1 Insufficient system storage",
    550: "550 5.1.1 Mailbox unavailable",
    552: "552 5.3.4 Message size exceeds limit",
    553: "553 5.1.3 Mailbox name not allowed",
    554: "554 5.7.1 Message rejected",
}


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class _Failure:
    code: int
    stage: Stage
    left: int


@dataclass
class _Handler:
    messages: list[Received] = field(default_factory=list)
    failures: list[_Failure] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)
    credentials: tuple[str, str] | None = None
    auth_attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _take(self, stage: Stage) -> int | None:
        with self.lock:
            for failure in self.failures:
                if failure.stage == stage and failure.left > 0:
                    failure.left -= 1
                    return failure.code
        return None

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        code = self._take("mail")
        if code is not None:
            return _reply(code)
        # A transaction chosen to fail at RCPT refuses every recipient.
        envelope.fail_rcpt = self._take("rcpt")  # type: ignore[attr-defined]
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        code = getattr(envelope, "fail_rcpt", None) or self.refused.get(address.lower())
        if code is not None:
            return _reply(code)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        code = self._take("data")
        if code is not None:
            return _reply(code)
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(
                Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed, raw)
            )
        return "250 2.0.0 OK: queued"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        self.auth_attempts += 1
        # A session chosen to fail AUTH fails every mechanism the client tries in it.
        if not hasattr(session, "fail_auth"):
            session.fail_auth = self._take("auth")  # type: ignore[attr-defined]
        code = session.fail_auth  # type: ignore[attr-defined]
        if code is not None:
            return AuthResult(success=False, handled=False, message=_reply(code))
        ok = (
            self.credentials is not None
            and isinstance(auth_data, LoginPassword)
            and (auth_data.login.decode(), auth_data.password.decode()) == self.credentials
        )
        return AuthResult(success=ok, handled=False)


class FakeSmtp:
    """An aiosmtpd server on 127.0.0.1 and a free port that stays the same across restarts."""

    host = "127.0.0.1"

    def __init__(
        self,
        *,
        credentials: tuple[str, str] | None = None,
        tls_context: ssl.SSLContext | None = None,
        implicit_tls: bool = False,
    ) -> None:
        """
        Args:
            credentials: ``(user, password)`` to require AUTH (offered only after STARTTLS
                when ``tls_context`` is set, on the plain connection otherwise).
            tls_context: Server certificate context; enables STARTTLS (and requires it).
            implicit_tls: Speak TLS from the first byte instead (port 465 style).
        """
        self.port = _free_port()
        self._handler = _Handler(credentials=credentials)
        self._tls_context = tls_context
        self._implicit_tls = implicit_tls
        self._controller: Controller | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._controller is not None:
            return
        options: dict[str, Any] = {"server_hostname": "fake-smtp.test", "ready_timeout": 5.0}
        if self._tls_context is not None and self._implicit_tls:
            options.update(ssl_context=self._tls_context)
        elif self._tls_context is not None:
            options.update(tls_context=self._tls_context, require_starttls=True)
        if self._handler.credentials is not None:
            options.update(
                authenticator=self._handler.authenticate,
                auth_required=True,
                auth_require_tls=self._tls_context is not None,
            )
        # A controller's event loop closes on stop, so every start builds a new one.
        controller = Controller(self._handler, hostname=self.host, port=self.port, **options)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def __enter__(self) -> FakeSmtp:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    # --- behaviour ---------------------------------------------------------------------------

    @property
    def messages(self) -> list[Received]:
        with self._handler.lock:
            return list(self._handler.messages)

    @property
    def auth_attempts(self) -> int:
        return self._handler.auth_attempts

    def fail_next(self, code: int, count: int = 1, *, stage: Stage = "data") -> None:
        """Answer the next ``count`` transactions with ``code`` at ``stage``.

        ``auth`` fails every AUTH attempt of a session, ``mail`` the MAIL FROM, ``rcpt`` every
        recipient of the transaction, ``data`` the message after it was sent.
        """
        with self._handler.lock:
            self._handler.failures.append(_Failure(code, stage, count))

    def refuse(self, address: str, code: int = 550) -> None:
        """Refuse one recipient (always), accepting the others."""
        self._handler.refused[address.lower()] = code

    def reset(self) -> None:
        """Forget messages and pending failures."""
        with self._handler.lock:
            self._handler.messages.clear()
            self._handler.failures.clear()
            self._handler.refused.clear()


@contextmanager
def running_smtp(**options: Any) -> Iterator[FakeSmtp]:
    """``with running_smtp() as smtp:`` a started server, stopped afterwards."""
    server = FakeSmtp(**options)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _free_port() -> int:
    # aiosmtpd's controller connects to its own port to check it is up, so port 0 will not do;
    # ask the OS for a free one and keep it for restarts.
    return free_port()


def _reply(code: int) -> str:
    return _REPLIES.get(
        code, f"{code} {'4.0.0 Try again later' if code < 500 else '5.0.0 Refused'}"
    )
