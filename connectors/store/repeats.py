"""Learning across reviews: the earlier reviews a review repeats, root causes to link to, and the
repeat incidents of a period.

A review repeats an earlier one when an earlier review of the same service was resolved within
the policy's recurrence window before it, or when one of its root causes is linked ("the same
cause as") to an earlier cause.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, func, or_, select

from connectors.store.common import chunks, i, one_if, r, rc, unix_ms
from connectors.store.records import (
    NO_TEAM,
    Repeat,
    RepeatIncident,
    RepeatItem,
    RepeatQuery,
    RootCauseView,
    Suggestion,
)
from connectors.store.schema import action_items, reviews

__all__ = ["find_repeats", "find_suggestions", "repeat_incidents", "repeat_select"]


def find_repeats(connection: Connection, query: RepeatQuery) -> list[Repeat]:
    """See :meth:`connectors.store.ReviewStore.repeats`."""
    since = query.resolved_at - query.window
    earlier = [
        r.incident_id != query.incident_id,
        r.resolved_at < query.resolved_at,
        r.resolved_at >= since,
    ]
    heads = select(
        r.id,
        r.incident_id,
        r.title,
        r.service_name,
        r.service_id,
        r.team,
        r.resolved_at,
        r.review_url,
    )
    order = (r.resolved_at.desc(), r.incident_id.desc())
    found: dict[int, tuple[str, Row[Any]]] = {}
    searches: list[tuple[str, Select[Any]]] = []
    if query.linked:
        searches.append(
            (
                "linked",
                heads.where(r.incident_id.in_(query.linked), r.incident_id != query.incident_id),
            )
        )
    key = query.service_key
    if key is not None:
        searches.append(("service", heads.where(r.service_key == key, *earlier)))
    if query.team is not None:
        same_team = heads.where(r.team == query.team, *earlier)
        if key is not None:
            same_team = same_team.where(or_(r.service_key.is_(None), r.service_key != key))
        searches.append(("team", same_team))
    for match, statement in searches:
        for row in connection.execute(statement.order_by(*order).limit(query.limit)):
            found.setdefault(row.id, (match, row))
    newest = sorted(found.values(), key=lambda p: (p[1].resolved_at, p[1].incident_id))[::-1]
    # A review its root causes link to is always listed; the limit cuts the others.
    kept = {p[1].id for p in [p for p in newest if p[0] != "linked"][: query.limit]}
    chosen = [p for p in newest if p[0] == "linked" or p[1].id in kept]
    ids = [row.id for _, row in chosen]
    causes: dict[int, list[RootCauseView]] = defaultdict(list)
    items: dict[int, list[RepeatItem]] = defaultdict(list)
    if ids:
        for x in connection.execute(
            select(rc.review_id, rc.cause_id, rc.category, rc.statement)
            .where(rc.review_id.in_(ids))
            .order_by(rc.review_id, rc.position)
        ):
            causes[x.review_id].append(
                RootCauseView(id=x.cause_id, category=x.category, statement=x.statement)
            )
        for x in connection.execute(
            select(action_items)
            .where(i.review_id.in_(ids), i.status.in_(("open", "dropped")))
            .order_by(i.review_id, i.position)
        ):
            items[x.review_id].append(
                RepeatItem(
                    id=x.item_id,
                    title=x.title,
                    owner=x.owner,
                    status=x.status,
                    due=x.due,
                    ticket_key=x.ticket_key,
                    ticket_url=x.ticket_url,
                )
            )
    return [
        Repeat(
            incident_id=row.incident_id,
            title=row.title,
            service=row.service_name or row.service_id,
            team=row.team,
            resolved_at=row.resolved_at,
            review_url=row.review_url,
            match=match,
            root_causes=causes[row.id],
            open_items=items[row.id],
        )
        for match, row in chosen
    ]


def find_suggestions(
    connection: Connection, *, incident_id: str, key: str, category: str | None, limit: int
) -> list[Suggestion]:
    """Root causes of other reviews of service ``key`` (and category), newest first."""
    statement = (
        select(r.incident_id, r.title, r.resolved_at, rc.cause_id, rc.category, rc.statement)
        .join(reviews, reviews.c.id == rc.review_id)
        .where(rc.service_key == key, r.incident_id != incident_id)
        .order_by(rc.resolved_at.desc(), r.incident_id.desc(), rc.position)
        .limit(max(1, min(limit, 50)))
    )
    if category is not None:
        statement = statement.where(rc.category == category)
    return [
        Suggestion(
            incident_id=x.incident_id,
            title=x.title,
            resolved_at=x.resolved_at,
            root_cause_id=x.cause_id,
            category=x.category,
            statement=x.statement,
        )
        for x in connection.execute(statement)
    ]


def repeat_select(
    start: datetime, end: datetime, team: str | None, window: timedelta, *, detail: bool = True
) -> Select[Any]:
    """Reviews resolved in ``[start, end)`` that repeat an earlier one, in one statement.

    A review repeats when an earlier review of the same service was resolved within ``window``
    before it (``by_service``; ``previous_ms`` is that review's resolution), or when one of its
    root causes is linked to an earlier cause (``linked``, written with the review). Earlier
    reviews count whatever their team. ``detail=False`` leaves out the review's id and incident
    (enough to count per quarter): the rest is read from one covering index.
    """
    # The newest resolution of the same service strictly before this one: a RANGE frame over
    # the integer milliseconds ends "1 PRECEDING", so a review resolved at the same moment is not
    # earlier. One linear pass along the (service_key, resolved_ms, ...) index on both databases.
    previous_ms = (
        func.max(r.resolved_ms)
        .over(partition_by=r.service_key, order_by=r.resolved_ms, range_=(None, -1))
        .label("previous_ms")
    )
    heads = [r.id, r.incident_id] if detail else []
    timeline = (
        select(*heads, r.service_key, r.team, r.resolved_at, r.quarter, r.linked)
        .add_columns(r.resolved_ms, previous_ms)
        .where(
            r.resolved_at >= start - window,
            r.resolved_at < end,
            # The same range in milliseconds (1 ms wider: the exact bounds are those above), so
            # the planner walks the timeline index, which is in the window's order and holds
            # every column read, instead of sorting the rows of another index again.
            r.resolved_ms >= unix_ms(start - window) - 1,
            r.resolved_ms <= unix_ms(end) + 1,
        )
        .subquery("timeline")
    )
    t = timeline.c
    window_ms = round(window.total_seconds() * 1000)
    by_service = and_(t.service_key.is_not(None), t.resolved_ms - t.previous_ms <= window_ms)
    conditions = [t.resolved_at >= start, or_(by_service, t.linked.is_(True))]
    if team is not None:
        conditions.append(t.team.is_(None) if team == NO_TEAM else t.team == team)
    return select(*t, one_if(by_service).label("by_service")).where(*conditions)


def repeat_incidents(
    connection: Connection, start: datetime, end: datetime, window: timedelta
) -> list[RepeatIncident]:
    """This period's repeats, newest first, each with the earlier review it repeats: the newest
    of its service, else the review of its first linked cause (a few rows read per repeat)."""
    found = list(connection.execute(repeat_select(start, end, None, window)))
    heads = {
        x.id: x
        for chunk in chunks([x.id for x in found])
        for x in connection.execute(
            select(r.id, r.title, r.service_name, r.service_id).where(r.id.in_(chunk))
        )
    }
    out = []
    for x in sorted(found, key=lambda x: (x.resolved_at, x.incident_id), reverse=True):
        if x.by_service:
            earlier = connection.execute(
                select(r.incident_id, r.title)
                .where(r.service_key == x.service_key, r.resolved_ms == x.previous_ms)
                .order_by(r.incident_id.desc())
                .limit(1)
            ).one()
            earlier_id, earlier_title = earlier.incident_id, earlier.title
        else:
            earlier_id = connection.execute(
                select(rc.same_as_incident)
                .where(rc.review_id == x.id, rc.same_as_incident.is_not(None))
                .order_by(rc.position)
                .limit(1)
            ).scalar_one()
            title = connection.execute(
                select(r.title).where(r.incident_id == earlier_id)
            ).scalar_one_or_none()
            earlier_title = title or earlier_id
        head = heads[x.id]
        out.append(
            RepeatIncident(
                incident_id=x.incident_id,
                title=head.title,
                service=head.service_name or head.service_id,
                team=x.team,
                resolved_at=x.resolved_at,
                earlier_incident_id=earlier_id,
                earlier_title=earlier_title,
            )
        )
    return out
