"""Read reviews through Temporal itself: the digest's list, and an item's open siblings.

Reviews live in their workflows, not in a database; these activities list them with visibility and
read each one with the ``status`` query.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta

from temporalio import activity
from temporalio.client import Client

from workflows.contracts import STATUS_QUERY, ReviewStatus
from workflows.review import ItemStatus
from workflows.steps import ListReviews, ReviewItems, ReviewQuery, ReviewRow, ReviewRows

__all__ = ["MAX_REVIEWS", "PARALLEL_QUERIES", "QUERY_TIMEOUT", "ReviewActivities"]

MAX_REVIEWS = 2000
QUERY_TIMEOUT = timedelta(seconds=5)
PARALLEL_QUERIES = 8


class ReviewActivities:
    def __init__(self, client: Client) -> None:
        self.client = client

    async def _status(self, workflow_id: str) -> ReviewStatus:
        handle = self.client.get_workflow_handle(workflow_id)
        status: ReviewStatus = await handle.query(
            STATUS_QUERY, result_type=ReviewStatus, rpc_timeout=QUERY_TIMEOUT
        )
        return status

    @activity.defn
    async def list_review_items(self, request: ReviewQuery) -> ReviewItems:
        """The live action items of one review (``open_except``: its other open ones only)."""
        status = await self._status(request.workflow_id)
        items = status.state.action_items
        if request.open_except is not None:
            items = [
                i for i in items if i.id != request.open_except and i.status == ItemStatus.OPEN
            ]
        return ReviewItems(items=items)

    @activity.defn
    async def list_reviews(self, request: ListReviews) -> ReviewRows:
        """Every running review, plus those closed since ``closed_since`` (at most 2,000)."""
        query = "WorkflowType = 'PostmortemWorkflow' AND ExecutionStatus = 'Running'"
        if request.closed_since is not None:
            since = request.closed_since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            query = (
                "WorkflowType = 'PostmortemWorkflow' AND "
                f"(ExecutionStatus = 'Running' OR CloseTime > '{since}')"
            )
        ids: dict[str, None] = {}  # ordered and unique: a continued review is listed once
        async for info in self.client.list_workflows(query, limit=MAX_REVIEWS):
            ids[info.id] = None
        # Read them a few at a time; a review that cannot answer (its worker gone, say) is left
        # out after QUERY_TIMEOUT instead of holding up the digest.
        gate = asyncio.Semaphore(PARALLEL_QUERIES)

        async def row(workflow_id: str) -> ReviewRow | None:
            async with gate:
                activity.heartbeat(workflow_id)
                try:
                    state = (await self._status(workflow_id)).state
                except Exception as exc:
                    activity.logger.warning(
                        "review %s unreadable: %s", workflow_id, type(exc).__name__
                    )
                    return None
            return ReviewRow(
                incident_id=state.incident.id,
                title=state.incident.title,
                team=state.team,
                review_url=state.review_url,
                published_at=state.published_at,
                leadership=state.leadership,
                action_items=state.action_items,
            )

        found = await asyncio.gather(*(row(i) for i in ids))
        rows = [r for r in found if r is not None]
        activity.logger.info("listed %d reviews", len(rows))
        return ReviewRows(rows=rows)
