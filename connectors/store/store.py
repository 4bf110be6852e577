"""The review store: an idempotent upsert per review, and every list and figure built on it.

``write`` replaces a review's rows in one transaction when (and only when) its revision is newer
than the stored one, so repeated and out-of-order writes keep the newest state; a write that
loses the race changes nothing. Reads never touch Temporal: lists, search, the dashboard, trends,
the digest, repeat incidents and root-cause suggestions all come from here.

Every read takes ``now`` (or a period) from the caller, so figures are reproducible in tests.
Medians and percentiles are computed the same way on both databases: in SQL where an index
answers them (the dashboard's median walks the ``close_days`` index), in Python otherwise.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    Select,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

import connectors.store.engine as db
from connectors.errors import ConnectorError, ErrorKind, System
from connectors.store.records import (
    CATEGORIES,
    NO_TEAM,
    PHASES,
    CategoryQuarter,
    CauseLink,
    Dashboard,
    DigestData,
    DigestTeamFigures,
    FollowUpOutcomeRecord,
    ItemRecord,
    OverdueItem,
    OwnerOverdue,
    QuarterCount,
    Repeat,
    RepeatIncident,
    RepeatItem,
    RepeatQuery,
    ReviewFilter,
    ReviewPage,
    ReviewRecord,
    ReviewRow,
    RootCauseRecord,
    RootCauseView,
    ServiceTrend,
    Suggestion,
    TeamOverdue,
    TeamTimeToClose,
    Trends,
    WeekPoint,
)
from connectors.store.schema import (
    action_items,
    follow_up_outcomes,
    reviews,
    root_causes,
)
from connectors.store.search import SearchQueryError, document, for_dialect, query_words

__all__ = [
    "SYSTEM",
    "TOP_SERVICES",
    "ReviewStore",
    "StoreQueryError",
    "decode_cursor",
    "encode_cursor",
    "percentile",
    "quarter_of",
    "unix_ms",
]

T = TypeVar("T")
SYSTEM = System.STORE
#: Services listed by the trends: the top this many by incidents, and by open items.
TOP_SERVICES = 10
DAY = 86400.0
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

r = reviews.c
i = action_items.c
rc = root_causes.c


class StoreQueryError(ValueError):
    """A read the store cannot answer as asked (a bad cursor or ``q``); names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def quarter_of(moment: datetime) -> str:
    """``2026-Q4``: the UTC quarter of a moment."""
    utc = moment.astimezone(UTC)
    return f"{utc.year}-Q{(utc.month - 1) // 3 + 1}"


def unix_ms(moment: datetime) -> int:
    """Milliseconds since the Unix epoch (exact integer arithmetic, no float rounding)."""
    return (moment - EPOCH) // timedelta(milliseconds=1)


