"""Mail delivery: the protocol SMTP and the local outbox both implement.

A mailer sends one fully built :class:`email.message.EmailMessage`. ``key`` is the message's
deterministic identity: the outbox names the file after it (a retried send overwrites, never
duplicates) and the SMTP mailer remembers keys it already delivered.
"""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from connectors.files import write_atomic

__all__ = ["Mailer", "OutboxMailer", "key_filename"]


class Mailer(Protocol):
    name: str

    def send(self, message: EmailMessage, key: str) -> list[str]:
        """Deliver ``message`` once; raise ConnectorError on failure.

        Returns the recipients the server refused while accepting the message for the others
        (``"addr (code)"``): a retry would mail the others twice, so this is not an error.
        """
        ...


def key_filename(key: str) -> str:
    """A filesystem-safe, stable name for a message key."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    readable = "".join(c if c.isalnum() or c in "-_" else "_" for c in key)[-80:]
    return f"{readable}-{digest}"


class OutboxMailer:
    """The embedded default: each message becomes ``<outbox>/<key>.eml``."""

    name = "outbox"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage, key: str) -> list[str]:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{key_filename(key)}.eml"
        write_atomic(target, message.as_bytes())
        return []
