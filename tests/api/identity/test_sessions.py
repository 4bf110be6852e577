"""Server-side sessions: signing out ends a session for every holder; idle and absolute expiry."""

from __future__ import annotations

from datetime import UTC, datetime

from api.identity.roles import LinkGrant, Role
from api.identity.sessions import (
    MAX_GRANTS,
    MemorySessions,
    SessionLimits,
    SessionRecord,
    SignedInWith,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def person(email: str = "fay@example.com") -> SessionRecord:
    return SessionRecord(email=email, signed_in_with=SignedInWith.OIDC, created_at=0, last_seen=0)


def store(clock: Clock, idle: float = 3600, absolute: float = 86400) -> MemorySessions:
    return MemorySessions(SessionLimits(idle, absolute), clock=clock)


def test_a_new_session_is_found_by_its_id() -> None:
    sessions = store(Clock())
    sid = sessions.create(person())
    found = sessions.get(sid)
    assert found is not None and found.email == "fay@example.com"
    assert sessions.get("another-id") is None


def test_signing_out_ends_the_session_for_every_holder_of_the_id() -> None:
    sessions = store(Clock())
    sid = sessions.create(person())
    sessions.end(sid)
    assert sessions.get(sid) is None


def test_an_idle_session_ends_and_an_active_one_lives_on() -> None:
    clock = Clock()
    sessions = store(clock, idle=3600)
    active, idle = sessions.create(person()), sessions.create(person("rui@example.com"))
    for _ in range(3):
        clock.now += 1800
        assert sessions.get(active) is not None
    assert sessions.get(idle) is None


def test_a_session_ends_at_its_absolute_age_however_active() -> None:
    clock = Clock()
    sessions = store(clock, idle=3600, absolute=7200)
    sid = sessions.create(person())
    for _ in range(3):
        clock.now += 1800
        assert sessions.get(sid) is not None
    clock.now += 1800
    assert sessions.get(sid) is None


def test_ending_a_person_ends_all_their_browsers_and_nobody_elses() -> None:
    sessions = store(Clock())
    one, two = sessions.create(person()), sessions.create(person())
    other = sessions.create(person("rui@example.com"))
    assert sessions.end_person("FAY@example.com") == 2
    assert sessions.get(one) is None and sessions.get(two) is None
    assert sessions.get(other) is not None


def test_the_store_forgets_the_least_recently_used_beyond_its_bound() -> None:
    sessions = MemorySessions(max_sessions=10, clock=Clock())
    first = sessions.create(person())
    for _ in range(20):
        sessions.create(person("rui@example.com"))
    assert len(sessions) == 10
    assert sessions.get(first) is None


def test_the_store_is_keyed_by_a_hash_so_it_holds_no_cookie() -> None:
    sessions = MemorySessions(clock=Clock())
    sid = sessions.create(person())
    assert sid not in repr(sessions._records)


def test_a_links_session_keeps_the_latest_grants_up_to_its_bound() -> None:
    record = SessionRecord(None, SignedInWith.LINK, 0, 0)
    for n in range(MAX_GRANTS + 5):
        record = record.with_grant(
            LinkGrant(f"P{n}", "rui@example.com", Role.CONTRIBUTOR, datetime.now(UTC))
        )
    assert record.links_only
    assert len(record.grants) == MAX_GRANTS
    assert f"P{MAX_GRANTS + 4}" in record.grants and "P0" not in record.grants
