"""The review list: filters, full-text search and cursor paging, newest resolution first.

A cursor is the last row's ``(resolved_at, incident_id)``, base64 JSON; the next page starts
strictly after it, so paging never repeats nor skips a review while others are written.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, exists, func, or_, select

from connectors.store.common import StoreQueryError, i, overdue, r, team_filter
from connectors.store.records import ReviewFilter, ReviewPage, ReviewRow
from connectors.store.schema import action_items
from connectors.store.search import Search, SearchQueryError, query_words

__all__ = ["decode_cursor", "encode_cursor", "list_page", "review_row", "row_select"]


def encode_cursor(resolved_at: datetime, incident_id: str) -> str:
    """The cursor of the page that starts after this row."""
    raw = json.dumps([resolved_at.astimezone(UTC).isoformat(), incident_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The row a cursor points after; :class:`StoreQueryError` on ``cursor`` when not ours."""
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


def row_select(now: datetime) -> Select[Any]:
    """A list row's columns, with its overdue items counted as of ``now``."""
    overdue_count = (
        select(func.count())
        .select_from(action_items)
        .where(i.review_id == r.id, *overdue(now))
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
        r.follow_up_at,
        r.publish_blockers,
        overdue_count.label("overdue_items"),
    )


def review_row(x: Row[Any]) -> ReviewRow:
    """A row of :func:`row_select` as the list's shape."""
    return ReviewRow(
        incident_id=x.incident_id,
        title=x.title,
        service=x.service_name or x.service_id,
        team=x.team,
        phase=x.phase,
        resolved_at=x.resolved_at,
        open_items=x.items_open,
        overdue_items=x.overdue_items,
        follow_up_at=x.follow_up_at,
        publish_blockers=x.publish_blockers,
    )


def list_page(
    connection: Connection, search: Search, filters: ReviewFilter, now: datetime
) -> ReviewPage:
    """Reviews matching every filter, newest resolution first, one page at a time."""
    statement = row_select(now)
    if filters.phase is not None:
        statement = statement.where(r.phase == filters.phase)
    if filters.team is not None:
        statement = statement.where(team_filter(r.team, filters.team))
    if filters.service is not None:
        statement = statement.where(
            or_(r.service_key == filters.service, r.service_name == filters.service)
        )
    if filters.owner is not None or filters.overdue:
        conditions = [i.review_id == r.id]
        if filters.owner is not None:
            conditions.append(i.owner == filters.owner)
        if filters.overdue:
            conditions += overdue(now)
        statement = statement.where(exists().where(*conditions))
    if filters.q is not None:
        try:
            found = query_words(filters.q)
        except SearchQueryError as exc:
            raise StoreQueryError("q", str(exc)) from exc
        statement = statement.where(r.id.in_(search.matching(found)))
    if filters.cursor is not None:
        after, incident_id = decode_cursor(filters.cursor)
        statement = statement.where(
            or_(r.resolved_at < after, and_(r.resolved_at == after, r.incident_id < incident_id))
        )
    statement = statement.order_by(r.resolved_at.desc(), r.incident_id.desc()).limit(
        filters.limit + 1
    )
    rows = [review_row(x) for x in connection.execute(statement)]
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    cursor = encode_cursor(rows[-1].resolved_at, rows[-1].incident_id) if more else None
    return ReviewPage(reviews=rows, next_cursor=cursor)
