"""Connector tests' fixtures: a real SMTP server (aiosmtpd, tests/fakes/smtp.py) and a mailer; the
Confluence, Jira and PagerDuty imitations (tests/fakes/) with the connector under test built
against each; ``sleeps``, the waits those connectors would have slept (recorded, not slept)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.confluence import ConfluenceDocuments
from connectors.incidents import IncidentRecord
from connectors.jira_tracker import JiraTracker
from connectors.pagerduty import PagerDutyIncidents
from connectors.smtp import SmtpMailer
from tests.fakes.confluence import FakeConfluence
from tests.fakes.jira import FakeJira
from tests.fakes.pagerduty import FakePagerDuty
from tests.fakes.smtp import FakeSmtp
from tests.support.imitations import JIRA, OWNER, make_store, make_tracker


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


@pytest.fixture
def sleeps() -> list[float]:
    """What the connector under test would have slept, in order (its ``sleep`` appends here)."""
    return []


# -- Confluence ----------------------------------------------------------------------------------


@pytest.fixture
def confluence() -> Iterator[FakeConfluence]:
    """A Confluence site with the space ``PM`` and a linked Jira site."""
    with FakeConfluence(jira_servers=JIRA) as server:
        server.add_space("PM")
        yield server


@pytest.fixture
def store(confluence: FakeConfluence, sleeps: list[float]) -> ConfluenceDocuments:
    return make_store(confluence, sleeps)


# -- Jira ----------------------------------------------------------------------------------------


@pytest.fixture
def jira() -> Iterator[FakeJira]:
    """A Jira site with the project ``OPS`` and the owner ``OWNER`` (Ana Lima)."""
    with FakeJira() as server:
        server.add_user(OWNER, "Ana Lima")
        yield server


@pytest.fixture
def tracker(jira: FakeJira, sleeps: list[float]) -> JiraTracker:
    return make_tracker(jira, sleeps)


# -- PagerDuty -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pagerduty_account() -> Iterator[FakePagerDuty]:
    """One PagerDuty imitation per test module (use ``pagerduty`` in a test)."""
    with FakePagerDuty() as server:
        yield server


@pytest.fixture
def pagerduty(pagerduty_account: FakePagerDuty) -> FakePagerDuty:
    """The module's PagerDuty imitation, its requests seen and failures pending forgotten."""
    pagerduty_account.reset()
    return pagerduty_account


@pytest.fixture(scope="module")
def incident(pagerduty_account: FakePagerDuty) -> dict[str, Any]:
    """230 log entries (three pages of 100), three notes, three responders."""
    return pagerduty_account.add_incident(log_entries=230, notes=3, responders=3)


@pytest.fixture
def make_source(
    pagerduty: FakePagerDuty, sleeps: list[float]
) -> Iterator[Callable[..., PagerDutyIncidents]]:
    """PagerDutyIncidents against the imitation (``overrides`` replace its options), closed after."""
    made: list[PagerDutyIncidents] = []

    def make(**overrides: Any) -> PagerDutyIncidents:
        options: dict[str, Any] = {
            "api_token": pagerduty.token,
            "base_url": pagerduty.base_url,
            "ca_file": pagerduty.ca_file,
            "sleep": sleeps.append,
            "trust_env": False,
        }
        options.update(overrides)
        source = PagerDutyIncidents(**options)
        made.append(source)
        return source

    yield make
    for source in made:
        source.close()


@pytest.fixture
def source(make_source: Callable[..., PagerDutyIncidents]) -> PagerDutyIncidents:
    return make_source()


@pytest.fixture(scope="module")
def fetched(pagerduty_account: FakePagerDuty, incident: dict[str, Any]) -> IncidentRecord:
    """``incident`` as PagerDutyIncidents fetches it, once per module."""
    pagerduty_account.reset()
    with PagerDutyIncidents(
        pagerduty_account.token,
        base_url=pagerduty_account.base_url,
        ca_file=pagerduty_account.ca_file,
        trust_env=False,
    ) as client:
        return client.fetch(incident["id"])
