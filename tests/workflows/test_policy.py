"""The policy file: defaults, ISO-8601 durations, and errors that name the bad key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workflows.deadlines import follow_up_start
from workflows.policy import Policy, PolicyError, parse_policy
from workflows.review import Incident, due_day, needs_review, parse_due

EXAMPLE = Path(__file__).resolve().parents[2] / "followthrough.example.toml"


def test_the_example_policy_file_states_exactly_the_defaults() -> None:
    assert parse_policy(EXAMPLE.read_text()) == Policy()


def test_durations_accept_iso_8601_of_any_length() -> None:
    policy = parse_policy('[follow_up]\nafter = "PT30S"\n[action_items]\nremind_before = "P3D"')
    assert policy.follow_up.after == timedelta(seconds=30)
    assert policy.action_items.remind_before == timedelta(days=3)


def test_a_follow_up_outside_four_to_six_weeks_is_allowed_but_flagged() -> None:
    assert parse_policy('[follow_up]\nafter = "P10D"').follow_up.outside_recommended_window
    assert not Policy().follow_up.outside_recommended_window


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[action_items]\nremind_before = "three days"', "action_items.remind_before"),
        ('[review]\ndraft_deadlin = "P5D"', "review.draft_deadlin"),
        ('timezone = "Mars/Olympus"', "timezone"),
        ('[follow_up]\nmeeting_time = "25:00"', "follow_up.meeting_time"),
        ('[action_items]\nescalate_every = "PT0S"', "action_items.escalate_every"),
        ("[[teams]]\nservices = []", "teams.0.name"),
    ],
)
def test_a_bad_policy_names_the_key(text: str, named: str) -> None:
    with pytest.raises(PolicyError) as error:
        parse_policy(text, "policy.toml")
    assert named in str(error.value)
    assert str(error.value).startswith("policy.toml:")


def test_invalid_toml_says_so() -> None:
    with pytest.raises(PolicyError, match="not valid TOML"):
        parse_policy("[review")


def test_a_team_is_found_by_service_id_or_name_case_insensitively() -> None:
    policy = parse_policy(
        '[[teams]]\nname = "Payments"\nservices = ["PSVC1", "Checkout"]\n'
        'facilitator = "lead@example.com"\nleadership = ["vp@example.com"]'
    )
    assert policy.team_for("PSVC1", None) is policy.teams[0]
    assert policy.team_for(None, "checkout") is policy.teams[0]
    assert policy.team_for("POTHER", "search") is None
    assert policy.facilitator_for(None) == policy.defaults.facilitator
    assert policy.leadership_for(policy.teams[0]) == ["vp@example.com"]


def incident(priority: str | None, urgency: str | None, minutes: int = 60) -> Incident:
    resolved = datetime(2026, 11, 2, 12, tzinfo=UTC)
    return Incident(
        id="P1",
        title="t",
        priority=priority,
        urgency=urgency,
        created_at=resolved - timedelta(minutes=minutes),
        resolved_at=resolved,
    )


def test_every_incident_needs_a_review_by_default() -> None:
    assert needs_review(incident(None, None), Policy())[0]


def test_priority_or_urgency_lists_select_incidents() -> None:
    policy = parse_policy('[review]\nrequired_priorities = ["P1"]\nrequired_urgencies = ["high"]')
    assert needs_review(incident("P1", "low"), policy)[0]
    assert needs_review(incident("P3", "high"), policy)[0]
    wanted, why = needs_review(incident("P3", "low"), policy)
    assert not wanted
    assert "P3" in why


def test_require_all_needs_both_priority_and_urgency() -> None:
    policy = parse_policy(
        '[review]\nrequired_priorities = ["P1"]\nrequired_urgencies = ["high"]\nrequire_all = true'
    )
    assert not needs_review(incident("P1", "low"), policy)[0]
    assert needs_review(incident("P1", "high"), policy)[0]


def test_short_incidents_are_skipped_below_min_duration() -> None:
    policy = parse_policy('[review]\nmin_duration = "PT15M"')
    wanted, why = needs_review(incident("P1", "high", minutes=5), policy)
    assert not wanted
    assert "min_duration" in why


def test_a_due_date_means_the_end_of_that_day_in_the_policy_timezone() -> None:
    assert parse_due("2026-12-10", "Europe/Berlin") == datetime(2026, 12, 10, 23, tzinfo=UTC)
    assert due_day("2026-12-10", "Europe/Berlin").isoformat() == "2026-12-10"


def test_a_due_date_time_without_zone_is_read_in_the_policy_timezone() -> None:
    assert parse_due("2026-12-10T09:00", "America/New_York") == datetime(
        2026, 12, 10, 14, tzinfo=UTC
    )


def test_a_follow_up_that_falls_on_a_weekend_moves_to_monday_at_meeting_time() -> None:
    policy = parse_policy('timezone = "Europe/Berlin"\n[follow_up]\nafter = "P5D"')
    monday = datetime(2026, 11, 30, 12, tzinfo=UTC)  # + 5 days = Saturday 5 December
    start = follow_up_start(monday, policy)
    assert start.isoformat() == "2026-12-07T10:00:00+01:00"


def test_a_second_scale_follow_up_is_not_rounded_to_the_calendar() -> None:
    policy = parse_policy('[follow_up]\nafter = "PT30S"')
    resolved = datetime(2026, 11, 28, 23, 59, tzinfo=UTC)
    assert follow_up_start(resolved, policy) == resolved + timedelta(seconds=30)


def test_links_expire_after_fourteen_days_unless_the_policy_says_otherwise() -> None:
    assert Policy().links.max_age == timedelta(days=14)
    assert parse_policy('[links]\nmax_age = "P3D"').links.max_age == timedelta(days=3)
    with pytest.raises(PolicyError, match=r"links\.max_age"):
        parse_policy('[links]\nmax_age = "PT0S"')


def test_a_team_names_its_facilitator_groups() -> None:
    policy = parse_policy('[[teams]]\nname = "Payments"\nfacilitator_groups = ["pay-fac"]')
    team = policy.team_named("Payments")
    assert team is not None and team.facilitator_groups == ["pay-fac"]
    assert policy.team_named("Search") is None
