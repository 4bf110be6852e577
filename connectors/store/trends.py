"""Trends: learning across the reviews resolved in a period, optionally of one team.

Root-cause categories by quarter, the services with the most incidents and open items, repeat
incidents per quarter, days to close per team (median and 90th percentile), and the share of items
done by their due date. Each figure reads an index rather than the tables (migration 0002):

- the on-time share adds up per-review counts written with the review (``items_done``,
  ``items_on_time``) and counts only the open items whose due date has come;
- the percentiles of days to close are read from the ``(team, close_days, ...)`` index at their
  ranks (a count, then two short reads per team), never by reading every done item;
- repeats walk each service's timeline along its covering index.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from connectors.store.common import i, next_quarter, r, rc, team_filter, unix_ms
from connectors.store.records import (
    CATEGORIES,
    CategoryQuarter,
    QuarterCount,
    ServiceTrend,
    TeamTimeToClose,
    Trends,
)
from connectors.store.repeats import repeat_select

__all__ = ["TOP_SERVICES", "close_days_by_team", "quarters_between", "trends_figures"]

#: Services listed by the trends: the top this many by incidents, and by open items.
TOP_SERVICES = 10


def trends_figures(
    connection: Connection,
    start: datetime,
    end: datetime,
    now: datetime,
    team: str | None,
    window: timedelta,
) -> Trends:
    """See :meth:`connectors.store.ReviewStore.trends`."""
    in_range_rc = [rc.resolved_at >= start, rc.resolved_at < end]
    in_range_r = [r.resolved_at >= start, r.resolved_at < end]
    in_range_i = [i.resolved_at >= start, i.resolved_at < end, i.tracked.is_(True)]
    if team is not None:
        in_range_rc.append(team_filter(rc.team, team))
        in_range_r.append(team_filter(r.team, team))
        in_range_i.append(team_filter(i.team, team))
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
            .where(*in_range_r, r.service_key.is_not(None), *_in_ms(start, end))
            .group_by(r.service_key)
        )
    ]
    repeat = repeat_select(start, end, team, window, detail=False).subquery()
    counted = select(repeat.c.quarter, func.count()).group_by(repeat.c.quarter)
    repeats_by_quarter = {str(q): int(n) for q, n in connection.execute(counted)}
    closing = close_days_by_team(connection, in_range_i)
    done, kept = connection.execute(
        select(
            func.coalesce(func.sum(r.items_done), 0), func.coalesce(func.sum(r.items_on_time), 0)
        ).where(*in_range_r)
    ).one()
    # Items whose due date has come count too, done or not (dropped ones never count).
    due_open = connection.execute(
        select(func.count()).where(i.status == "open", i.due_at <= now, *in_range_i)
    ).scalar()
    due_total = int(done) + int(due_open or 0)
    top = {
        s.service
        for key in (lambda s: (-s.incidents, s.service), lambda s: (-s.open_items, s.service))
        for s in sorted(services, key=key)[:TOP_SERVICES]
    }
    return Trends(
        root_cause_categories=[
            CategoryQuarter(quarter=q, counts=per_quarter.get(q, dict.fromkeys(CATEGORIES, 0)))
            for q in quarters_between(per_quarter)
        ],
        services=sorted(
            (s for s in services if s.service in top),
            key=lambda s: (-s.incidents, -s.open_items, s.service),
        ),
        repeats=[
            QuarterCount(quarter=q, count=repeats_by_quarter.get(q, 0))
            for q in quarters_between(repeats_by_quarter)
        ],
        time_to_close=[
            TeamTimeToClose(
                team=name,
                items=count,
                median_days=round(median, 1),
                p90_days=round(p90, 1),
            )
            for name, (count, (median, p90)) in sorted(closing.items())
        ],
        closed_by_due_rate=int(kept) / due_total if due_total else None,
    )


def _in_ms(start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    """The period in milliseconds, 1 ms wider than its exact bounds (given beside it): lets the
    planner walk the services' timeline index, which covers the query, in its order."""
    return [r.resolved_ms >= unix_ms(start) - 1, r.resolved_ms <= unix_ms(end) + 1]


def close_days_by_team(
    connection: Connection, where: Sequence[ColumnElement[bool]], ps: Sequence[int] = (50, 90)
) -> dict[str, tuple[int, list[float]]]:
    """Each team's done items of published reviews: how many, and the ``ps`` percentiles of
    their days to close (linearly interpolated, as :func:`connectors.store.common.percentile`).

    The two values around each percentile's rank are read from the ``(team, close_days, ...)``
    index with an offset, so only two values per percentile leave the database, not every item.
    """
    measured = [*where, i.close_days.is_not(None)]
    counts = {
        str(name): int(n)
        for name, n in connection.execute(
            select(i.team, func.count()).where(*measured).group_by(i.team)
        )
    }
    out: dict[str, tuple[int, list[float]]] = {}
    for name, total in counts.items():
        ordered = select(i.close_days).where(*measured, i.team == name).order_by(i.close_days)
        figures = []
        for p in ps:
            k = (total - 1) * p / 100.0
            rank = int(k)
            pair = [float(v) for v in connection.execute(ordered.offset(rank).limit(2)).scalars()]
            high = pair[1] if len(pair) > 1 else pair[0]
            figures.append(pair[0] + (high - pair[0]) * (k - rank))
        out[name] = (total, figures)
    return out


def quarters_between(present: dict[str, Any]) -> list[str]:
    """Every quarter from the first to the last present one (gaps shown as zeros)."""
    if not present:
        return []
    first, last = min(present), max(present)
    out, current = [], first
    while current <= last:
        out.append(current)
        current = next_quarter(current)
    return out
