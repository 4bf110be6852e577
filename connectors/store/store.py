"""The review store: one object over the database, each read and write a module of its own.

``write`` replaces a review's rows in one transaction when (and only when) its revision is newer
than the stored one (:mod:`connectors.store.writes`). Reads never touch Temporal: the list and
search (:mod:`~connectors.store.lists`), the dashboard (:mod:`~connectors.store.dashboard`), trends
(:mod:`~connectors.store.trends`), the digest (:mod:`~connectors.store.digest`), repeat incidents
and root-cause suggestions (:mod:`~connectors.store.repeats`) all come from here.

Every read takes ``now`` (or a period) from the caller, so figures are reproducible in tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, Connection, Engine, func, select, true
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

import connectors.store.engine as db
from connectors.errors import ConnectorError, ErrorKind
from connectors.store.common import SYSTEM, r
from connectors.store.dashboard import dashboard_figures
from connectors.store.digest import digest_figures
from connectors.store.lists import list_page
from connectors.store.records import (
    Dashboard,
    DigestData,
    Repeat,
    RepeatQuery,
    ReviewFilter,
    ReviewPage,
    ReviewRecord,
    Suggestion,
    Trends,
)
from connectors.store.repeats import find_repeats, find_suggestions
from connectors.store.schema import reviews
from connectors.store.search import for_dialect
from connectors.store.trends import trends_figures
from connectors.store.writes import read_records, write_record

__all__ = ["ReviewStore"]

T = TypeVar("T")


class ReviewStore:
    """The read model of every review, on SQLite or PostgreSQL.

    Build it from a URL (see :func:`connectors.store.engine.parse_url`); ``migrate=True`` (the
    default) brings the schema to the newest migration first, as the processes do at start-up.
    Failures to reach the database raise :class:`ConnectorError` (system ``store``, retryable).
    """

    def __init__(self, url: str | URL, *, migrate: bool = True) -> None:
        self.url = db.parse_url(url) if isinstance(url, str) else url
        self.engine: Engine = db.make_engine(self.url)
        self.dialect = self.engine.dialect.name
        self._search = for_dialect(self.dialect)
        if migrate:
            self.upgrade()

    def __repr__(self) -> str:
        return f"ReviewStore({db.safe_url(self.url)!r})"

    def upgrade(self) -> None:
        """Migrate to the newest schema (idempotent)."""
        self._guard(lambda: db.upgrade(self.engine))

    def close(self) -> None:
        self.engine.dispose()

    # --- plumbing --------------------------------------------------------------------------

    def _guard(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except DBAPIError as exc:
            retryable = exc.connection_invalidated or isinstance(
                exc.orig, self.engine.dialect.loaded_dbapi.OperationalError
            )
            first = str(exc.orig).strip().splitlines()[0][:300] if exc.orig else type(exc).__name__
            raise ConnectorError(
                SYSTEM,
                ErrorKind.UNAVAILABLE if retryable else ErrorKind.BAD_REQUEST,
                f"review store at {db.safe_url(self.url)}: {first}",
            ) from exc
        except SQLAlchemyError as exc:
            raise ConnectorError(
                SYSTEM, ErrorKind.UNAVAILABLE, f"review store: {type(exc).__name__}"
            ) from exc

    def _reading(self, read: Callable[[Connection], T]) -> T:
        """Run ``read`` on one connection, failures mapped by :meth:`_guard`."""

        def run() -> T:
            with self.engine.connect() as connection:
                return read(connection)

        return self._guard(run)

    def reading(self, read: Callable[[Connection], T]) -> T:
        """``read`` on one connection, for tables kept by other modules (the web sessions)."""
        return self._reading(read)

    def writing(self, write: Callable[[Connection], T]) -> T:
        """``write`` in one transaction, failures mapped like every store call."""

        def run() -> T:
            with self.engine.begin() as connection:
                return write(connection)

        return self._guard(run)

    # --- writes ----------------------------------------------------------------------------

    def write(self, record: ReviewRecord, *, written_at: datetime | None = None) -> bool:
        """Store ``record`` unless the store already has this revision or a newer one.

        Returns True when written. Idempotent: repeating a write, or writing an older revision
        after a newer one, changes nothing and returns False.
        """
        return self.write_many([record], written_at=written_at) == 1

    def write_many(
        self, records: Sequence[ReviewRecord], *, written_at: datetime | None = None
    ) -> int:
        """Write several reviews in one transaction (``reindex``); returns how many were newer.

        All or nothing: a failure leaves the store as it was, and a retry is safe.
        """
        moment = written_at or datetime.now(UTC)

        def run() -> int:
            with self.engine.begin() as connection:
                return sum(
                    write_record(connection, self._search, record, moment) for record in records
                )

        return self._guard(run)

    # --- one review ------------------------------------------------------------------------

    def revision(self, incident_id: str) -> int | None:
        """The stored revision of a review (None: not in the store)."""

        def read(connection: Connection) -> int | None:
            value: int | None = connection.execute(
                select(r.revision).where(r.incident_id == incident_id)
            ).scalar_one_or_none()
            return value

        return self._reading(read)

    def get(self, incident_id: str) -> ReviewRecord | None:
        """A review as stored, rebuilt into the record that wrote it."""
        found = self._records(r.incident_id == incident_id)
        return found[0] if found else None

    def records(self) -> list[ReviewRecord]:
        """Every stored review (for checks and exports), by incident id."""
        return self._records(true())

    def count(self) -> int:
        def read(connection: Connection) -> int:
            counted = connection.execute(select(func.count()).select_from(reviews)).scalar()
            return int(counted or 0)

        return self._reading(read)

    def _records(self, where: ColumnElement[bool]) -> list[ReviewRecord]:
        return self._reading(lambda connection: read_records(connection, where))

    # --- lists and figures -----------------------------------------------------------------

    def list_reviews(self, filters: ReviewFilter, now: datetime) -> ReviewPage:
        """Reviews matching every filter, newest resolution first, one page at a time."""
        return self._reading(lambda c: list_page(c, self._search, filters, now))

    def dashboard(
        self,
        now: datetime,
        weeks: Sequence[tuple[datetime, datetime]],
        *,
        newest: int = 10,
        overdue_items: int = 100,
    ) -> Dashboard:
        """Figures over every review: counts, completion, median time to close, what is overdue.

        ``weeks`` are ``(start, end)`` pairs, oldest first, computed by the caller in its own
        timezone; each gets the cumulative completion at its end. ``newest`` reviews are listed
        per phase and the ``overdue_items`` most overdue items are listed (all are counted).
        """
        return self._reading(lambda c: dashboard_figures(c, now, weeks, newest, overdue_items))

    def trends(
        self,
        start: datetime,
        end: datetime,
        now: datetime,
        *,
        team: str | None = None,
        window: timedelta = timedelta(days=365),
    ) -> Trends:
        """Learning across reviews resolved in ``[start, end)``, optionally of one team.

        A review is a repeat when an earlier review of the same service was resolved within
        ``window`` before it, or when one of its root causes is linked to an earlier cause.
        """
        return self._reading(lambda c: trends_figures(c, start, end, now, team, window))

    def digest(
        self,
        start: datetime,
        end: datetime,
        *,
        window: timedelta = timedelta(days=365),
    ) -> DigestData:
        """The weekly digest's figures over every review, as of ``end``.

        Per team: open, overdue, closed this period, done, completion rate and median days to
        close; every open item past due (oldest due first, no cap); and the repeat incidents
        resolved during ``[start, end)``.
        """
        return self._reading(lambda c: digest_figures(c, start, end, window))

    # --- learning across reviews -----------------------------------------------------------

    def repeats(self, query: RepeatQuery) -> list[Repeat]:
        """Earlier reviews of the same service, of the same team, or linked by a root cause.

        Newest first, at most ``query.limit`` besides the linked ones (always listed). Each carries its root causes and the items that
        are still open or were dropped. A review found several ways is listed once, under the
        strongest reason: linked, then service, then team.
        """
        return self._reading(lambda c: find_repeats(c, query))

    def suggestions(
        self,
        *,
        incident_id: str,
        service_id: str | None,
        service_name: str | None,
        category: str | None = None,
        limit: int = 10,
    ) -> list[Suggestion]:
        """Root causes of other reviews of the same service (and category), newest first."""
        key = service_id or service_name
        if key is None:
            return []
        return self._reading(
            lambda c: find_suggestions(
                c, incident_id=incident_id, key=key, category=category, limit=limit
            )
        )
