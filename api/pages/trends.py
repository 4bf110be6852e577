"""The trends page ``/trends``: what the reviews teach across incidents, from the review store.

Root-cause categories by quarter, the services with the most incidents and open items, repeat
incidents per quarter, time to close by team and the share of items closed by their due date;
each chart with its table. The same figures as ``GET /api/trends``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.pages import charts
from api.pages.common import PageRoute, page_session, render
from api.store_reads import read_trends

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/trends")
async def trends_page(
    request: Request,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
    team: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    session = page_session(request)
    found = await read_trends(request, start, end, team or None)
    return render(
        request,
        "trends.html",
        {
            "t": found,
            "team": team or "",
            "categories_svg": charts.categories_chart(found.root_cause_categories),
            "repeats_svg": charts.repeats_chart(found.repeats),
        },
        session=session,
    )
