"""The dashboard's figures over every review: counts, completion, time to close, what is overdue.

Every figure reads an index, not the tables: counts per status, the median walks the
``close_days`` index, and the weekly completion reads only the items of recent weeks, so the
dashboard's cost stays flat as the history grows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, func, select

from connectors.store.common import i, overdue, r
from connectors.store.lists import review_row, row_select
from connectors.store.records import (
    PHASES,
    Dashboard,
    OverdueItem,
    OwnerOverdue,
    TeamOverdue,
    WeekPoint,
)
from connectors.store.schema import reviews

__all__ = ["dashboard_figures", "overdue_item", "overdue_select"]


def dashboard_figures(
    connection: Connection,
    now: datetime,
    weeks: Sequence[tuple[datetime, datetime]],
    newest: int,
    overdue_limit: int,
) -> Dashboard:
    """See :meth:`connectors.store.ReviewStore.dashboard`."""
    by_phase = dict.fromkeys(PHASES, 0)
    for phase, count in connection.execute(select(r.phase, func.count()).group_by(r.phase)):
        by_phase[phase] = count
    newest_rows = {
        p: [
            review_row(x)
            for x in connection.execute(
                row_select(now)
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


def overdue_select(now: datetime) -> Select[Any]:
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
        .where(*overdue(now))
    )


def overdue_item(x: Row[Any], now: datetime) -> OverdueItem:
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
        select(i.team, i.owner, func.count()).where(*overdue(now)).group_by(i.team, i.owner)
    ):
        counts[team_name][owner] = count
    listed: dict[tuple[str, str], list[OverdueItem]] = defaultdict(list)
    if limit > 0 and counts:
        for x in connection.execute(
            overdue_select(now).order_by(i.due_at, r.incident_id, i.position).limit(limit)
        ):
            listed[(x.team, x.owner)].append(overdue_item(x, now))
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
