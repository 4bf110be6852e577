"""The review's audit trail: bounded, oldest dropped and counted, actors never a secret."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from workflows.audit import AUDIT_LIMIT, Actor, ActorKind, AuditEntry, AuditTrail, Via, clip

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
FAY = Actor(kind=ActorKind.PERSON, name="fay@example.com", via=Via.PAGE, role="facilitator")


def entry(n: int) -> AuditEntry:
    return AuditEntry(at=AT, actor=FAY, action="five_whys.submitted", summary=f"#{n}", revision=n)


def test_the_trail_keeps_the_latest_entries_and_counts_the_older_ones() -> None:
    trail = AuditTrail()
    for n in range(AUDIT_LIMIT + 7):
        trail.record(entry(n))
    assert len(trail.entries) == AUDIT_LIMIT
    assert trail.older == 7
    assert trail.total == AUDIT_LIMIT + 7
    assert trail.entries[0].revision == 7
    assert trail.entries[-1].revision == AUDIT_LIMIT + 6


def test_an_entry_recorded_before_actors_were_known_has_no_actor() -> None:
    assert AuditEntry(at=AT, action="publish", summary="s", revision=1).actor is None


def test_an_actor_is_labelled_with_how_the_change_arrived() -> None:
    token = Actor(kind=ActorKind.TOKEN, name="ci", via=Via.API)
    assert FAY.label == "fay@example.com (page)"
    assert token.label == "token ci (api)"


def test_an_actor_needs_a_name() -> None:
    with pytest.raises(ValidationError):
        Actor(kind=ActorKind.PERSON, name="", via=Via.LINK)


def test_a_summary_is_one_line_within_its_limit() -> None:
    text = clip("first line\nsecond " + "x" * 400)
    assert "\n" not in text and len(text) == 300 and text.endswith("\u2026")
