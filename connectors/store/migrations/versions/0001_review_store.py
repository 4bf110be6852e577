"""The review store: reviews, root causes, action items, follow-up outcomes, full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-12-02

Written by hand from connectors/store/schema.py with plain SQLAlchemy types (a migration must
not change when the models do). The search table differs per dialect: FTS5 on SQLite, a
``tsvector`` with a GIN index on PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.String(200), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("service_id", sa.String(500), nullable=True),
        sa.Column("service_name", sa.String(500), nullable=True),
        sa.Column("service_key", sa.String(500), nullable=True, comment="service id, else name"),
        sa.Column("team", sa.String(500), nullable=True),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column(
            "tracked", sa.Boolean(), nullable=False, comment="published: phase is not drafting"
        ),
        sa.Column("facilitator", sa.String(500), nullable=False),
        sa.Column("resolved_at", MOMENT, nullable=False),
        sa.Column(
            "resolved_ms",
            sa.BigInteger(),
            nullable=False,
            comment="resolved_at in Unix milliseconds: window arithmetic on both databases",
        ),
        sa.Column("quarter", sa.String(7), nullable=False, comment="of resolved_at, UTC: 2026-Q4"),
        sa.Column("published_at", MOMENT, nullable=True),
        sa.Column("follow_up_at", MOMENT, nullable=True),
        sa.Column("follow_up_recorded_at", MOMENT, nullable=True),
        sa.Column("follow_up_notes", sa.Text(), nullable=True),
        sa.Column("closed_at", MOMENT, nullable=True),
        sa.Column("review_url", sa.String(2000), nullable=True),
        sa.Column("doc_url", sa.String(2000), nullable=True),
        sa.Column("symptom", sa.Text(), nullable=False),
        sa.Column("whys", sa.JSON(), nullable=False),
        sa.Column("items_total", sa.Integer(), nullable=False),
        sa.Column("items_open", sa.Integer(), nullable=False),
        sa.Column("written_at", MOMENT, nullable=False, comment="when the store wrote it"),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.UniqueConstraint("incident_id", name="uq_reviews_incident_id"),
    )
    for columns in (
        ("resolved_at", "incident_id"),
        ("phase", "resolved_at", "incident_id"),
        ("team", "resolved_at", "incident_id"),
        ("service_key", "resolved_at", "incident_id"),
        ("service_name", "resolved_at", "incident_id"),
        ("service_key", "resolved_ms"),
        ("quarter",),
    ):
        op.create_index(f"ix_reviews_{'_'.join(columns)}", "reviews", list(columns))

    op.create_table(
        "root_causes",
        sa.Column(
            "review_id",
            sa.Integer(),
            sa.ForeignKey(
                "reviews.id", ondelete="CASCADE", name="fk_root_causes_review_id_reviews"
            ),
            nullable=False,
        ),
        sa.Column("cause_id", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("same_as_incident", sa.String(200), nullable=True),
        sa.Column("same_as_cause", sa.String(200), nullable=True),
        sa.Column("service_key", sa.String(500), nullable=True),
        sa.Column(
            "team", sa.String(500), nullable=False, comment="the review's team, or 'No team'"
        ),
        sa.Column("resolved_at", MOMENT, nullable=False),
        sa.Column("quarter", sa.String(7), nullable=False),
        sa.PrimaryKeyConstraint("review_id", "cause_id", name="pk_root_causes"),
    )
    for columns in (
        ("service_key", "category", "resolved_at"),
        ("quarter", "category"),
        ("same_as_incident",),
    ):
        op.create_index(f"ix_root_causes_{'_'.join(columns)}", "root_causes", list(columns))

    op.create_table(
        "action_items",
        sa.Column(
            "review_id",
            sa.Integer(),
            sa.ForeignKey(
                "reviews.id", ondelete="CASCADE", name="fk_action_items_review_id_reviews"
            ),
            nullable=False,
        ),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("owner", sa.String(500), nullable=False),
        sa.Column("due", sa.String(40), nullable=False),
        sa.Column("due_at", MOMENT, nullable=False),
        sa.Column("done_when", sa.Text(), nullable=False),
        sa.Column("root_cause", sa.String(500), nullable=True),
        sa.Column("priority", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("ticket_key", sa.String(500), nullable=True),
        sa.Column("ticket_url", sa.String(2000), nullable=True),
        sa.Column("closed_at", MOMENT, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("replans", sa.Integer(), nullable=False),
        sa.Column("escalations", sa.Integer(), nullable=False),
        sa.Column(
            "team", sa.String(500), nullable=False, comment="the review's team, or 'No team'"
        ),
        sa.Column("service_key", sa.String(500), nullable=True),
        sa.Column("tracked", sa.Boolean(), nullable=False),
        sa.Column("resolved_at", MOMENT, nullable=False),
        sa.Column("published_at", MOMENT, nullable=True),
        sa.Column(
            "close_days",
            sa.Float(),
            nullable=True,
            comment="done items of published reviews: days from publishing to done",
        ),
        sa.PrimaryKeyConstraint("review_id", "item_id", name="pk_action_items"),
    )
    for columns in (
        ("tracked", "status", "due_at"),
        ("owner", "status"),
        ("close_days",),
        ("tracked", "published_at"),
        ("tracked", "status", "closed_at"),
        ("team", "status"),
    ):
        op.create_index(f"ix_action_items_{'_'.join(columns)}", "action_items", list(columns))

    op.create_table(
        "follow_up_outcomes",
        sa.Column(
            "review_id",
            sa.Integer(),
            sa.ForeignKey(
                "reviews.id", ondelete="CASCADE", name="fk_follow_up_outcomes_review_id_reviews"
            ),
            nullable=False,
        ),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("due", sa.String(40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("review_id", "item_id", name="pk_follow_up_outcomes"),
    )

    if op.get_bind().dialect.name == "postgresql":
        op.create_table(
            "review_search",
            sa.Column(
                "review_id",
                sa.Integer(),
                sa.ForeignKey(
                    "reviews.id", ondelete="CASCADE", name="fk_review_search_review_id_reviews"
                ),
                nullable=False,
            ),
            sa.Column("document", postgresql.TSVECTOR(), nullable=False),
            sa.PrimaryKeyConstraint("review_id", name="pk_review_search"),
        )
        op.create_index(
            "ix_review_search_document", "review_search", ["document"], postgresql_using="gin"
        )
    else:
        # rowid = reviews.id; the text is pre-tokenised by connectors.store.search.
        op.execute("CREATE VIRTUAL TABLE review_search USING fts5(body, tokenize='unicode61')")


def downgrade() -> None:
    op.drop_table("review_search")
    op.drop_table("follow_up_outcomes")
    op.drop_table("action_items")
    op.drop_table("root_causes")
    op.drop_table("reviews")
