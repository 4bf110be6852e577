"""Reads of many reviews, answered by the review store: the list with search, trends, suggestions.

One review's page and ``GET /api/reviews/{id}`` still read its workflow (the authority); lists and
figures over every review read the store, so their cost does not grow with the number of reviews.
Store calls are blocking SQLAlchemy calls and run in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from api.errors import ERROR_RESPONSES, ApiError
from api.identity.guard import authorize_any, require_caller
from connectors.errors import ConnectorError
from connectors.store import ReviewFilter, ReviewStore, StoreQueryError
from connectors.store.records import (
    Category,
    Dashboard,
    Phase,
    ReviewPage,
    Suggestion,
    Trends,
)
from workflows.codes import Code

__all__ = [
    "TRENDS_SPAN",
    "dashboard_figures",
    "read_trends",
    "router",
    "store_call",
    "store_of",
]

T = TypeVar("T")
#: ``GET /api/trends`` without ``from``: the year before ``to``.
TRENDS_SPAN = timedelta(days=365)

router = APIRouter(
    prefix="/api",
    tags=["store"],
    dependencies=[Depends(require_caller)],
    responses=ERROR_RESPONSES,
)


def store_of(request: Request) -> ReviewStore:
    """This process's review store (``app.state.store``), or 503 when it has none."""
    store: ReviewStore | None = getattr(request.app.state, "store", None)
    if store is None:
        raise store_unavailable("this API process has no review store")
    return store


def store_unavailable(detail: str) -> ApiError:
    return ApiError(
        503,
        Code.STORE_DOWN,
        f"The review store cannot answer ({detail}); nothing was changed.",
        hint="Retry shortly; one review's page still answers from its workflow.",
        headers={"Retry-After": "5"},
    )


async def store_call(call: Callable[[], T]) -> T:
    """Run one store read off the event loop, mapping its failures to API errors."""
    try:
        return await run_in_threadpool(call)
    except StoreQueryError as exc:
        code = Code.CURSOR_INVALID if exc.field == "cursor" else Code.QUERY_INVALID
        raise ApiError(
            422, code, exc.message, field=exc.field, hint="Fix this parameter and ask again."
        ) from exc
    except ConnectorError as exc:
        raise store_unavailable(exc.kind.value) from exc


async def dashboard_figures(
    request: Request, now: datetime, weeks: list[tuple[datetime, datetime]], *, newest: int
) -> Dashboard:
    """The dashboard's figures over every review (for the dashboard page); ``newest`` reviews
    of each phase are listed."""
    store = store_of(request)
    return await store_call(lambda: store.dashboard(now, weeks, newest=newest))


@router.get("/reviews")
async def list_reviews(
    request: Request,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Words over titles, five whys, causes and items."),
    ] = None,
    phase: Annotated[Phase | None, Query(description="Only reviews in this phase.")] = None,
    team: Annotated[str | None, Query(max_length=500, description="Only this team's.")] = None,
    service: Annotated[
        str | None, Query(max_length=500, description="PagerDuty service id or name.")
    ] = None,
    owner: Annotated[
        str | None, Query(max_length=500, description="Reviews with an item of this owner.")
    ] = None,
    overdue: Annotated[bool, Query(description="Only reviews with an overdue item.")] = False,
    limit: Annotated[int, Query(ge=1, le=500, description="Reviews per page.")] = 50,
    cursor: Annotated[
        str | None, Query(max_length=1000, description="next_cursor of the previous page.")
    ] = None,
) -> ReviewPage:
    """Reviews from the store, newest resolution first, filtered and searched, a page at a time.
    Anyone signed in in full; a browser that only opened emailed links sees its reviews, not the
    list."""
    authorize_any(request)
    store = store_of(request)
    filters = ReviewFilter(
        q=q,
        phase=phase,
        team=team,
        service=service,
        owner=owner,
        overdue=overdue,
        limit=limit,
        cursor=cursor,
    )
    now = datetime.now(UTC)
    return await store_call(lambda: store.list_reviews(filters, now))


@router.get("/trends")
async def trends(
    request: Request,
    start: Annotated[
        datetime | None,
        Query(alias="from", description="Reviews resolved from (ISO 8601); default a year back."),
    ] = None,
    end: Annotated[
        datetime | None, Query(alias="to", description="Resolved before (ISO 8601); default now.")
    ] = None,
    team: Annotated[str | None, Query(max_length=500, description="Only this team's.")] = None,
) -> Trends:
    """Learning across reviews: causes by quarter, services, repeats, time to close."""
    authorize_any(request)
    return await read_trends(request, start, end, team)


async def read_trends(
    request: Request, start: datetime | None, end: datetime | None, team: str | None
) -> Trends:
    """Trends over reviews resolved in ``[start, end)`` (default: the year before now)."""
    store = store_of(request)
    now = datetime.now(UTC)
    until = _aware(end, "to") if end is not None else now
    since = _aware(start, "from") if start is not None else until - TRENDS_SPAN
    if since >= until:
        raise ApiError(
            422,
            Code.QUERY_INVALID,
            "from must be before to.",
            field="from",
            hint="Give an earlier from, or leave it out for the year before to.",
        )
    window = request.app.state.policy.recurrence.window
    return await store_call(lambda: store.trends(since, until, now, team=team, window=window))


@router.get("/reviews/{incident_id}/suggestions")
async def suggestions(
    request: Request,
    incident_id: str,
    category: Annotated[Category | None, Query(description="Only causes of this kind.")] = None,
) -> list[Suggestion]:
    """Earlier root causes of the same service (and category), to link as "the same cause"."""
    authorize_any(request)
    store = store_of(request)
    record = await store_call(lambda: store.get(incident_id))
    if record is None:
        return []  # not in the store yet: nothing to compare with
    return await store_call(
        lambda: store.suggestions(
            incident_id=incident_id,
            service_id=record.service_id,
            service_name=record.service_name,
            category=category,
        )
    )


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ApiError(
            422,
            Code.QUERY_INVALID,
            f"{name} has no UTC offset.",
            field=name,
            hint="Write it like 2026-10-01T00:00:00Z.",
        )
    return value
