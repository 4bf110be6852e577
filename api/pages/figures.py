"""The dashboard's figures: reviews by phase, overdue items by team and owner, completion by week.

Reviews live in their workflows, so the dashboard lists them with Temporal visibility and reads
each one with the ``status`` query (at most :data:`MAX_DASHBOARD_REVIEWS`, a bounded number of
queries in flight). The arithmetic is pure; the charts are in :mod:`api.pages.charts`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from temporalio.client import Client
from temporalio.service import RPCError

from api.errors import from_rpc
from workflows.contracts import ReviewStatus
from workflows.postmortem import PostmortemWorkflow
from workflows.review import ActionItem, ItemStatus, Phase, parse_due

__all__ = [
    "MAX_DASHBOARD_REVIEWS",
    "NO_TEAM",
    "QUERIES_IN_FLIGHT",
    "QUERY_TIMEOUT_SECONDS",
    "WEEKS_SHOWN",
    "Loaded",
    "OverdueItem",
    "OwnerGroup",
    "ReviewRow",
    "TeamGroup",
    "Totals",
    "WeekPoint",
    "completion_by_week",
    "load_statuses",
    "overdue_by_team",
    "review_rows",
    "totals",
]

MAX_DASHBOARD_REVIEWS = 200
QUERIES_IN_FLIGHT = 16
QUERY_TIMEOUT_SECONDS = 5.0
WEEKS_SHOWN = 8
NO_TEAM = "No team"


@dataclass
class Loaded:
    """What the dashboard could read: each review's status, and how many did not answer."""

    statuses: list[ReviewStatus]
    unreadable: int = 0


async def load_statuses(client: Client, limit: int = MAX_DASHBOARD_REVIEWS) -> Loaded:
    """List reviews with visibility (newest first) and query each one's ``status``."""
    ids: list[str] = []
    try:
        async for info in client.list_workflows("WorkflowType = 'PostmortemWorkflow'", limit=limit):
            if info.id not in ids:
                ids.append(info.id)
    except RPCError as exc:
        raise from_rpc(exc) from exc
    gate = asyncio.Semaphore(QUERIES_IN_FLIGHT)

    async def one(workflow_id: str) -> ReviewStatus:
        async with gate:
            handle = client.get_workflow_handle(workflow_id)
            status: ReviewStatus = await asyncio.wait_for(
                handle.query(PostmortemWorkflow.status), QUERY_TIMEOUT_SECONDS
            )
            return status

    results = await asyncio.gather(*(one(i) for i in ids), return_exceptions=True)
    statuses = [r for r in results if isinstance(r, ReviewStatus)]
    return Loaded(statuses=statuses, unreadable=len(results) - len(statuses))


# --- pure figures --------------------------------------------------------------------------------


@dataclass
class ReviewRow:
    incident_id: str
    title: str
    service: str | None
    team: str
    phase: str
    resolved_at: datetime
    published_at: datetime | None
    follow_up_at: datetime | None
    items_total: int
    items_done: int
    items_open: int
    overdue: int
    blockers: int


@dataclass
class OverdueItem:
    incident_id: str
    incident_title: str
    item_id: str
    title: str
    due: str
    days_overdue: int
    ticket_key: str | None
    ticket_url: str | None
    escalations: int


@dataclass
class OwnerGroup:
    owner: str
    items: list[OverdueItem] = field(default_factory=list)


@dataclass
class TeamGroup:
    team: str
    owners: list[OwnerGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(o.items) for o in self.owners)


@dataclass
class WeekPoint:
    start: date
    done: int
    total: int
    closed_in_week: int

    @property
    def rate(self) -> float | None:
        return self.done / self.total if self.total else None

    @property
    def label(self) -> str:
        return self.start.strftime("%d %b")


@dataclass
class Totals:
    reviews: int
    open: int
    overdue: int
    done: int
    dropped: int
    completion_rate: float | None
    median_days_to_close: float | None


def _due(item: ActionItem, tz: str) -> datetime | None:
    try:
        return parse_due(item.due, tz)
    except ValueError:
        return None


def _tracked(status: ReviewStatus) -> bool:
    return status.state.phase != Phase.DRAFTING


def _is_overdue(item: ActionItem, now: datetime, tz: str) -> bool:
    due = _due(item, tz)
    return item.status == ItemStatus.OPEN and due is not None and due <= now