def _next_quarter(label: str) -> str:
    year, q = int(label[:4]), int(label[-1])
    return f"{year + 1}-Q1" if q == 4 else f"{year}-Q{q + 1}"


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile of sorted values (numpy's default method)."""
    k = (len(sorted_values) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def _team_key(team: str | None) -> str:
    return team or NO_TEAM


def _team_filter(column: Any, team: str) -> ColumnElement[bool]:
    """``team`` on a column that holds the team or NULL (reviews) or the team key (copies)."""
    nullable = column.table is reviews
    if team == NO_TEAM and nullable:
        return column.is_(None)  # type: ignore[no-any-return]
    return column == team  # type: ignore[no-any-return]


# --- cursors ---------------------------------------------------------------------------------------


def encode_cursor(resolved_at: datetime, incident_id: str) -> str:
    raw = json.dumps([resolved_at.astimezone(UTC).isoformat(), incident_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, incident_id = json.loads(raw)
        when = datetime.fromisoformat(moment)
        if when.tzinfo is None or not isinstance(incident_id, str):
            raise ValueError(cursor)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise StoreQueryError(
            "cursor", "cursor is not one this API gave out; start again without it"
        ) from exc
    return when, incident_id


# --- the store -------------------------------------------------------------------------------------


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

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection

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
                return sum(self._write(connection, record, moment) for record in records)

        return self._guard(run)

    def _write(self, connection: Connection, record: ReviewRecord, written_at: datetime) -> bool:
        values = _review_values(record, written_at)
        make_insert = pg_insert if self.dialect == "postgresql" else sqlite_insert
        proposed = make_insert(reviews).values(**values)
        statement = proposed.on_conflict_do_update(
            index_elements=[r.incident_id],
            set_={name: proposed.excluded[name] for name in values if name != "incident_id"},
            # The heart of "never goes backwards": the row lock taken by the upsert makes
            # concurrent writers of one review queue, and each compares against the winner.
            where=r.revision < proposed.excluded.revision,
        ).returning(r.id)
        review_id = connection.execute(statement).scalar_one_or_none()
        if review_id is None:
            return False
        for table in (root_causes, action_items, follow_up_outcomes):
            connection.execute(delete(table).where(table.c.review_id == review_id))
        causes = _cause_values(record, review_id)
        items = _item_values(record, review_id)
        outcomes = [{"review_id": review_id, **o.model_dump()} for o in record.follow_up]
        if causes:
            connection.execute(insert(root_causes), causes)
        if items:
            connection.execute(insert(action_items), items)
        if outcomes:
            connection.execute(insert(follow_up_outcomes), outcomes)
        self._search.write(connection, review_id, _search_document(record))
        return True

    # --- one review ------------------------------------------------------------------------

    def revision(self, incident_id: str) -> int | None:
        """The stored revision of a review (None: not in the store)."""

        def read() -> int | None:
            with self._read() as connection:
                value: int | None = connection.execute(
                    select(r.revision).where(r.incident_id == incident_id)
                ).scalar_one_or_none()
                return value

        return self._guard(read)

    def get(self, incident_id: str) -> ReviewRecord | None:
        """A review as stored, rebuilt into the record that wrote it."""
        found = self._guard(lambda: self._records(r.incident_id == incident_id))
        return found[0] if found else None

    def records(self) -> list[ReviewRecord]:
        """Every stored review (for checks and exports), by incident id."""
        return self._guard(lambda: self._records(true()))

    def count(self) -> int:
        def read() -> int:
            with self._read() as connection:
                counted = connection.execute(select(func.count()).select_from(reviews)).scalar()
                return int(counted or 0)

        return self._guard(read)

    def _records(self, where: ColumnElement[bool]) -> list[ReviewRecord]:
        with self._read() as connection:
            heads = connection.execute(select(reviews).where(where).order_by(r.incident_id)).all()
            ids = [h.id for h in heads]
            causes: dict[int, list[RootCauseRecord]] = defaultdict(list)
            items: dict[int, list[ItemRecord]] = defaultdict(list)
            outcomes: dict[int, list[FollowUpOutcomeRecord]] = defaultdict(list)
            for chunk in _chunks(ids):
                for row in connection.execute(
                    select(root_causes)
                    .where(rc.review_id.in_(chunk))
                    .order_by(rc.review_id, rc.position)
                ):
                    causes[row.review_id].append(_cause_record(row))
                for row in connection.execute(
                    select(action_items)
                    .where(i.review_id.in_(chunk))
                    .order_by(i.review_id, i.position)
                ):
                    items[row.review_id].append(_item_record(row))
                fo = follow_up_outcomes.c
                for row in connection.execute(
                    select(follow_up_outcomes)
                    .where(fo.review_id.in_(chunk))
                    .order_by(fo.review_id, fo.item_id)
                ):
                    outcomes[row.review_id].append(
                        FollowUpOutcomeRecord(
                            item_id=row.item_id, status=row.status, due=row.due, reason=row.reason
                        )
                    )
        return [
            ReviewRecord(
                **{name: h._mapping[name] for name in _REVIEW_COLUMNS},
                whys=list(h.whys),
                root_causes=causes[h.id],
                items=items[h.id],
                follow_up=outcomes[h.id],
            )
            for h in heads
        ]

    # --- the list --------------------------------------------------------------------------

    def list_reviews(self, filters: ReviewFilter, now: datetime) -> ReviewPage:
        """Reviews matching every filter, newest resolution first, one page at a time."""
        return self._guard(lambda: self._list(filters, now))

    def _list(self, filters: ReviewFilter, now: datetime) -> ReviewPage:
        statement = _row_select(now)
        if filters.phase is not None:
            statement = statement.where(r.phase == filters.phase)
        if filters.team is not None:
            statement = statement.where(_team_filter(r.team, filters.team))
        if filters.service is not None:
            statement = statement.where(
                or_(r.service_key == filters.service, r.service_name == filters.service)
            )
        if filters.owner is not None or filters.overdue:
            conditions = [i.review_id == r.id]
            if filters.owner is not None:
                conditions.append(i.owner == filters.owner)
            if filters.overdue:
                conditions += _overdue(now)
            statement = statement.where(exists().where(*conditions))
        if filters.q is not None:
            try:
                found = query_words(filters.q)
            except SearchQueryError as exc:
                raise StoreQueryError("q", str(exc)) from exc
            statement = statement.where(r.id.in_(self._search.matching(found)))
        if filters.cursor is not None:
            after, incident_id = decode_cursor(filters.cursor)
            statement = statement.where(
                or_(
                    r.resolved_at < after, and_(r.resolved_at == after, r.incident_id < incident_id)
                )
            )
        statement = statement.order_by(r.resolved_at.desc(), r.incident_id.desc()).limit(
            filters.limit + 1
        )
        with self._read() as connection:
            rows = [_row(x) for x in connection.execute(statement)]
        more = len(rows) > filters.limit
        rows = rows[: filters.limit]
        cursor = encode_cursor(rows[-1].resolved_at, rows[-1].incident_id) if more else None
        return ReviewPage(reviews=rows, next_cursor=cursor)

    # --- the dashboard ---------------------------------------------------------------------

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
        return self._guard(lambda: self._dashboard(now, weeks, newest, overdue_items))

    def _dashboard(
        self,
        now: datetime,
        weeks: Sequence[tuple[datetime, datetime]],
        newest: int,
        overdue_limit: int,
    ) -> Dashboard:
        with self._read() as connection:
            by_phase = dict.fromkeys(PHASES, 0)
            for phase, count in connection.execute(select(r.phase, func.count()).group_by(r.phase)):
                by_phase[phase] = count
            newest_rows = {
                p: [
                    _row(x)
                    for x in connection.execute(
                        _row_select(now)
                        .where(r.phase == p)
                        .order_by(r.resolved_at.desc(), r.incident_id.desc())
                        .limit(newest)
                    )
                ]
                if by_phase[p]
                else []
                for p in PHASES
            }
            statuses, published = _status_counts(connection)
            overdue_groups = _overdue_groups(connection, now, overdue_limit)
            median_days = _indexed_median(connection)
            points = _week_points(connection, weeks, statuses, published)
        done, open_count = statuses["done"].count, statuses["open"].count
        return Dashboard(
            reviews=sum(by_phase.values()),
            by_phase=by_phase,
            newest=newest_rows,
            open=open_count,
            overdue=sum(g.count for g in overdue_groups),
            done=done,
            dropped=statuses["dropped"].count,
            completion_rate=done / (done + open_count) if done + open_count else None,
            median_days_to_close=round(median_days, 1) if median_days is not None else None,
            overdue_by_team=overdue_groups,
            weeks=points,
        )

    # --- trends ----------------------------------------------------------------------------

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
        return self._guard(lambda: self._trends(start, end, now, team, window))

    def _trends(
        self, start: datetime, end: datetime, now: datetime, team: str | None, window: timedelta
    ) -> Trends:
        in_range_rc = [rc.resolved_at >= start, rc.resolved_at < end]
        in_range_r = [r.resolved_at >= start, r.resolved_at < end]
        in_range_i = [i.resolved_at >= start, i.resolved_at < end, i.tracked.is_(True)]
        if team is not None:
            in_range_rc.append(_team_filter(rc.team, team))
            in_range_r.append(_team_filter(r.team, team))
            in_range_i.append(_team_filter(i.team, team))
        with self._read() as connection:
            per_quarter: dict[str, dict[str, int]] = {}
            for quarter, category, count in connection.execute(
                select(rc.quarter, rc.category, func.count())
                .where(*in_range_rc)
                .group_by(rc.quarter, rc.category)
            ):
                per_quarter.setdefault(quarter, dict.fromkeys(CATEGORIES, 0))[category] = count
            services = [
                ServiceTrend(service=name or key, incidents=incidents, open_items=int(open_items))
                for key, name, incidents, open_items in connection.execute(
                    select(
                        r.service_key,
                        func.max(r.service_name),
                        func.count(),
                        func.coalesce(func.sum(r.items_open), 0),
                    )
                    .where(*in_range_r, r.service_key.is_not(None))
                    .group_by(r.service_key)
                )
            ]
            repeat = _repeat_select(start, end, team, window).subquery()
            counted = select(repeat.c.quarter, func.count()).group_by(repeat.c.quarter)
            repeats_by_quarter: dict[str, int] = {
                str(row[0]): int(row[1]) for row in connection.execute(counted)
            }
            closing = _close_days_by_team(connection, in_range_i)
            measured = func.sum(
                _case(and_(i.status != "dropped", or_(i.status == "done", i.due_at <= now)))
            )
            on_time = func.sum(
                _case(and_(i.status == "done", i.closed_at.is_not(None), i.closed_at <= i.due_at))
            )
            due_total, due_kept = connection.execute(
                select(measured, on_time).where(*in_range_i)
            ).one()
        top = {
            s.service
            for key in (lambda s: (-s.incidents, s.service), lambda s: (-s.open_items, s.service))
            for s in sorted(services, key=key)[:TOP_SERVICES]
        }
        return Trends(
            root_cause_categories=[
                CategoryQuarter(quarter=q, counts=per_quarter.get(q, dict.fromkeys(CATEGORIES, 0)))
                for q in _quarters_between(per_quarter)
            ],
            services=sorted(
                (s for s in services if s.service in top),
                key=lambda s: (-s.incidents, -s.open_items, s.service),
            ),
            repeats=[
                QuarterCount(quarter=q, count=repeats_by_quarter.get(q, 0))
                for q in _quarters_between(repeats_by_quarter)
            ],
            time_to_close=[
                TeamTimeToClose(
                    team=name,
                    items=len(values),
                    median_days=round(percentile(values, 50), 1),
                    p90_days=round(percentile(values, 90), 1),
                )
                for name, values in sorted(closing.items())
            ],
            closed_by_due_rate=(int(due_kept or 0) / int(due_total)) if due_total else None,
        )

    # --- the digest ------------------------------------------------------------------------

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
        return self._guard(lambda: self._digest(start, end, window))

    def _digest(self, start: datetime, end: datetime, window: timedelta) -> DigestData:
        with self._read() as connection:
            counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            closed = func.sum(
                _case(and_(i.status == "done", i.closed_at >= start, i.closed_at < end))
            )
            for team_name, status, count, closed_now in connection.execute(
                select(i.team, i.status, func.count(), closed)
                .where(i.tracked.is_(True))
                .group_by(i.team, i.status)
            ):
                counts[team_name][status] += count
                counts[team_name]["closed"] += int(closed_now or 0)
            closing = _close_days_by_team(connection, [])
            overdue = [
                _overdue_item(x, end)
                for x in connection.execute(
                    _overdue_select(end).order_by(i.due_at, r.incident_id, i.position)
                )
            ]
            repeats = _repeat_incidents(connection, start, end, window)
        late: dict[str, int] = defaultdict(int)
        for item in overdue:
            late[item.team] += 1
        teams = []
        for name in sorted(counts):
            c = counts[name]
            done, open_count = c["done"], c["open"]
            teams.append(
                DigestTeamFigures(
                    team=name,
                    open=open_count,
                    overdue=late[name],
                    closed_this_period=c["closed"],
                    done=done,
                    completion_rate=done / (done + open_count) if done + open_count else None,
                    median_days_to_close=(
                        round(percentile(closing[name], 50), 1) if closing[name] else None
                    ),
                )
            )
        return DigestData(
            period_start=start, period_end=end, teams=teams, overdue=overdue, repeats=repeats
        )

    # --- learning across reviews -----------------------------------------------------------

    def repeats(self, query: RepeatQuery) -> list[Repeat]:
        """Earlier reviews of the same service, of the same team, or linked by a root cause.

        Newest first, at most ``query.limit``. Each carries its root causes and the items that
        are still open or were dropped. A review found several ways is listed once, under the
        strongest reason: linked, then service, then team.
        """
        return self._guard(lambda: self._repeats(query))

    def _repeats(self, query: RepeatQuery) -> list[Repeat]:
        since = query.resolved_at - query.window
        earlier = [
            r.incident_id != query.incident_id,
            r.resolved_at < query.resolved_at,
            r.resolved_at >= since,
        ]
        heads = select(
            r.id,
            r.incident_id,
            r.title,
            r.service_name,
            r.service_id,
            r.team,
            r.resolved_at,
            r.review_url,
        )
        order = (r.resolved_at.desc(), r.incident_id.desc())
        found: dict[int, tuple[str, Row[Any]]] = {}
        with self._read() as connection:
            searches: list[tuple[str, Select[Any]]] = []
            if query.linked:
                searches.append(
                    (
                        "linked",
                        heads.where(
                            r.incident_id.in_(query.linked), r.incident_id != query.incident_id
                        ),
                    )
                )
            key = query.service_key
            if key is not None:
                searches.append(("service", heads.where(r.service_key == key, *earlier)))
            if query.team is not None:
                same_team = heads.where(r.team == query.team, *earlier)
                if key is not None:
                    same_team = same_team.where(or_(r.service_key.is_(None), r.service_key != key))
                searches.append(("team", same_team))
            for match, statement in searches:
                for row in connection.execute(statement.order_by(*order).limit(query.limit)):
                    found.setdefault(row.id, (match, row))
            chosen = sorted(found.values(), key=lambda p: (p[1].resolved_at, p[1].incident_id))
            chosen = chosen[::-1][: query.limit]
            ids = [row.id for _, row in chosen]
            causes: dict[int, list[RootCauseView]] = defaultdict(list)
            items: dict[int, list[RepeatItem]] = defaultdict(list)
            if ids:
                for x in connection.execute(
                    select(rc.review_id, rc.cause_id, rc.category, rc.statement)
                    .where(rc.review_id.in_(ids))
                    .order_by(rc.review_id, rc.position)
                ):
                    causes[x.review_id].append(
                        RootCauseView(id=x.cause_id, category=x.category, statement=x.statement)
                    )
                for x in connection.execute(
                    select(action_items)
                    .where(i.review_id.in_(ids), i.status.in_(("open", "dropped")))
                    .order_by(i.review_id, i.position)
                ):
                    items[x.review_id].append(
                        RepeatItem(
                            id=x.item_id,
                            title=x.title,
                            owner=x.owner,
                            status=x.status,
                            due=x.due,
                            ticket_key=x.ticket_key,
                            ticket_url=x.ticket_url,
                        )
                    )
        return [
            Repeat(
                incident_id=row.incident_id,
                title=row.title,
                service=row.service_name or row.service_id,
                team=row.team,
                resolved_at=row.resolved_at,
                review_url=row.review_url,
                match=match,
                root_causes=causes[row.id],
                open_items=items[row.id],
            )
            for match, row in chosen
        ]

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

        def read() -> list[Suggestion]:
            statement = (
                select(
                    r.incident_id, r.title, r.resolved_at, rc.cause_id, rc.category, rc.statement
                )
                .join(reviews, reviews.c.id == rc.review_id)
                .where(rc.service_key == key, r.incident_id != incident_id)
                .order_by(rc.resolved_at.desc(), r.incident_id.desc(), rc.position)
                .limit(max(1, min(limit, 50)))
            )
            if category is not None:
                statement = statement.where(rc.category == category)
            with self._read() as connection:
                return [
                    Suggestion(
                        incident_id=x.incident_id,
                        title=x.title,
                        resolved_at=x.resolved_at,
                        root_cause_id=x.cause_id,
                        category=x.category,
                        statement=x.statement,
                    )
                    for x in connection.execute(statement)
                ]

        return self._guard(read)


# --- write helpers -----------------------------------------------------------------------------------


def _review_values(record: ReviewRecord, written_at: datetime) -> dict[str, Any]:
    return {
        "incident_id": record.incident_id,
        "revision": record.revision,
        "title": record.title,
        "service_id": record.service_id,
        "service_name": record.service_name,
        "service_key": record.service_key,
        "team": record.team,
        "phase": record.phase,
        "tracked": record.phase != "drafting",
        "facilitator": record.facilitator,
        "resolved_at": record.resolved_at,
        "resolved_ms": unix_ms(record.resolved_at),
        "quarter": quarter_of(record.resolved_at),
        "published_at": record.published_at,
        "follow_up_at": record.follow_up_at,
        "follow_up_recorded_at": record.follow_up_recorded_at,
        "follow_up_notes": record.follow_up_notes,
        "closed_at": record.closed_at,
        "review_url": record.review_url,
        "doc_url": record.doc_url,
        "symptom": record.symptom,
        "whys": list(record.whys),
        "items_total": len(record.items),
        "items_open": sum(1 for item in record.items if item.status == "open"),
        "written_at": written_at,
    }


def _cause_values(record: ReviewRecord, review_id: int) -> list[dict[str, Any]]:
    return [
        {
            "review_id": review_id,
            "cause_id": cause.id,
            "position": n,
            "category": cause.category,
            "statement": cause.statement,
            "same_as_incident": cause.same_as.incident_id if cause.same_as else None,
            "same_as_cause": cause.same_as.root_cause_id if cause.same_as else None,
            "service_key": record.service_key,
            "team": _team_key(record.team),
            "resolved_at": record.resolved_at,
            "quarter": quarter_of(record.resolved_at),
        }
        for n, cause in enumerate(record.root_causes)
    ]


def _item_values(record: ReviewRecord, review_id: int) -> list[dict[str, Any]]:
    tracked = record.phase != "drafting"
    rows = []
    for n, item in enumerate(record.items):
        close_days = None
        if tracked and item.status == "done" and item.closed_at and record.published_at:
            close_days = (item.closed_at - record.published_at).total_seconds() / DAY
        rows.append(
            {
                "review_id": review_id,
                "item_id": item.id,
                "position": n,
                **item.model_dump(exclude={"id"}),
                "team": _team_key(record.team),
                "service_key": record.service_key,
                "tracked": tracked,
                "resolved_at": record.resolved_at,
                "published_at": record.published_at,
                "close_days": close_days,
            }
        )
    return rows


def _search_document(record: ReviewRecord) -> str:
    return document(
        [
            record.title,
            record.service_name,
            record.symptom,
            *record.whys,
            *(c.statement for c in record.root_causes),
            *(part for item in record.items for part in (item.title, item.done_when)),
        ]
    )


def _cause_record(row: Row[Any]) -> RootCauseRecord:
    link = (
        CauseLink(incident_id=row.same_as_incident, root_cause_id=row.same_as_cause)
        if row.same_as_incident and row.same_as_cause
        else None
    )
    return RootCauseRecord(
        id=row.cause_id, category=row.category, statement=row.statement, same_as=link
    )


def _item_record(row: Row[Any]) -> ItemRecord:
    return ItemRecord(
        id=row.item_id, **{name: row._mapping[name] for name in _ITEM_COLUMNS if name != "id"}
    )


#: Record fields stored as columns of the same name.
_REVIEW_COLUMNS = [
    name
    for name in ReviewRecord.model_fields
    if name not in ("whys", "root_causes", "items", "follow_up")
]
_ITEM_COLUMNS = list(ItemRecord.model_fields)


def _chunks(ids: list[T], size: int = 500) -> Iterator[list[T]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- read helpers ------------------------------------------------------------------------------------


def _case(condition: ColumnElement[bool]) -> Any:
    return case((condition, 1), else_=0)


def _overdue(now: datetime) -> list[ColumnElement[bool]]:
    """An item is overdue when its review is tracked, it is open and its due moment has come."""
    return [i.tracked.is_(True), i.status == "open", i.due_at <= now]


def _row_select(now: datetime) -> Select[Any]:
    overdue_count = (
        select(func.count())
        .select_from(action_items)
        .where(i.review_id == r.id, *_overdue(now))
        .scalar_subquery()
    )
    return select(
        r.incident_id,
        r.title,
        r.service_name,
        r.service_id,
        r.team,
        r.phase,
        r.resolved_at,
        r.items_open,
        overdue_count.label("overdue_items"),
    )


def _row(x: Row[Any]) -> ReviewRow:
    return ReviewRow(
        incident_id=x.incident_id,
        title=x.title,
        service=x.service_name or x.service_id,
        team=x.team,
        phase=x.phase,
        resolved_at=x.resolved_at,
        open_items=x.items_open,
        overdue_items=x.overdue_items,
    )


class _Count:
    def __init__(self) -> None:
        self.count = 0
        self.closed = 0  # with a closed_at


def _status_counts(connection: Connection) -> tuple[dict[str, _Count], int]:
    """Items of tracked reviews per status (and how many have a closed_at), and how many have
    a published_at. Both read only the (tracked, status, closed_at) and (tracked, published_at)
    indexes, never the table."""
    counts = {"open": _Count(), "done": _Count(), "dropped": _Count()}
    for status, count, closed in connection.execute(
        select(i.status, func.count(), func.count(i.closed_at))
        .where(i.tracked.is_(True))
        .group_by(i.status)
    ):
        entry = counts.setdefault(status, _Count())
        entry.count, entry.closed = count, closed
    published = connection.execute(
        select(func.count()).where(i.tracked.is_(True), i.published_at.is_not(None))
    ).scalar()
    return counts, int(published or 0)


def _overdue_select(now: datetime) -> Select[Any]:
    return (
        select(
            r.incident_id,
            r.title.label("incident_title"),
            r.review_url,
            i.team,
            i.item_id,
            i.title,
            i.owner,
            i.due,
            i.due_at,
            i.ticket_key,
            i.ticket_url,
            i.escalations,
        )
        .join(reviews, reviews.c.id == i.review_id)
        .where(*_overdue(now))
    )


def _overdue_item(x: Row[Any], now: datetime) -> OverdueItem:
    return OverdueItem(
        incident_id=x.incident_id,
        incident_title=x.incident_title,
        team=x.team,
        item_id=x.item_id,
        title=x.title,
        owner=x.owner,
        due=x.due,
        due_at=x.due_at,
        days_overdue=(now - x.due_at).days,
        ticket_key=x.ticket_key,
        ticket_url=x.ticket_url,
        escalations=x.escalations,
        review_url=x.review_url,
    )


def _overdue_groups(connection: Connection, now: datetime, limit: int) -> list[TeamOverdue]:
    """Overdue items per team, then owner (largest first); the ``limit`` most overdue listed."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for team_name, owner, count in connection.execute(
        select(i.team, i.owner, func.count()).where(*_overdue(now)).group_by(i.team, i.owner)
    ):
        counts[team_name][owner] = count
    listed: dict[tuple[str, str], list[OverdueItem]] = defaultdict(list)
    if limit > 0 and counts:
        for x in connection.execute(
            _overdue_select(now).order_by(i.due_at, r.incident_id, i.position).limit(limit)
        ):
            listed[(x.team, x.owner)].append(_overdue_item(x, now))
    groups = [
        TeamOverdue(
            team=team_name,
            count=sum(owners.values()),
            owners=sorted(
                (
                    OwnerOverdue(owner=o, count=n, items=listed[(team_name, o)])
                    for o, n in owners.items()
                ),
                key=lambda g: (-g.count, g.owner),
            ),
        )
        for team_name, owners in counts.items()
    ]
    return sorted(groups, key=lambda g: (-g.count, g.team))


def _close_days_by_team(
    connection: Connection, where: Sequence[ColumnElement[bool]]
) -> dict[str, list[float]]:
    """Each team's days to close, sorted (done items of published reviews).

    Read whole and sorted here: measured faster on both databases than ranking them in SQL
    with a window function and reading back only the rows around each percentile.
    """
    days: dict[str, list[float]] = defaultdict(list)
    for team_name, value in connection.execute(
        select(i.team, i.close_days).where(*where, i.close_days.is_not(None))
    ):
        days[team_name].append(float(value))
    for values in days.values():
        values.sort()
    return days


def _indexed_median(connection: Connection) -> float | None:
    """Median of ``close_days`` over every done item, read from its index (two small reads)."""
    present = i.close_days.is_not(None)
    total = int(connection.execute(select(func.count(i.close_days)).where(present)).scalar() or 0)
    if not total:
        return None
    low, high = (total - 1) // 2, total // 2
    middle = connection.execute(
        select(i.close_days).where(present).order_by(i.close_days).offset(low).limit(high - low + 1)
    ).scalars()
    values = [float(v) for v in middle]
    return sum(values) / len(values)


def _week_points(
    connection: Connection,
    weeks: Sequence[tuple[datetime, datetime]],
    statuses: dict[str, _Count],
    published_all: int,
) -> list[WeekPoint]:
    """Cumulative completion at the end of each week, from the items of recent weeks only.

    done(end) = done items closed before ``end``; total(end) = items of reviews published
    before ``end`` less those dropped before ``end``. The all-time counts come from
    ``statuses``; only items published or settled since the first week are read, so the cost
    follows recent activity, not the size of the history.
    """
    if not weeks:
        return []
    first_begin, first_end = weeks[0]
    published_late = [
        p
        for (p,) in connection.execute(
            select(i.published_at).where(i.tracked.is_(True), i.published_at >= first_end)
        )
    ]
    settled_late = list(
        connection.execute(
            select(i.status, i.closed_at).where(
                i.tracked.is_(True),
                i.status.in_(("done", "dropped")),
                i.closed_at >= min(first_begin, first_end),
            )
        )
    )
    points = []
    for begin, end in weeks:
        published = published_all - sum(1 for p in published_late if p >= end)
        dropped = statuses["dropped"].closed - sum(
            1 for s, c in settled_late if s == "dropped" and c >= end
        )
        done = statuses["done"].closed - sum(1 for s, c in settled_late if s == "done" and c >= end)
        in_week = sum(1 for s, c in settled_late if s == "done" and begin <= c < end)
        points.append(
            WeekPoint(
                start=begin,
                end=end,
                done=done,
                total=published - dropped,
                closed_in_week=in_week,
            )
        )
    return points


def _quarters_between(present: dict[str, Any]) -> list[str]:
    """Every quarter from the first to the last present one (gaps shown as zeros)."""
    if not present:
        return []
    first, last = min(present), max(present)
    out, current = [], first
    while current <= last:
        out.append(current)
        current = _next_quarter(current)
    return out


def _repeat_select(
    start: datetime, end: datetime, team: str | None, window: timedelta
) -> Select[Any]:
    """Reviews resolved in ``[start, end)`` that repeat an earlier one, in one statement.

    A review repeats when an earlier review of the same service was resolved within ``window``
    before it (``by_service``; ``previous_ms`` is that review's resolution), or when one of its
    root causes is linked to an earlier cause. Earlier reviews count whatever their team.
    """
    # The newest resolution of the same service strictly before this one: a RANGE frame over
    # the integer milliseconds ends "1 PRECEDING", so a review resolved at the same moment is not
    # earlier. One linear pass along the (service_key, resolved_ms) index on both databases.
    previous_ms = (
        func.max(r.resolved_ms)
        .over(partition_by=r.service_key, order_by=r.resolved_ms, range_=(None, -1))
        .label("previous_ms")
    )
    timeline = (
        select(r.id, r.incident_id, r.service_key, r.team, r.resolved_at, r.quarter)
        .add_columns(r.resolved_ms, previous_ms)
        .where(r.resolved_at >= start - window, r.resolved_at < end)
        .subquery("timeline")
    )
    t = timeline.c
    window_ms = round(window.total_seconds() * 1000)
    by_service = and_(t.service_key.is_not(None), t.resolved_ms - t.previous_ms <= window_ms)
    linked = exists().where(rc.review_id == t.id, rc.same_as_incident.is_not(None))
    conditions = [t.resolved_at >= start, or_(by_service, linked)]
    if team is not None:
        conditions.append(t.team.is_(None) if team == NO_TEAM else t.team == team)
    return select(*t, _case(by_service).label("by_service")).where(*conditions)


def _repeat_incidents(
    connection: Connection, start: datetime, end: datetime, window: timedelta
) -> list[RepeatIncident]:
    """This period's repeats, newest first, each with the earlier review it repeats: the newest
    of its service, else the review of its first linked cause (a few rows read per repeat)."""
    found = list(connection.execute(_repeat_select(start, end, None, window)))
    heads = {
        x.id: x
        for chunk in _chunks([x.id for x in found])
        for x in connection.execute(
            select(r.id, r.title, r.service_name, r.service_id).where(r.id.in_(chunk))
        )
    }
    out = []
    for x in sorted(found, key=lambda x: (x.resolved_at, x.incident_id), reverse=True):
        if x.by_service:
            earlier = connection.execute(
                select(r.incident_id, r.title)
                .where(r.service_key == x.service_key, r.resolved_ms == x.previous_ms)
                .order_by(r.incident_id.desc())
                .limit(1)
            ).one()
            earlier_id, earlier_title = earlier.incident_id, earlier.title
        else:
            earlier_id = connection.execute(
                select(rc.same_as_incident)
                .where(rc.review_id == x.id, rc.same_as_incident.is_not(None))
                .order_by(rc.position)
                .limit(1)
            ).scalar_one()
            title = connection.execute(
                select(r.title).where(r.incident_id == earlier_id)
            ).scalar_one_or_none()
            earlier_title = title or earlier_id
        head = heads[x.id]
        out.append(
            RepeatIncident(
                incident_id=x.incident_id,
                title=head.title,
                service=head.service_name or head.service_id,
                team=x.team,
                resolved_at=x.resolved_at,
                earlier_incident_id=earlier_id,
                earlier_title=earlier_title,
            )
        )
    return out


__all__ = ["ReviewStore", "StoreQueryError", "decode_cursor", "encode_cursor", "quarter_of"]
