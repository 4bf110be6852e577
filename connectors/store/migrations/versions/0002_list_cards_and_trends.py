"""List rows carry publish blockers; reviews carry the per-review counts that trends add up.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03

- ``reviews.publish_blockers``: what still blocks publishing a draft (the dashboard's card shows
  it); NULL until the review's next write (or a ``reindex``).
- ``reviews.linked``, ``items_done``, ``items_on_time``: whether a root cause is linked to an
  earlier one, and the done and done-by-due items of a published review. Written with the review
  by the upsert, so ``/trends`` sums one row per review instead of reading every item; filled
  here from the existing rows.
- Covering indexes for the trends: each service's timeline (repeats, incidents and open items
  per service), the per-review counts and the root causes of a period, and the done items' days
  to close per team (percentiles walk the index, never the table).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TIMELINE = (
    "service_key",
    "resolved_ms",
    "resolved_at",
    "team",
    "quarter",
    "linked",
    "items_open",
    "service_name",
)
CAUSES = ("resolved_at", "quarter", "category", "team")
CLOSING = ("team", "close_days", "resolved_at", "tracked")
RANGE = ("resolved_at", "team", "items_done", "items_on_time")


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch (copy and rename) on SQLite: dropping the old ``reviews``
    # table would cascade to every item and cause.
    op.add_column(
        "reviews",
        sa.Column(
            "publish_blockers",
            sa.Integer(),
            nullable=True,
            comment="drafts: what still blocks publishing",
        ),
    )
    op.add_column(
        "reviews",
        sa.Column(
            "linked",
            sa.Boolean(),
            nullable=False,
            server_default=sa.false(),
            comment="a root cause is linked to an earlier one",
        ),
    )
    op.add_column(
        "reviews",
        sa.Column(
            "items_done",
            sa.Integer(),
            nullable=False,
            server_default="0",
            comment="published reviews: items done",
        ),
    )
    op.add_column(
        "reviews",
        sa.Column(
            "items_on_time",
            sa.Integer(),
            nullable=False,
            server_default="0",
            comment="published reviews: items done by their due date",
        ),
    )
    items = sa.table(
        "action_items",
        sa.column("review_id", sa.Integer()),
        sa.column("tracked", sa.Boolean()),
        sa.column("status", sa.String()),
        sa.column("closed_at", sa.DateTime(timezone=True)),
        sa.column("due_at", sa.DateTime(timezone=True)),
    )
    causes = sa.table(
        "root_causes",
        sa.column("review_id", sa.Integer()),
        sa.column("same_as_incident", sa.String()),
    )
    reviews = sa.table(
        "reviews",
        sa.column("id", sa.Integer()),
        sa.column("linked", sa.Boolean()),
        sa.column("items_done", sa.Integer()),
        sa.column("items_on_time", sa.Integer()),
    )
    done = [
        items.c.review_id == reviews.c.id,
        items.c.tracked.is_(True),
        items.c.status == "done",
    ]
    op.execute(
        reviews.update().values(
            linked=sa.exists().where(
                causes.c.review_id == reviews.c.id, causes.c.same_as_incident.is_not(None)
            ),
            items_done=sa.select(sa.func.count()).where(*done).scalar_subquery(),
            items_on_time=sa.select(sa.func.count())
            .where(*done, items.c.closed_at.is_not(None), items.c.closed_at <= items.c.due_at)
            .scalar_subquery(),
        )
    )
    op.create_index("ix_reviews_service_timeline", "reviews", list(TIMELINE))
    op.create_index("ix_reviews_period_counts", "reviews", list(RANGE))
    op.create_index("ix_action_items_team_close_days", "action_items", list(CLOSING))
    op.create_index("ix_root_causes_period", "root_causes", list(CAUSES))


def downgrade() -> None:
    op.drop_index("ix_root_causes_period", "root_causes")
    op.drop_index("ix_action_items_team_close_days", "action_items")
    op.drop_index("ix_reviews_period_counts", "reviews")
    op.drop_index("ix_reviews_service_timeline", "reviews")
    for name in ("items_on_time", "items_done", "linked", "publish_blockers"):
        op.drop_column("reviews", name)