def review_rows(statuses: list[ReviewStatus], now: datetime, tz: str) -> dict[str, list[ReviewRow]]:
    """Reviews grouped by phase (every phase present, possibly empty), newest resolution first."""
    grouped: dict[str, list[ReviewRow]] = {p.value: [] for p in Phase}
    for status in statuses:
        state = status.state
        items = state.action_items
        grouped[state.phase.value].append(
            ReviewRow(
                incident_id=state.incident.id,
                title=state.incident.title,
                service=state.incident.service_name or state.incident.service_id,
                team=state.team or NO_TEAM,
                phase=state.phase.value,
                resolved_at=state.incident.resolved_at,
                published_at=state.published_at,
                follow_up_at=state.follow_up_at,
                items_total=len(items),
                items_done=sum(1 for i in items if i.status == ItemStatus.DONE),
                items_open=sum(1 for i in items if i.status == ItemStatus.OPEN),
                overdue=sum(1 for i in items if _tracked(status) and _is_overdue(i, now, tz)),
                blockers=len(status.publish_blockers),
            )
        )
    for rows in grouped.values():
        rows.sort(key=lambda r: r.resolved_at, reverse=True)
    return grouped


def overdue_by_team(statuses: list[ReviewStatus], now: datetime, tz: str) -> list[TeamGroup]:
    """Open, tracked items past their due date: per team, then per owner, most overdue first."""
    teams: dict[str, dict[str, list[OverdueItem]]] = {}
    for status in statuses:
        if not _tracked(status):
            continue
        state = status.state
        for item in state.action_items:
            if not _is_overdue(item, now, tz):
                continue
            due = _due(item, tz)
            assert due is not None
            teams.setdefault(state.team or NO_TEAM, {}).setdefault(item.owner, []).append(
                OverdueItem(
                    incident_id=state.incident.id,
                    incident_title=state.incident.title,
                    item_id=item.id,
                    title=item.title,
                    due=item.due,
                    days_overdue=(now - due).days,
                    ticket_key=item.ticket.key if item.ticket else None,
                    ticket_url=item.ticket.url if item.ticket else None,
                    escalations=item.escalations,
                )
            )
    out: list[TeamGroup] = []
    for team, owners in teams.items():
        group = TeamGroup(team=team)
        for owner, items in owners.items():
            items.sort(key=lambda i: i.days_overdue, reverse=True)
            group.owners.append(OwnerGroup(owner=owner, items=items))
        group.owners.sort(key=lambda o: (-len(o.items), o.owner))
        out.append(group)
    out.sort(key=lambda t: (-t.count, t.team))
    return out


def _week_start(moment: datetime, zone: ZoneInfo) -> date:
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def completion_by_week(
    statuses: list[ReviewStatus], now: datetime, tz: str, weeks: int = WEEKS_SHOWN
) -> list[WeekPoint]:
    """Cumulative completion rate at the end of each of the last ``weeks`` weeks (Mondays, ``tz``).

    At the end of a week: done = items closed as done by then; total = items of reviews published
    by then, less those dropped by then. Rate = done / total (None before anything was published),
    the digest's definition over time. ``closed_in_week`` counts items done during that week.
    """
    zone = ZoneInfo(tz)
    this_week = _week_start(now, zone)
    starts = [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    points: list[WeekPoint] = []
    for start in starts:
        end = datetime.combine(start + timedelta(days=7), time(0, 0), tzinfo=zone)
        begin = datetime.combine(start, time(0, 0), tzinfo=zone)
        done = total = closed = 0
        for status in statuses:
            published = status.state.published_at
            if published is None or published >= end:
                continue
            for item in status.state.action_items:
                settled = item.closed_at is not None and item.closed_at < end
                if item.status == ItemStatus.DROPPED and settled:
                    continue
                total += 1
                if item.status == ItemStatus.DONE and settled:
                    done += 1
                    assert item.closed_at is not None
                    if item.closed_at >= begin:
                        closed += 1
        points.append(WeekPoint(start=start, done=done, total=total, closed_in_week=closed))
    return points


def totals(statuses: list[ReviewStatus], now: datetime, tz: str) -> Totals:
    open_count = overdue = done = dropped = 0
    days: list[float] = []
    for status in statuses:
        state = status.state
        if not _tracked(status):
            continue
        for item in state.action_items:
            if item.status == ItemStatus.OPEN:
                open_count += 1
                overdue += _is_overdue(item, now, tz)
            elif item.status == ItemStatus.DONE:
                done += 1
                if item.closed_at and state.published_at:
                    days.append((item.closed_at - state.published_at).total_seconds() / 86400)
            else:
                dropped += 1
    return Totals(
        reviews=len(statuses),
        open=open_count,
        overdue=overdue,
        done=done,
        dropped=dropped,
        completion_rate=done / (done + open_count) if done + open_count else None,
        median_days_to_close=round(median(days), 1) if days else None,
    )
