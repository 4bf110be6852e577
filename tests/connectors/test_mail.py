"""The local outbox (connectors.mail.OutboxMailer): one ``.eml`` file per key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from connectors.mail import OutboxMailer
from connectors.messages import compose
from tests.support.mail import (
    SENDER,
    request,
)
from workflows.messages import (
    MailKind,
)


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
