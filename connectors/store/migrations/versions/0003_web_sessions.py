"""Web sessions live in the store, shared by every API process.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

``web_sessions``: one row per signed-in browser, keyed by the SHA-256 of its session id, with the
person's email (sign a person out everywhere) and the Unix times the idle and absolute limits
count from (indexed: expired rows are deleted by a range scan, never a table scan).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=True, comment="a person's, for end_person"),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("last_seen", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_web_sessions"),
    )
    for column in ("email", "last_seen", "created_at"):
        op.create_index(f"ix_web_sessions_{column}", "web_sessions", [column])


def downgrade() -> None:
    for column in ("created_at", "last_seen", "email"):
        op.drop_index(f"ix_web_sessions_{column}", "web_sessions")
    op.drop_table("web_sessions")
