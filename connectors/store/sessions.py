"""The ``web_sessions`` table: rows of opaque session records, for the API's shared session store.

The store does not know what a session is: it keeps a JSON text per key with the email and the
two times the limits count from. :class:`api.identity.stored_sessions.StoredSessions` gives the
rows their meaning. Every call is one statement on one indexed column (or a range of one), so
each costs the same at ten sessions as at a hundred thousand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, delete, func, insert, select, update

from connectors.store.schema import WebSessionRow
from connectors.store.store import ReviewStore

__all__ = ["SessionRow", "SessionRows"]

T = TypeVar("T")
s = WebSessionRow.__table__.c

SessionRow = tuple[str, float, float]
"""A stored session: its record (JSON), when it was created, when it was last seen (Unix s)."""


class SessionRows:
    """The table on the review store's database; failures raise the store's ConnectorError."""

    def __init__(self, store: ReviewStore) -> None:
        self.store = store

    def _write(self, run: Callable[[Connection], T]) -> T:
        return self.store.writing(run)

    def add(self, key: str, email: str | None, record: str, now: float) -> None:
        self._write(
            lambda c: c.execute(
                insert(WebSessionRow).values(
                    key=key, email=email, record=record, created_at=now, last_seen=now
                )
            )
        )

    def get(self, key: str) -> SessionRow | None:
        def read(connection: Connection) -> SessionRow | None:
            row = connection.execute(
                select(s.record, s.created_at, s.last_seen).where(s.key == key)
            ).one_or_none()
            return None if row is None else (row[0], row[1], row[2])

        return self.store.reading(read)

    def replace(self, key: str, record: str) -> None:
        """A live session's new record; nothing for a key that is gone."""
        self._write(
            lambda c: c.execute(update(WebSessionRow).where(s.key == key).values(record=record))
        )

    def touch(self, key: str, now: float) -> None:
        self._write(
            lambda c: c.execute(update(WebSessionRow).where(s.key == key).values(last_seen=now))
        )

    def remove(self, key: str) -> None:
        self._write(lambda c: c.execute(delete(WebSessionRow).where(s.key == key)))

    def remove_email(self, email: str) -> int:
        return self._write(
            lambda c: c.execute(delete(WebSessionRow).where(s.email == email)).rowcount
        )

    def remove_expired(self, seen_before: float, created_before: float) -> int:
        """Rows last seen at ``seen_before`` or earlier, or created at ``created_before`` or
        earlier (the limits count an age equal to the limit as expired): two range scans."""

        def run(connection: Connection) -> int:
            idle = connection.execute(delete(WebSessionRow).where(s.last_seen <= seen_before))
            old = connection.execute(delete(WebSessionRow).where(s.created_at <= created_before))
            return idle.rowcount + old.rowcount

        return self._write(run)

    def count(self) -> int:
        def read(connection: Connection) -> int:
            return int(
                connection.execute(select(func.count()).select_from(WebSessionRow)).scalar_one()
            )

        return self.store.reading(read)

    def remove_least_recent(self, keep: int) -> int:
        """Keep the ``keep`` most recently seen rows (the cap of the store); returns how many went."""

        def run(connection: Connection) -> int:
            newest = (
                select(s.last_seen).order_by(s.last_seen.desc()).offset(keep).limit(1)
            ).scalar_subquery()
            return connection.execute(delete(WebSessionRow).where(s.last_seen <= newest)).rowcount

        return self._write(run)
