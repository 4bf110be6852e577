"""Review statuses built by hand, for the dashboard's pure figures and charts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workflows.contracts import ReviewStatus
from workflows.review import ActionItem, Incident, ItemStatus, Phase, ReviewState

NOW = datetime(2025, 6, 18, 12, 0, tzinfo=UTC)  # a Wednesday


def item(
    item_id: str,
    status: ItemStatus,
    due: datetime,
    closed: datetime | None = None,
    owner: str = "a@example.com",
) -> ActionItem:
    return ActionItem(
        id=item_id,
        title=f"Item {item_id}",
        owner=owner,
        due=due.isoformat(),
        done_when="Measured",
        root_cause="rc1",
        status=status,
        closed_at=closed,
    )


def review(
    incident_id: str,
    items: list[ActionItem],
    *,
    team: str | None = "Payments",
    phase: Phase = Phase.TRACKING,
    published: datetime | None = NOW - timedelta(days=10),
) -> ReviewStatus:
    return ReviewStatus(
        state=ReviewState(
            incident=Incident(
                id=incident_id,
                title=f"Incident {incident_id}",
                resolved_at=NOW - timedelta(days=11),
            ),
            phase=phase,
            team=team,
            facilitator="f@example.com",
            leadership=["l@example.com"],
            action_items=items,
            published_at=published if phase != Phase.DRAFTING else None,
        )
    )
