"""Sessions in the store's database: the memory store's contract, shared by every API process.

Each behaviour runs on SQLite and on a real PostgreSQL cluster; two store objects on one
database stand for two API replicas (or one API before and after a restart).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from api.identity.roles import LinkGrant, Role, Scope
from api.identity.sessions import SessionLimits, SessionRecord, SignedInWith
from api.identity.stored_sessions import CAP_EVERY, StoredSessions
from connectors.store import ReviewStore
from connectors.store.schema import WebSessionRow
from tests.support.site import Site


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ReviewStore]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres").create_database()
    opened = ReviewStore(url)
    try:
        yield opened
    finally:
        opened.close()


def person(email: str = "fay@example.com") -> SessionRecord:
    return SessionRecord(email=email, signed_in_with=SignedInWith.OIDC, created_at=0, last_seen=0)


def sessions(
    store: ReviewStore, clock: Clock, idle: float = 3600, absolute: float = 86400
) -> StoredSessions:
    return StoredSessions(store, SessionLimits(idle, absolute), clock=clock)


def test_a_session_made_by_one_process_is_found_by_another(store: ReviewStore) -> None:
    clock = Clock()
    sid = sessions(store, clock).create(person())
    found = sessions(store, clock).get(sid)
    assert found is not None and found.email == "fay@example.com"
    assert sessions(store, clock).get("another-id") is None


def test_signing_out_on_one_process_ends_the_session_on_every_other(store: ReviewStore) -> None:
    clock = Clock()
    one, two = sessions(store, clock), sessions(store, clock)
    sid = one.create(person())
    assert two.get(sid) is not None
    one.end(sid)
    assert two.get(sid) is None


def test_every_field_of_a_record_survives_the_database(store: ReviewStore) -> None:
    issued = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    record = SessionRecord(
        email=None,
        signed_in_with=SignedInWith.TOKEN,
        created_at=0,
        last_seen=0,
        name="Deploy bot",
        groups=("sre", "oncall"),
        token_name="ci",
        token_scope=Scope.WRITE,
    ).with_grant(LinkGrant("P1", "rui@example.com", Role.CONTRIBUTOR, issued))
    clock = Clock()
    stored = sessions(store, clock)
    found = stored.get(stored.create(record))
    assert found is not None
    assert found.groups == ("sre", "oncall") and found.token_scope is Scope.WRITE
    assert found.name == "Deploy bot" and found.token_name == "ci"
    assert found.grants == {"P1": LinkGrant("P1", "rui@example.com", Role.CONTRIBUTOR, issued)}
    assert (found.created_at, found.last_seen) == (clock.now, clock.now)


def test_a_link_opened_in_a_session_is_kept(store: ReviewStore) -> None:
    clock = Clock()
    stored = sessions(store, clock)
    record = SessionRecord(None, SignedInWith.LINK, 0, 0)
    sid = stored.create(record)
    grant = LinkGrant("P7", None, Role.VIEWER, datetime(2026, 12, 1, tzinfo=UTC))
    stored.save(sid, record.with_grant(grant))
    found = sessions(store, clock).get(sid)
    assert found is not None and found.links_only and list(found.grants) == ["P7"]


def test_an_idle_session_ends_and_an_active_one_lives_on(store: ReviewStore) -> None:
    clock = Clock()
    stored = sessions(store, clock, idle=3600)
    active, idle = stored.create(person()), stored.create(person("rui@example.com"))
    for _ in range(3):
        clock.now += 1800
        assert stored.get(active) is not None
    assert stored.get(idle) is None


def test_a_session_ends_at_its_absolute_age_however_active(store: ReviewStore) -> None:
    clock = Clock()
    stored = sessions(store, clock, idle=3600, absolute=7200)
    sid = stored.create(person())
    for _ in range(3):
        clock.now += 1800
        assert stored.get(sid) is not None
    clock.now += 1800
    assert stored.get(sid) is None


def test_ending_a_person_ends_all_their_browsers_and_nobody_elses(store: ReviewStore) -> None:
    stored = sessions(store, Clock())
    one, two = stored.create(person()), stored.create(person())
    other = stored.create(person("rui@example.com"))
    assert stored.end_person("FAY@example.com") == 2
    assert stored.get(one) is None and stored.get(two) is None
    assert stored.get(other) is not None


def test_a_sign_in_deletes_the_rows_of_expired_sessions(store: ReviewStore) -> None:
    clock = Clock()
    stored = sessions(store, clock, idle=3600)
    for _ in range(3):
        stored.create(person("old@example.com"))
    clock.now += 3600
    stored.create(person())
    assert _emails(store) == ["fay@example.com"]


def test_the_table_forgets_the_least_recently_seen_beyond_its_bound(store: ReviewStore) -> None:
    clock = Clock()
    stored = StoredSessions(store, max_sessions=10, clock=clock)
    first = stored.create(person())
    for _ in range(CAP_EVERY - 1):
        clock.now += 1
        stored.create(person("rui@example.com"))
    assert len(_emails(store)) == 10
    assert stored.get(first) is None


def test_the_table_holds_no_cookie_and_no_session_id(store: ReviewStore) -> None:
    stored = sessions(store, Clock())
    sid = stored.create(person())
    with store.engine.connect() as connection:
        rows = connection.execute(select(WebSessionRow.__table__)).all()
    assert rows and all(sid not in repr(row) for row in rows)


def test_a_record_that_no_longer_decodes_counts_as_signed_out(store: ReviewStore) -> None:
    stored = sessions(store, Clock())
    sid = stored.create(person())
    with store.engine.begin() as connection:
        connection.execute(update(WebSessionRow).values(record='{"email": 1}'))
    assert stored.get(sid) is None
    assert _emails(store) == []


def _emails(store: ReviewStore) -> list[str | None]:
    with store.engine.connect() as connection:
        return list(connection.execute(select(WebSessionRow.email)).scalars())


@pytest.mark.asyncio(loop_scope="session")
async def test_a_second_api_process_knows_a_browser_signed_in_on_the_first(site: Site) -> None:
    async with site.acting_as("fay@example.com") as first, site.browser() as second:
        second.cookies = httpx.Cookies(first.cookies)  # a copy: signing out clears only its jar
        assert (await second.get("/api/reviews")).status_code == 200
        await second.get("/logout")
        first_again = await first.get("/api/reviews")
    assert first_again.status_code == 401
