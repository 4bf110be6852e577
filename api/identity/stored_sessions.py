"""Web sessions in the review store's database: every API process sees the same sessions.

:class:`~api.identity.sessions.MemorySessions` lives in one process: a restart signs everybody
out, and behind two replicas a sign-out on one leaves the session open on the other. This store
keeps them in the ``web_sessions`` table (:mod:`connectors.store.sessions`) of the database the
review store already uses (SQLite by default, PostgreSQL in production), so no new system is
needed. The API uses it whenever it has a store; tests of the rules keep the memory store.

Same contract as the memory store (:class:`~api.identity.sessions.SessionStore`): keys are the
SHA-256 of the cookie's id, idle and absolute limits, a session's "last seen" written back at most
every :data:`~api.identity.sessions.TOUCH_EVERY_SECONDS`, at most ``max_sessions`` rows (the least
recently seen go first; counted every :data:`CAP_EVERY` sign-ins, since a count scans the table).
Expired rows are deleted at each sign-in by two range scans on indexed times. A record that no
longer decodes (written by a newer version, say) counts as signed out. The calls are blocking,
like the session lookups of the memory store, and each is one statement on an indexed column:
the ``/api`` caller dependency runs in FastAPI's thread pool, but the pages read their session
on the event loop (``api.pages.session.read_session``), so a database that stops answering
delays page requests there until its connect timeout (moving those reads to a thread is left for
when the page helpers become async).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from api.identity.roles import LinkGrant, Role, Scope
from api.identity.sessions import (
    MAX_SESSIONS,
    TOUCH_EVERY_SECONDS,
    SessionLimits,
    SessionRecord,
    SignedInWith,
    new_session_id,
    session_key,
)
from connectors.store.sessions import SessionRows
from connectors.store.store import ReviewStore

__all__ = ["CAP_EVERY", "StoredSessions", "decode", "encode"]

#: Sign-ins between two counts of the table against ``max_sessions``.
CAP_EVERY = 100


def encode(record: SessionRecord) -> str:
    """The record as JSON, without the times (they are columns)."""
    return json.dumps(
        {
            "email": record.email,
            "signed_in_with": record.signed_in_with.value,
            "name": record.name,
            "groups": list(record.groups),
            "token_name": record.token_name,
            "token_scope": record.token_scope.value if record.token_scope else None,
            "grants": [
                {
                    "incident_id": g.incident_id,
                    "recipient": g.recipient,
                    "role": g.role.value,
                    "issued_at": g.issued_at.isoformat(),
                }
                for g in record.grants.values()
            ],
        },
        separators=(",", ":"),
    )


def decode(text: str, created_at: float, last_seen: float) -> SessionRecord:
    """The record :func:`encode` wrote; raises ValueError (or KeyError/TypeError) on anything else."""
    data: dict[str, Any] = json.loads(text)
    grants = [
        LinkGrant(
            incident_id=str(g["incident_id"]),
            recipient=g["recipient"],
            role=Role(g["role"]),
            issued_at=datetime.fromisoformat(g["issued_at"]),
        )
        for g in data["grants"]
    ]
    scope = data["token_scope"]
    return SessionRecord(
        email=data["email"],
        signed_in_with=SignedInWith(data["signed_in_with"]),
        created_at=created_at,
        last_seen=last_seen,
        name=data["name"],
        groups=tuple(data["groups"]),
        token_name=data["token_name"],
        token_scope=Scope(scope) if scope else None,
        grants={g.incident_id: g for g in grants},
    )


class StoredSessions:
    """Sessions in the ``web_sessions`` table of ``store``'s database (see the module doc)."""

    def __init__(
        self,
        store: ReviewStore,
        limits: SessionLimits | None = None,
        *,
        max_sessions: int = MAX_SESSIONS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.rows = SessionRows(store)
        self.limits = limits or SessionLimits()
        self.max_sessions = max_sessions
        self.clock = clock
        self._created = 0

    def create(self, record: SessionRecord) -> str:
        now = self.clock()
        self.rows.remove_expired(now - self.limits.idle_seconds, now - self.limits.absolute_seconds)
        session_id = new_session_id()
        self.rows.add(session_key(session_id), record.email, encode(record), now)
        self._created += 1
        if self._created % CAP_EVERY == 0 and self.rows.count() > self.max_sessions:
            self.rows.remove_least_recent(self.max_sessions)
        return session_id

    def get(self, session_id: str) -> SessionRecord | None:
        key = session_key(session_id)
        row = self.rows.get(key)
        if row is None:
            return None
        text, created_at, last_seen = row
        now = self.clock()
        try:
            record = decode(text, created_at, last_seen)
        except (ValueError, KeyError, TypeError):
            self.rows.remove(key)
            return None
        if self.limits.expired(record, now):
            self.rows.remove(key)
            return None
        if now - last_seen >= TOUCH_EVERY_SECONDS:
            self.rows.touch(key, now)
            record = replace(record, last_seen=now)
        return record

    def save(self, session_id: str, record: SessionRecord) -> None:
        self.rows.replace(session_key(session_id), encode(record))

    def end(self, session_id: str) -> None:
        self.rows.remove(session_key(session_id))

    def end_person(self, email: str) -> int:
        return self.rows.remove_email(email.strip().lower())
