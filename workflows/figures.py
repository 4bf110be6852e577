"""Digest figures: pure arithmetic over reviews' action items (no I/O, deterministic)."""

from __future__ import annotations

from datetime import datetime
from statistics import median

from workflows.calls import item_line
from workflows.messages import Digest, DigestTeam, ItemLine
from workflows.review import ItemStatus, parse_due
from workflows.steps import ReviewRow

__all__ = ["NO_TEAM", "build_digest"]

NO_TEAM = "No team"


def build_digest(
    rows: list[ReviewRow], period_start: datetime, period_end: datetime, tz: str = "UTC"
) -> Digest:
    """Per team: open, overdue and closed-this-period items, completion rate, median days to close.

    Completion rate is done / (done + open); dropped items count in neither. Oldest overdue first.
    """
    by_team: dict[str, list[ReviewRow]] = {}
    for row in rows:
        by_team.setdefault(row.team or NO_TEAM, []).append(row)
    teams: list[DigestTeam] = []
    for name in sorted(by_team):
        open_count = overdue = closed = done = 0
        days_to_close: list[float] = []
        overdue_lines: list[tuple[datetime, ItemLine]] = []
        for row in by_team[name]:
            for item in row.action_items:
                if item.status == ItemStatus.OPEN:
                    open_count += 1
                    due = parse_due(item.due, tz)
                    if due <= period_end:
                        overdue += 1
                        overdue_lines.append(
                            (
                                due,
                                item_line(item, None, period_end, tz, incident_id=row.incident_id),
                            )
                        )
                elif item.status == ItemStatus.DONE:
                    done += 1
                    if item.closed_at and period_start <= item.closed_at <= period_end:
                        closed += 1
                    if item.closed_at and row.published_at:
                        days_to_close.append(
                            (item.closed_at - row.published_at).total_seconds() / 86400
                        )
        rate = done / (done + open_count) if done + open_count else 1.0
        teams.append(
            DigestTeam(
                name=name,
                open=open_count,
                overdue=overdue,
                closed_this_week=closed,
                completion_rate=round(rate, 3),
                median_days_to_close=round(median(days_to_close), 1) if days_to_close else None,
                oldest_overdue=[line for _, line in sorted(overdue_lines, key=lambda p: p[0])][:10],
            )
        )
    return Digest(period_start=period_start, period_end=period_end, teams=teams)
