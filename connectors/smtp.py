"""SMTP delivery: the :class:`~connectors.mail.Mailer` used when ``FOLLOWTHROUGH_SMTP_HOST`` is set.

Failures come back as :class:`~connectors.errors.ConnectorError` with ``system="smtp"``:

* ``UNAVAILABLE`` (retry): connection refused or reset, timeouts, TLS handshake errors, the server
  hanging up, and every 4xx answer (greylisting, "try again later", all recipients deferred).
* ``REJECTED`` (permanent, ``status`` = the reply code): 5xx answers, a recipient refused for
  good, a failed login (always the fixed message "SMTP authentication failed"), a server that
  does not offer STARTTLS or AUTH when they are configured, a certificate that does not verify.

Exactly-once from the outside: with a ``sent_ledger`` file, keys of delivered messages are
appended to it after the server accepted the message, and a send whose key is already there does
nothing, so an activity retried after a lost acknowledgement never mails twice. The narrow window
between the server's "250 OK" and the ledger write can still repeat a message after a crash; it
then carries the same ``Message-ID``, which mail clients show once.

The password is kept in a ``SecretStr`` and never appears in a message, a repr or a traceback
chain this module creates.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import smtplib
import ssl as ssl_module
import threading
import unicodedata
from email.message import EmailMessage
from pathlib import Path

from pydantic import SecretStr

from connectors.errors import ConnectorError, ErrorKind, System

__all__ = ["SentLedger", "SmtpMailer"]

log = logging.getLogger(__name__)

_SYSTEM = System.SMTP
_LOCK_STRIPES = 64


class SentLedger:
    """An append-only file of delivered message keys (one SHA-256 per line).

    Safe across threads (a lock) and processes on one host (``flock`` on append; readers only
    trust complete lines). Keys are hashed, so any key is one fixed-size line.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._seen: set[str] = set()
        self._offset = 0

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        digest = _digest(key)
        with self._lock:
            if digest not in self._seen:
                self._refresh()
            return digest in self._seen

    def add(self, key: str) -> None:
        """Record ``key`` durably (fsync) before returning."""
        digest = _digest(key)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                try:
                    handle.write(f"{digest}\n".encode())
                    handle.flush()
                    os.fsync(handle.fileno())
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            self._seen.add(digest)

    def _refresh(self) -> None:
        """Read lines appended since the last look (by this or another process)."""
        try:
            with self.path.open("rb") as handle:
                handle.seek(self._offset)
                data = handle.read()
        except FileNotFoundError:
            return
        complete = data[: data.rfind(b"\n") + 1]
        self._offset += len(complete)
        self._seen.update(complete.decode("ascii", errors="replace").split())


