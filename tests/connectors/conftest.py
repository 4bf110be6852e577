"""Connector tests' fixtures: a real SMTP server (aiosmtpd, tests/fakes/smtp.py) and a mailer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.smtp import SmtpMailer
from tests.fakes.smtp import FakeSmtp


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
