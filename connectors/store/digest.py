"""The weekly digest's figures over every review, as of the period's end.

Per team: open, overdue, closed this period, done, completion rate and median days to close;
every open item past due (oldest due first, no cap); and the repeat incidents of the period.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, func, select

from connectors.store.common import i, one_if, r
from connectors.store.dashboard import overdue_item, overdue_select
from connectors.store.records import DigestData, DigestTeamFigures
from connectors.store.repeats import repeat_incidents
from connectors.store.trends import close_days_by_team

__all__ = ["digest_figures"]


def digest_figures(
    connection: Connection, start: datetime, end: datetime, window: timedelta
) -> DigestData:
    """See :meth:`connectors.store.ReviewStore.digest`."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    closed = func.sum(one_if(and_(i.status == "done", i.closed_at >= start, i.closed_at < end)))
    for team_name, status, count, closed_now in connection.execute(
        select(i.team, i.status, func.count(), closed)
        .where(i.tracked.is_(True))
        .group_by(i.team, i.status)
    ):
        counts[team_name][status] += count
        counts[team_name]["closed"] += int(closed_now or 0)
    closing = close_days_by_team(connection, [], ps=(50,))
    overdue = [
        overdue_item(x, end)
        for x in connection.execute(
            overdue_select(end).order_by(i.due_at, r.incident_id, i.position)
        )
    ]
    repeats = repeat_incidents(connection, start, end, window)
    late: dict[str, int] = defaultdict(int)
    for item in overdue:
        late[item.team] += 1
    teams = []
    for name in sorted(counts):
        c = counts[name]
        done, open_count = c["done"], c["open"]
        median = closing[name][1][0] if name in closing else None
        teams.append(
            DigestTeamFigures(
                team=name,
                open=open_count,
                overdue=late[name],
                closed_this_period=c["closed"],
                done=done,
                completion_rate=done / (done + open_count) if done + open_count else None,
                median_days_to_close=round(median, 1) if median is not None else None,
            )
        )
    return DigestData(
        period_start=start, period_end=end, teams=teams, overdue=overdue, repeats=repeats
    )
