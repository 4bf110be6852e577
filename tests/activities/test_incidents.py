"""Fetching an incident (activities.incidents): the webhook's data, PagerDuty's details, refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.incidents import IncidentActivities
from connectors.incidents import WebhookOnly
from connectors.pagerduty import PagerDutyIncidents
from tests.fakes.pagerduty import FakePagerDuty
from tests.support.harness import incident
from workflows.steps import FetchIncident

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)


def test_without_a_token_the_incident_is_the_webhooks_data() -> None:
    known = incident("PACT2", NOW)
    result = ActivityEnvironment().run(
        IncidentActivities(WebhookOnly()).fetch_incident, FetchIncident(incident=known)
    )
    assert result == known


def test_pagerduty_details_are_merged_into_the_webhooks_incident() -> None:
    with FakePagerDuty() as fake:
        record = fake.add_incident(log_entries=8, notes=1, responders=2)
        source = PagerDutyIncidents(
            fake.token, fake.base_url, ca_file=fake.ca_file, trust_env=False
        )
        known = incident(record["id"], NOW)
        result = ActivityEnvironment().run(
            IncidentActivities(source).fetch_incident, FetchIncident(incident=known)
        )
    assert result.details_source == "pagerduty"
    assert len(result.timeline) == 9
    assert all(p.email for p in result.responders)
    assert result.resolved_at != NOW  # PagerDuty's resolve log entry wins


def test_a_refused_pagerduty_token_fails_fast_with_its_code() -> None:
    with FakePagerDuty() as fake:
        record = fake.add_incident()
        source = PagerDutyIncidents(
            "wrong-token", fake.base_url, ca_file=fake.ca_file, trust_env=False
        )
        with pytest.raises(ApplicationError) as failure:
            ActivityEnvironment().run(
                IncidentActivities(source).fetch_incident,
                FetchIncident(incident=incident(record["id"], NOW)),
            )
    assert failure.value.type == "PagerDutyUnauthorized"
    assert failure.value.non_retryable
    assert "wrong-token" not in str(failure.value)
