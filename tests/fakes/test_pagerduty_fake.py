"""The PagerDuty imitation answers like PagerDuty (classic paging, its limits) to the real client,
and its incident times follow its clock, so no test depends on the date."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pagerduty
import pytest

from connectors.pagerduty_webhook import parse_event
from tests.fakes.pagerduty import RESOLVED_AGO, FakePagerDuty, build_resolved_event, iso
from workflows.policy import Policy

MOMENT = datetime(2031, 1, 6, 15, 30, tzinfo=UTC)


def test_an_incident_without_a_start_is_resolved_shortly_before_the_injected_clock() -> None:
    with FakePagerDuty(clock=lambda: MOMENT) as fake:
        incident = fake.add_incident(log_entries=6, notes=1, step=timedelta(minutes=2))
    assert incident["resolved_at"] == iso(MOMENT - RESOLVED_AGO)
    assert incident["created_at"] == iso(MOMENT - RESOLVED_AGO - timedelta(minutes=10))


def test_an_incident_with_a_start_keeps_it_whatever_the_clock_says() -> None:
    start = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    with FakePagerDuty(clock=lambda: MOMENT) as fake:
        incident = fake.add_incident(log_entries=4, notes=1, created_at=start)
    assert incident["created_at"] == iso(start)
    assert incident["resolved_at"] == iso(start + timedelta(seconds=47 * 3))


def test_a_default_incidents_resolved_delivery_is_within_the_webhook_age_limit() -> None:
    with FakePagerDuty() as fake:
        incident = fake.add_incident()
    event = parse_event(build_resolved_event(incident))
    age = datetime.now(UTC) - event.occurred_at
    assert timedelta(0) < age <= Policy().webhooks.max_age


@pytest.fixture(scope="module")
def fake() -> Iterator[FakePagerDuty]:
    with FakePagerDuty() as server:
        yield server


@pytest.fixture(scope="module")
def incident(fake: FakePagerDuty) -> dict[str, Any]:
    """230 log entries (three pages of 100), three notes, three responders."""
    return fake.add_incident(log_entries=230, notes=3, responders=3)


@pytest.fixture
def raw_client(fake: FakePagerDuty) -> Iterator[pagerduty.RestApiV2Client]:
    context = ssl.create_default_context(cafile=str(fake.ca_file))
    client = pagerduty.RestApiV2Client(
        fake.token, base_url=fake.base_url, verify=context, trust_env=False
    )
    yield client
    client.close()


def test_fake_log_entries_default_to_25_without_total(
    raw_client: pagerduty.RestApiV2Client, incident: dict[str, Any]
) -> None:
    body = raw_client.jget(f"/incidents/{incident['id']}/log_entries")

    assert (len(body["log_entries"]), body["limit"], body["offset"]) == (25, 25, 0)
    assert (body["more"], body["total"]) == (True, None)


def test_fake_log_entries_are_newest_first_with_total_on_request(
    raw_client: pagerduty.RestApiV2Client, incident: dict[str, Any]
) -> None:
    body = raw_client.jget(
        f"/incidents/{incident['id']}/log_entries",
        params={"total": "true", "limit": 100, "offset": 200},
    )

    assert (len(body["log_entries"]), body["more"], body["total"]) == (30, False, 230)
    times = [entry["created_at"] for entry in body["log_entries"]]
    assert times == sorted(times, reverse=True)


def test_fake_refuses_offsets_beyond_ten_thousand(
    raw_client: pagerduty.RestApiV2Client, incident: dict[str, Any]
) -> None:
    response = raw_client.get(
        f"/incidents/{incident['id']}/log_entries", params={"limit": 100, "offset": 9901}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == 2001
