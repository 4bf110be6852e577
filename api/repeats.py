"""A review's earlier reviews, refreshed from the review store at each read.

The workflow keeps the repeats found when the review opened. A root cause linked later ("the same
cause as") or an earlier item settled since would not show there, so one review's read (its page
and ``GET /api/reviews/{id}``) asks the store again and merges: what the store answers now
replaces what was found then, and what it no longer lists is kept. When the store cannot answer,
the read shows what the workflow kept: the store only adds context.
"""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from connectors.errors import ConnectorError
from connectors.store import RepeatQuery, ReviewStore
from connectors.store.records import Repeat
from workflows.contracts import ReviewStatus
from workflows.review import (
    EarlierReview,
    ReviewState,
)

__all__ = ["earlier_of", "merge_repeats", "repeat_query", "with_fresh_repeats"]

log = logging.getLogger(__name__)
#: The store's limit on a service or team name (connectors/store/records.py).
SHORT = 500


def earlier_of(found: Repeat) -> EarlierReview:
    """The workflow's shape of an earlier review found in the store: the store's answer mirrors it
    field for field (connectors cannot import workflows), so it validates as one."""
    return EarlierReview.model_validate(found.model_dump())


def repeat_query(state: ReviewState, request: Request) -> RepeatQuery:
    """What the review opening asked the store, plus the incidents its root causes link to now."""
    incident = state.incident
    causes = state.five_whys.root_causes if state.five_whys else []
    linked = [c.same_as.incident_id for c in causes if c.same_as is not None]
    return RepeatQuery(
        incident_id=incident.id,
        service_id=incident.service_id[:SHORT] if incident.service_id else None,
        service_name=incident.service_name[:SHORT] if incident.service_name else None,
        team=state.team[:SHORT] if state.team else None,
        resolved_at=incident.resolved_at,
        window=request.app.state.policy.recurrence.window,
        linked=list(dict.fromkeys(linked))[:50],
    )


def merge_repeats(kept: list[EarlierReview], fresh: list[EarlierReview]) -> list[EarlierReview]:
    """The store's answer now over what the review kept, one entry per review, newest first."""
    by_incident = {e.incident_id: e for e in kept}
    by_incident.update({e.incident_id: e for e in fresh})
    return sorted(by_incident.values(), key=lambda e: (e.resolved_at, e.incident_id), reverse=True)


async def with_fresh_repeats(request: Request, status: ReviewStatus) -> ReviewStatus:
    """``status`` with its repeats merged with the store's current answer."""
    store: ReviewStore | None = getattr(request.app.state, "store", None)
    if store is None:
        return status
    state = status.state
    query = repeat_query(state, request)
    try:
        found = await run_in_threadpool(store.repeats, query)
    except ConnectorError as exc:
        log.warning("earlier reviews not refreshed: %s", exc.kind.value)
        return status
    merged = merge_repeats(state.repeats, [earlier_of(r) for r in found])
    return status.model_copy(update={"state": state.model_copy(update={"repeats": merged})})
