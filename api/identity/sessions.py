"""Web sessions kept on the server: signing out ends a session everywhere its cookie went.

The browser's cookie holds only a random session id (signed, so junk is refused before a lookup);
the store keeps what the session is, keyed by the SHA-256 of that id, so a copy of the store holds
no usable cookie. Two kinds of session:

* a **person** signed in in full (through the identity provider, with a token, or by picking an
  email in ``followthrough dev``): ``email``, ``groups`` and how they signed in;
* a **links** session: a browser that only opened emailed links; ``grants`` says which reviews
  each link opened, for whom and with which role (:class:`api.identity.roles.LinkGrant`).

A session ends when it is signed out (:meth:`SessionStore.end`), when it has been idle longer than
``idle_seconds`` (default :data:`IDLE_SECONDS`, 8 hours) or when it is older than
``absolute_seconds`` (default :data:`ABSOLUTE_SECONDS`, 24 hours), whichever comes first. The
memory store below holds at most ``max_sessions`` (the least recently used go first); every
operation is O(1) amortised.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol

from api.identity.roles import LinkGrant, Scope

__all__ = [
    "ABSOLUTE_SECONDS",
    "IDLE_SECONDS",
    "MAX_GRANTS",
    "MAX_SESSIONS",
    "TOUCH_EVERY_SECONDS",
    "MemorySessions",
    "SessionLimits",
    "SessionRecord",
    "SessionStore",
    "SignedInWith",
    "new_session_id",
    "session_key",
]

IDLE_SECONDS = 8 * 3600
ABSOLUTE_SECONDS = 24 * 3600
MAX_SESSIONS = 100_000
MAX_GRANTS = 20
#: How often a session's "last seen" is written back; reading it more often costs nothing.
TOUCH_EVERY_SECONDS = 60.0


class SignedInWith(StrEnum):
    """How a session began: what the audit trail's ``via`` and the page's banner say."""

    OIDC = "oidc"
    TOKEN = "token"  # noqa: S105 (a name, not a secret)
    DEV = "dev"
    LINK = "link"


@dataclass(frozen=True)
class SessionRecord:
    """What one session is: a person (``email``), a token signed in on the page (``token_name``
    and ``token_scope``), or neither: a links session (``grants`` only)."""

    email: str | None
    signed_in_with: SignedInWith
    created_at: float
    last_seen: float
    name: str | None = None
    groups: tuple[str, ...] = ()
    token_name: str | None = None
    token_scope: Scope | None = None
    grants: Mapping[str, LinkGrant] = field(default_factory=dict)

    @property
    def links_only(self) -> bool:
        return self.email is None and self.token_name is None

    def with_grant(self, grant: LinkGrant) -> SessionRecord:
        """This session with ``grant`` added (replacing one for the same review), at most
        :data:`MAX_GRANTS` (the oldest are dropped)."""
        grants = {k: v for k, v in self.grants.items() if k != grant.incident_id}
        grants[grant.incident_id] = grant
        kept = dict(list(grants.items())[-MAX_GRANTS:])
        return replace(self, grants=kept)


@dataclass(frozen=True)
class SessionLimits:
    idle_seconds: float = IDLE_SECONDS
    absolute_seconds: float = ABSOLUTE_SECONDS

    def expired(self, record: SessionRecord, now: float) -> bool:
        return (
            now - record.last_seen >= self.idle_seconds
            or now - record.created_at >= self.absolute_seconds
        )


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def session_key(session_id: str) -> str:
    """The key a session is stored under: the SHA-256 of its id, never the id itself."""
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionStore(Protocol):
    """Where sessions live. Every method takes the raw id from the cookie."""

    limits: SessionLimits

    def create(self, record: SessionRecord) -> str:
        """Store ``record`` under a new id and return the id (for the cookie)."""
        ...

    def get(self, session_id: str) -> SessionRecord | None:
        """The live session, or None (unknown, signed out, idle or too old); touches it."""
        ...

    def save(self, session_id: str, record: SessionRecord) -> None:
        """Replace a live session's record (a link opened in it)."""
        ...

    def end(self, session_id: str) -> None:
        """Sign out: the id stops working for every holder of the cookie."""
        ...

    def end_person(self, email: str) -> int:
        """End every session of one person (all their browsers); returns how many."""
        ...


class MemorySessions:
    """Sessions in this process's memory: one API process (``followthrough dev``, tests).

    Behind several API replicas every replica must see the same sessions; see
    ``api.identity`` for the shared store.
    """

    def __init__(
        self,
        limits: SessionLimits | None = None,
        *,
        max_sessions: int = MAX_SESSIONS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limits = limits or SessionLimits()
        self.max_sessions = max_sessions
        self.clock = clock
        self._records: OrderedDict[str, SessionRecord] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def _evict(self, now: float) -> None:
        # Least recently used first: while the oldest is expired (or the store is full) drop it.
        while self._records:
            key, oldest = next(iter(self._records.items()))
            if len(self._records) <= self.max_sessions and not self.limits.expired(oldest, now):
                break
            del self._records[key]

    def create(self, record: SessionRecord) -> str:
        now = self.clock()
        session_id = new_session_id()
        self._records[session_key(session_id)] = replace(record, created_at=now, last_seen=now)
        self._evict(now)
        return session_id

    def get(self, session_id: str) -> SessionRecord | None:
        key = session_key(session_id)
        record = self._records.get(key)
        if record is None:
            return None
        now = self.clock()
        if self.limits.expired(record, now):
            del self._records[key]
            return None
        if now - record.last_seen >= TOUCH_EVERY_SECONDS:
            record = replace(record, last_seen=now)
            self._records[key] = record
        self._records.move_to_end(key)
        return record

    def save(self, session_id: str, record: SessionRecord) -> None:
        key = session_key(session_id)
        if key in self._records:
            self._records[key] = record
            self._records.move_to_end(key)

    def end(self, session_id: str) -> None:
        self._records.pop(session_key(session_id), None)

    def end_person(self, email: str) -> int:
        wanted = email.strip().lower()
        doomed = [k for k, r in self._records.items() if r.email == wanted]
        for key in doomed:
            del self._records[key]
        return len(doomed)
