"""The dashboard ``/``: reviews by phase, overdue items by team and owner, completion by week.

Every figure is over every review, read from the review store in a handful of indexed queries, so
the page costs the same at 1,000 reviews as at 10,000 (``benchmarks/store.py``); the newest
reviews of each phase are listed. One review's own page still reads its workflow.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.pages import charts, figures
from api.pages.common import PageRoute, page_session, render
from api.store_reads import dashboard_figures
from connectors.store.records import Dashboard

__all__ = ["NEWEST_PER_PHASE", "router", "week_bounds"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)
#: Reviews listed in each phase's column (every review is counted).
NEWEST_PER_PHASE = 10


def week_bounds(now: datetime, tz: str, weeks: int = figures.WEEKS_SHOWN) -> list[date]:
    """The Mondays (in ``tz``) starting the last ``weeks`` weeks, oldest first."""
    today = now.astimezone(ZoneInfo(tz)).date()
    this_week = today - timedelta(days=today.weekday())
    return [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def _groups(found: Dashboard) -> list[figures.TeamGroup]:
    return [
        figures.TeamGroup(
            team=team.team,
            owners=[
                figures.OwnerGroup(
                    owner=owner.owner,
                    items=[
                        figures.OverdueItem(
                            incident_id=i.incident_id,
                            incident_title=i.incident_title,
                            item_id=i.item_id,
                            title=i.title,
                            due=i.due,
                            days_overdue=i.days_overdue,
                            ticket_key=i.ticket_key,
                            ticket_url=i.ticket_url,
                            escalations=i.escalations,
                        )
                        for i in owner.items
                    ],
                )
                for owner in team.owners
            ],
        )
        for team in found.overdue_by_team
    ]


@router.get("/")
async def dashboard(request: Request) -> Response:
    session = page_session(request)
    zone = ZoneInfo(request.app.state.policy.timezone)
    now = datetime.now(UTC)
    starts = week_bounds(now, request.app.state.policy.timezone)
    bounds = [
        (
            datetime.combine(start, time(0, 0), tzinfo=zone),
            datetime.combine(start + timedelta(days=7), time(0, 0), tzinfo=zone),
        )
        for start in starts
    ]
    found = await dashboard_figures(request, now, bounds, newest=NEWEST_PER_PHASE)
    weeks = [
        figures.WeekPoint(start=start, done=p.done, total=p.total, closed_in_week=p.closed_in_week)
        for start, p in zip(starts, found.weeks, strict=True)
    ]
    overdue = _groups(found)
    return render(
        request,
        "dashboard.html",
        {
            "phase_counts": found.by_phase,
            "by_phase": found.newest,
            "overdue": overdue,
            "weeks": weeks,
            "totals": figures.Totals(
                reviews=found.reviews,
                open=found.open,
                overdue=found.overdue,
                done=found.done,
                dropped=found.dropped,
                completion_rate=found.completion_rate,
                median_days_to_close=found.median_days_to_close,
            ),
            "completion_svg": charts.completion_chart(weeks),
            "overdue_svg": charts.overdue_chart(overdue),
        },
        session=session,
    )
