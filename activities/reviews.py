"""Read reviews through Temporal itself: the digest's list, and an item's open siblings.

Reviews live in their workflows, not in a database; these activities list them with visibility and
read each one with the ``status`` query.
"""

from __future__ import annotations

from datetime import UTC

from temporalio import activity
from temporalio.client import Client

from workflows.review import ReviewStatus
from workflows.steps import ListReviews, ReviewItems, ReviewQuery, ReviewRow, ReviewRows

MAX_REVIEWS = 2000


class ReviewActivities:
    def __init__(self, client: Client) -> None:
        self.client = client

    async def _status(self, workflow_id: str) -> ReviewStatus:
        handle = self.client.get_workflow_handle(workflow_id)
        status: ReviewStatus = await handle.query("status", result_type=ReviewStatus)
        return status

    @activity.defn
    async def list_review_items(self, request: ReviewQuery) -> ReviewItems:
        """The live action items of one review."""
        status = await self._status(request.workflow_id)
        return ReviewItems(items=status.state.action_items)

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
        rows: list[ReviewRow] = []
        seen: set[str] = set()
        async for info in self.client.list_workflows(query, limit=MAX_REVIEWS):
            if info.id in seen:
                continue
            seen.add(info.id)
            activity.heartbeat(len(rows))
            try:
                status = await self._status(info.id)
            except Exception as exc:  # a review that cannot answer is left out, not fatal
                activity.logger.warning("review %s unreadable: %s", info.id, type(exc).__name__)
                continue
            state = status.state
            rows.append(
                ReviewRow(
                    incident_id=state.incident.id,
                    title=state.incident.title,
                    team=state.team,
                    review_url=state.review_url,
                    published_at=state.published_at,
                    leadership=state.leadership,
                    action_items=state.action_items,
                )
            )
        activity.logger.info("listed %d reviews", len(rows))
        return ReviewRows(rows=rows)
