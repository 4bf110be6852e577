"""The PagerDuty imitation's incident times follow its clock, so no test depends on the date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
