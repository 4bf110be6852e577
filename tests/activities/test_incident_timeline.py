"""fetch_incident keeps the review's timeline bounded: the oldest entries, the rest counted."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.testing import ActivityEnvironment

from activities.incidents import IncidentActivities
from connectors.pagerduty import PagerDutyIncidents
from tests.fakes.pagerduty import FakePagerDuty
from tests.support.harness import incident
from workflows.review import Incident
from workflows.steps import FetchIncident

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def fetched(entries: int, notes: int = 0, **limits: int) -> Incident:
    with FakePagerDuty() as fake:
        record = fake.add_incident(log_entries=entries, notes=notes)
        source = PagerDutyIncidents(
            fake.token, fake.base_url, ca_file=fake.ca_file, trust_env=False
        )
        request = FetchIncident(incident=incident(record["id"], NOW), **limits)
        result: Incident = ActivityEnvironment().run(
            IncidentActivities(source).fetch_incident, request
        )
    return result


def test_a_timeline_over_the_limit_keeps_the_oldest_and_counts_the_rest() -> None:
    result = fetched(12, notes=2, max_timeline=5)
    assert len(result.timeline) == 5
    assert result.timeline_total == 14
    assert [e.at for e in result.timeline] == sorted(e.at for e in result.timeline)


def test_a_timeline_within_the_limit_has_no_count() -> None:
    result = fetched(4)
    assert len(result.timeline) == 4
    assert result.timeline_total is None


def test_summaries_are_cut_at_the_stated_length() -> None:
    result = fetched(3, max_summary=10)
    assert all(len(e.summary) <= 10 for e in result.timeline)
    assert any(e.summary.endswith("…") for e in result.timeline)
