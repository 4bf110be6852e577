"""The dashboard ``/``: reviews by phase, overdue items by team and owner, completion by week."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.pages import charts, figures
from api.pages.common import PageRoute, page_session, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/")
async def dashboard(request: Request) -> Response:
    session = page_session(request)
    tz = request.app.state.policy.timezone
    loaded = await figures.load_statuses(request.app.state.client)
    now = datetime.now(UTC)
    statuses = loaded.statuses
    overdue = figures.overdue_by_team(statuses, now, tz)
    weeks = figures.completion_by_week(statuses, now, tz)
    return render(
        request,
        "dashboard.html",
        {
            "loaded": loaded,
            "limit": figures.MAX_DASHBOARD_REVIEWS,
            "by_phase": figures.review_rows(statuses, now, tz),
            "overdue": overdue,
            "weeks": weeks,
            "totals": figures.totals(statuses, now, tz),
            "completion_svg": charts.completion_chart(weeks),
            "overdue_svg": charts.overdue_chart(overdue),
        },
        session=session,
    )
