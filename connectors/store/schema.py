"""The store's tables (SQLAlchemy 2 declarative). Alembic migrations create them; see migrations/.

A review is one row in ``reviews`` plus its root causes, action items and follow-up outcomes. A
few review columns are copied onto its items and causes (team, service, phase, dates): every
write replaces a review's children in one transaction, so the copies cannot drift, and the
figures read one table with an index instead of joining every review.

Times are stored in UTC: ``timestamptz`` on PostgreSQL, ISO text on SQLite (compared as text, which
orders correctly because every value is UTC in the same format).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "NAMING",
    "ActionItemRow",
    "Base",
    "FollowUpOutcomeRow",
    "ReviewRow",
    "RootCauseRow",
    "UtcDateTime",
    "WebSessionRow",
    "action_items",
    "follow_up_outcomes",
    "reviews",
    "root_causes",
]


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store takes aware datetimes only")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(
        self,
        value: Any,
        dialect: Dialect,  # noqa: ARG002 (SQLAlchemy's signature)
    ) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ReviewRow(Base):
    """One review: the incident, its phase and dates, the analysis text."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[str] = mapped_column(String(200), unique=True)
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    service_id: Mapped[str | None] = mapped_column(String(500))
    service_name: Mapped[str | None] = mapped_column(String(500))
    service_key: Mapped[str | None] = mapped_column(String(500), comment="service id, else name")
    team: Mapped[str | None] = mapped_column(String(500))
    phase: Mapped[str] = mapped_column(String(20))
    tracked: Mapped[bool] = mapped_column(Boolean, comment="published: phase is not drafting")
    facilitator: Mapped[str] = mapped_column(String(500))
    resolved_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resolved_ms: Mapped[int] = mapped_column(
        BigInteger, comment="resolved_at in Unix milliseconds: window arithmetic on both databases"
    )
    quarter: Mapped[str] = mapped_column(String(7), comment="of resolved_at, UTC: 2026-Q4")
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    follow_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    follow_up_recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    follow_up_notes: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    review_url: Mapped[str | None] = mapped_column(String(2000))
    doc_url: Mapped[str | None] = mapped_column(String(2000))
    symptom: Mapped[str] = mapped_column(Text)
    whys: Mapped[list[str]] = mapped_column(JSON)
    items_total: Mapped[int] = mapped_column(Integer)
    items_open: Mapped[int] = mapped_column(Integer)
    publish_blockers: Mapped[int | None] = mapped_column(
        Integer, comment="drafts: what still blocks publishing"
    )
    linked: Mapped[bool] = mapped_column(
        Boolean, comment="a root cause is linked to an earlier one"
    )
    items_done: Mapped[int] = mapped_column(Integer, comment="published reviews: items done")
    items_on_time: Mapped[int] = mapped_column(
        Integer, comment="published reviews: items done by their due date"
    )
    written_at: Mapped[datetime] = mapped_column(UtcDateTime, comment="when the store wrote it")

    __table_args__ = (
        Index(None, "resolved_at", "incident_id"),
        Index(None, "phase", "resolved_at", "incident_id"),
        Index(None, "team", "resolved_at", "incident_id"),
        Index(None, "service_key", "resolved_at", "incident_id"),
        Index(None, "service_name", "resolved_at", "incident_id"),
        Index(None, "service_key", "resolved_ms"),
        Index(None, "quarter"),
        # Covering the trends (migration 0002): the service timeline of repeats, and the sums
        # over the reviews resolved in a period.
        Index(
            "ix_reviews_service_timeline",
            "service_key",
            "resolved_ms",
            "resolved_at",
            "team",
            "quarter",
            "linked",
            "items_open",
            "service_name",
        ),
        Index("ix_reviews_period_counts", "resolved_at", "team", "items_done", "items_on_time"),
    )


class RootCauseRow(Base):
    """A root cause, with its review's service and resolution time for suggestions and trends."""

    __tablename__ = "root_causes"

    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True
    )
    cause_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    statement: Mapped[str] = mapped_column(Text)
    same_as_incident: Mapped[str | None] = mapped_column(String(200))
    same_as_cause: Mapped[str | None] = mapped_column(String(200))
    service_key: Mapped[str | None] = mapped_column(String(500))
    team: Mapped[str] = mapped_column(String(500), comment="the review's team, or 'No team'")
    resolved_at: Mapped[datetime] = mapped_column(UtcDateTime)
    quarter: Mapped[str] = mapped_column(String(7))

    __table_args__ = (
        Index(None, "service_key", "category", "resolved_at"),
        Index(None, "quarter", "category"),
        Index(None, "same_as_incident"),
        # Covering the trends' categories by quarter over a period (migration 0002).
        Index("ix_root_causes_period", "resolved_at", "quarter", "category", "team"),
    )


class ActionItemRow(Base):
    """An action item with its tracking state and copies of its review's grouping columns."""

    __tablename__ = "action_items"

    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    owner: Mapped[str] = mapped_column(String(500))
    due: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    done_when: Mapped[str] = mapped_column(Text)
    root_cause: Mapped[str | None] = mapped_column(String(500))
    priority: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str | None] = mapped_column(String(20))
    ticket_key: Mapped[str | None] = mapped_column(String(500))
    ticket_url: Mapped[str | None] = mapped_column(String(2000))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    replans: Mapped[int] = mapped_column(Integer)
    escalations: Mapped[int] = mapped_column(Integer)
    # Copies of the review's columns (rewritten with the review, so never stale):
    team: Mapped[str] = mapped_column(String(500), comment="the review's team, or 'No team'")
    service_key: Mapped[str | None] = mapped_column(String(500))
    tracked: Mapped[bool] = mapped_column(Boolean)
    resolved_at: Mapped[datetime] = mapped_column(UtcDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    close_days: Mapped[float | None] = mapped_column(
        Float, comment="done items of published reviews: days from publishing to done"
    )

    __table_args__ = (
        Index(None, "tracked", "status", "due_at"),
        Index(None, "owner", "status"),
        Index(None, "close_days"),
        Index(None, "tracked", "published_at"),
        Index(None, "tracked", "status", "closed_at"),
        Index(None, "team", "status"),
        # Percentiles of days to close per team walk this index (migration 0002).
        Index("ix_action_items_team_close_days", "team", "close_days", "resolved_at", "tracked"),
    )


class FollowUpOutcomeRow(Base):
    """The follow-up meeting's decision on one item."""

    __tablename__ = "follow_up_outcomes"

    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    due: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)


reviews = cast(Table, ReviewRow.__table__)
root_causes = cast(Table, RootCauseRow.__table__)
action_items = cast(Table, ActionItemRow.__table__)
follow_up_outcomes = cast(Table, FollowUpOutcomeRow.__table__)


class WebSessionRow(Base):
    """One signed-in browser (``api.identity.stored_sessions``): shared by every API process, so
    a sign-out, a restart or a second replica sees the same sessions.

    ``key`` is the SHA-256 of the cookie's session id (a copy of the table holds no usable
    cookie); ``record`` is the session as JSON; the times are Unix seconds, as the idle and
    absolute limits count them.
    """

    __tablename__ = "web_sessions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), comment="a person's, for end_person")
    record: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
    last_seen: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        Index(None, "email"),
        Index(None, "last_seen"),
        Index(None, "created_at"),
    )