class SmtpMailer:
    """Sends each message over one SMTP connection: connect, STARTTLS, login, send, quit."""

    name = "smtp"

    def __init__(
        self,
        host: str,
        port: int,
        username: str | None = None,
        password: str | SecretStr | None = None,
        starttls: bool = True,
        ssl: bool = False,
        timeout: float = 20.0,
        ssl_context: ssl_module.SSLContext | None = None,
        sent_ledger: Path | None = None,
    ) -> None:
        """
        Args:
            host: SMTP server name or address.
            port: Usually 587 (STARTTLS), 465 (``ssl=True``) or 25.
            username: Login user; no login when unset.
            password: Login password (kept as ``SecretStr``).
            starttls: Upgrade a plain connection with STARTTLS (ignored when ``ssl``).
            ssl: Implicit TLS from the first byte (port 465).
            timeout: Seconds for connecting and for each server reply.
            ssl_context: TLS settings; default verifies the certificate and host name.
            sent_ledger: File remembering delivered keys; without it a repeated send re-sends.
        """
        self.host = host
        self.port = port
        self.username = username
        self._password = SecretStr(password) if isinstance(password, str) else password
        self.starttls = starttls and not ssl
        self.ssl = ssl
        self.timeout = timeout
        self._ssl_context = ssl_context
        self.ledger = SentLedger(sent_ledger) if sent_ledger is not None else None
        self._stripes = [threading.Lock() for _ in range(_LOCK_STRIPES)]

    def __repr__(self) -> str:
        mode = "ssl" if self.ssl else "starttls" if self.starttls else "plain"
        return f"SmtpMailer({self.host!r}, {self.port}, username={self.username!r}, {mode})"

    def send(self, message: EmailMessage, key: str) -> list[str]:
        """Deliver ``message`` unless ``key`` was delivered before; raise ConnectorError if not.

        Returns the recipients refused while others accepted it (``"addr (code)"``).
        """
        # One send per key at a time in this process: two concurrent attempts of the same
        # message must not both pass the ledger check.
        with self._stripes[int(_digest(key)[:8], 16) % _LOCK_STRIPES]:
            if self.ledger is not None and key in self.ledger:
                log.info("smtp: %s already delivered, not sending again", _digest(key)[:12])
                return []
            refused = self._deliver(message)
            if self.ledger is not None:
                self.ledger.add(key)
            return refused

    # --- delivery ------------------------------------------------------------------------------

    def _deliver(self, message: EmailMessage) -> list[str]:
        where = f"{self.host}:{self.port}"
        client: smtplib.SMTP | None = None
        try:
            client = self._connect()
            if self.starttls:
                client.starttls(context=self._context())
            if self.username:
                self._login(client)
            refused = client.send_message(message)
        except ConnectorError:
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            raise _recipients_refused(exc.recipients) from None
        except smtplib.SMTPResponseException as exc:
            raise _response(where, exc.smtp_code, exc.smtp_error) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise ConnectorError(
                _SYSTEM, ErrorKind.REJECTED, f"SMTP server {where} does not support it: {exc}"
            ) from None
        except ssl_module.SSLCertVerificationError as exc:
            raise ConnectorError(
                _SYSTEM,
                ErrorKind.REJECTED,
                f"TLS certificate of SMTP server {where} did not verify: {exc.verify_message}",
            ) from None
        except TimeoutError:
            raise ConnectorError(
                _SYSTEM, ErrorKind.UNAVAILABLE, f"SMTP server {where} timed out"
            ) from None
        except smtplib.SMTPServerDisconnected as exc:
            raise ConnectorError(
                _SYSTEM, ErrorKind.UNAVAILABLE, f"SMTP server {where} disconnected: {exc}"
            ) from None
        except OSError as exc:  # refused, reset, unreachable, DNS, TLS handshake, other SMTP errors
            raise ConnectorError(
                _SYSTEM,
                ErrorKind.UNAVAILABLE,
                f"SMTP server {where} unreachable: {type(exc).__name__}: {exc}",
            ) from None
        finally:
            if client is not None:
                _close(client)
        partly = [f"{addr} ({code})" for addr, (code, _) in sorted(refused.items())]
        if partly:
            # Accepted for some recipients: retrying would mail those again, so this counts as sent.
            log.warning("smtp: message accepted, but refused for %s", ", ".join(partly))
        return partly

    def _connect(self) -> smtplib.SMTP:
        if self.ssl:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._context()
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def _context(self) -> ssl_module.SSLContext:
        if self._ssl_context is None:
            self._ssl_context = ssl_module.create_default_context()
        return self._ssl_context

    def _login(self, client: smtplib.SMTP) -> None:
        """Log in; whatever goes wrong, the error names no credential and no server echo of one."""
        assert self.username is not None
        password = self._password.get_secret_value() if self._password is not None else ""
        try:
            client.login(self.username, password)
        except smtplib.SMTPResponseException as exc:
            code = exc.smtp_code
            if 400 <= code < 500:
                raise ConnectorError(
                    _SYSTEM,
                    ErrorKind.UNAVAILABLE,
                    f"SMTP authentication temporarily failed ({code})",
                    status=code,
                ) from None
            raise ConnectorError(
                _SYSTEM, ErrorKind.REJECTED, "SMTP authentication failed", status=code
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise ConnectorError(
                _SYSTEM,
                ErrorKind.REJECTED,
                "SMTP authentication failed: the server does not offer AUTH on this connection",
            ) from None
        except smtplib.SMTPServerDisconnected:
            raise ConnectorError(
                _SYSTEM, ErrorKind.UNAVAILABLE, "SMTP server disconnected during authentication"
            ) from None
        except smtplib.SMTPException:
            raise ConnectorError(
                _SYSTEM,
                ErrorKind.REJECTED,
                "SMTP authentication failed: no common authentication method",
            ) from None


def _response(where: str, code: int, text: bytes | str) -> ConnectorError:
    kind = ErrorKind.UNAVAILABLE if 400 <= code < 500 else ErrorKind.REJECTED
    return ConnectorError(
        _SYSTEM, kind, f"SMTP server {where} answered {code} {_reply(text)}", status=code
    )


def _recipients_refused(recipients: dict[str, tuple[int, bytes]]) -> ConnectorError:
    listed = "; ".join(
        f"{addr}: {code} {_reply(text)}" for addr, (code, text) in recipients.items()
    )
    codes = [code for code, _ in recipients.values()]
    if codes and all(400 <= code < 500 for code in codes):
        return ConnectorError(
            _SYSTEM,
            ErrorKind.UNAVAILABLE,
            f"every recipient deferred: {listed}",
            status=codes[0],
        )
    permanent = next((code for code in codes if code >= 500), codes[0] if codes else None)
    return ConnectorError(
        _SYSTEM, ErrorKind.REJECTED, f"every recipient refused: {listed}", status=permanent
    )


def _reply(text: bytes | str, limit: int = 200) -> str:
    """A server reply made printable and short."""
    value = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else str(text)
    value = "".join(" " if unicodedata.category(c).startswith("C") else c for c in value)
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _close(client: smtplib.SMTP) -> None:
    """QUIT politely; a failing QUIT must never turn a delivered message into an error."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        with contextlib.suppress(OSError):
            client.close()


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
