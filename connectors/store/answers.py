"""What the review store's reads give back: lists, figures, repeats and suggestions.

Plain pydantic shapes, no workflow types; :mod:`connectors.store.records` re-exports them, so
``from connectors.store.records import Dashboard`` keeps working.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from connectors.store.kinds import Category, ItemStatus, Phase

__all__ = [
    "Answer",
    "CategoryQuarter",
    "Dashboard",
    "DigestData",
    "DigestTeamFigures",
    "OverdueItem",
    "OwnerOverdue",
    "QuarterCount",
    "Repeat",
    "RepeatIncident",
    "RepeatItem",
    "ReviewPage",
    "ReviewRow",
    "RootCauseView",
    "ServiceTrend",
    "Suggestion",
    "TeamOverdue",
    "TeamTimeToClose",
    "Trends",
    "WeekPoint",
]


class Answer(BaseModel):
    """Base: unknown fields are refused, so a mapping typo surfaces as an error."""

    model_config = ConfigDict(extra="forbid")


class ReviewRow(Answer):
    """One review in a list (the ``GET /api/reviews`` shape)."""

    incident_id: str = Field(description="PagerDuty incident id.")
    title: str = Field(description="Incident title.")
    service: str | None = Field(description="Service name, else its PagerDuty id.")
    team: str | None = Field(description="Owning team, if any.")
    phase: Phase = Field(description="drafting, tracking, follow_up or closed.")
    resolved_at: datetime = Field(description="When the incident was resolved.")
    open_items: int = Field(description="Items still open.")
    overdue_items: int = Field(description="Open items past their due date (tracked reviews).")
    follow_up_at: datetime | None = Field(
        default=None, description="When the follow-up meeting is scheduled, once published."
    )
    publish_blockers: int | None = Field(
        default=None,
        description="Drafts: how many checks still block publishing (None: not known yet).",
    )


class ReviewPage(Answer):
    """One page of the review list."""

    reviews: list[ReviewRow] = Field(description="Newest resolution first.")
    next_cursor: str | None = Field(description="Pass as ``cursor`` for the next page; None: end.")


class OverdueItem(Answer):
    """An open item of a tracked review, past its due date."""

    incident_id: str = Field(description="The item's review.")
    incident_title: str = Field(description="That review's incident title.")
    team: str = Field(description="The review's team, or NO_TEAM.")
    item_id: str = Field(description="Id within the review.")
    title: str = Field(description="Who will do what.")
    owner: str = Field(description="The owner's email.")
    due: str = Field(description="Due date as entered (ISO).")
    due_at: datetime = Field(description="The moment it fell due.")
    days_overdue: int = Field(description="Whole days since it fell due.")
    ticket_key: str | None = Field(default=None, description="Tracker ticket key.")
    ticket_url: str | None = Field(default=None, description="Link to the ticket.")
    escalations: int = Field(default=0, description="Escalations sent so far.")
    review_url: str | None = Field(default=None, description="Link to the review's page.")


class OwnerOverdue(Answer):
    """One owner's overdue items within a team."""

    owner: str = Field(description="The owner's email.")
    count: int = Field(description="Overdue items of this owner (all of them).")
    items: list[OverdueItem] = Field(description="Most overdue first (up to the query's limit).")


class TeamOverdue(Answer):
    """One team's overdue items, per owner."""

    team: str = Field(description="Team name, or NO_TEAM.")
    count: int = Field(description="Overdue items of the team.")
    owners: list[OwnerOverdue] = Field(description="Largest count first.")


class WeekPoint(Answer):
    """Cumulative completion at the end of one week."""

    start: datetime = Field(description="Start of the week.")
    end: datetime = Field(description="End of the week (exclusive).")
    done: int = Field(description="Items done by the end of the week.")
    total: int = Field(
        description="Items of reviews published by then, less those dropped by then."
    )
    closed_in_week: int = Field(description="Items done during the week.")

    @property
    def rate(self) -> float | None:
        return self.done / self.total if self.total else None


class Dashboard(Answer):
    """The dashboard's figures over every review in the store."""

    reviews: int = Field(description="Every review.")
    by_phase: dict[str, int] = Field(description="Reviews per phase (every phase present).")
    newest: dict[str, list[ReviewRow]] = Field(description="Newest reviews of each phase.")
    open: int = Field(description="Open items of tracked reviews.")
    overdue: int = Field(description="Open items of tracked reviews past their due date.")
    done: int = Field(description="Done items of tracked reviews.")
    dropped: int = Field(description="Dropped items of tracked reviews.")
    completion_rate: float | None = Field(description="done / (done + open); dropped excluded.")
    median_days_to_close: float | None = Field(
        description="Median days from publishing to done, one decimal."
    )
    overdue_by_team: list[TeamOverdue] = Field(description="Largest count first.")
    weeks: list[WeekPoint] = Field(description="Cumulative completion per week, oldest first.")


class CategoryQuarter(Answer):
    """Root causes per category in one quarter."""

    quarter: str = Field(description="e.g. 2026-Q4 (UTC).")
    counts: dict[str, int] = Field(description="Root causes per category (every category).")


class ServiceTrend(Answer):
    """A service's incidents and open items in the period."""

    service: str = Field(description="Service name, else its PagerDuty id.")
    incidents: int = Field(description="Reviews of the service resolved in the period.")
    open_items: int = Field(description="Their items still open.")


class QuarterCount(Answer):
    """A count in one quarter."""

    quarter: str = Field(description="e.g. 2026-Q4 (UTC).")
    count: int = Field(description="How many in that quarter.")


class TeamTimeToClose(Answer):
    """Days from publishing to done, for one team's items."""

    team: str = Field(description="Team name, or NO_TEAM.")
    items: int = Field(description="Done items measured.")
    median_days: float = Field(description="Median days to close, one decimal.")
    p90_days: float = Field(description="90th percentile of days to close, one decimal.")


class Trends(Answer):
    """The ``GET /api/trends`` shape, over reviews resolved in ``[start, end)``."""

    root_cause_categories: list[CategoryQuarter] = Field(
        description="Every quarter from the first to the last with a root cause."
    )
    services: list[ServiceTrend] = Field(
        description="The top services by incidents and by open items, most incidents first."
    )
    repeats: list[QuarterCount] = Field(description="Repeat incidents per quarter.")
    time_to_close: list[TeamTimeToClose] = Field(description="Per team, by name.")
    closed_by_due_rate: float | None = Field(
        description="Done by their due date / items whose due date has come (dropped excluded)."
    )


class RootCauseView(Answer):
    """A root cause of an earlier review."""

    id: str = Field(description="Id within that review.")
    category: Category = Field(description="process, documentation, tooling, roles...")
    statement: str = Field(description="The cause as written.")


class RepeatItem(Answer):
    """An item of an earlier review that is still open, or was dropped."""

    id: str = Field(description="Id within that review.")
    title: str = Field(description="Who will do what.")
    owner: str = Field(description="The owner's email.")
    status: ItemStatus = Field(description="open or dropped.")
    due: str = Field(description="Due date as entered (ISO).")
    ticket_key: str | None = Field(default=None, description="Tracker ticket key.")
    ticket_url: str | None = Field(default=None, description="Link to the ticket.")


class Repeat(Answer):
    """An earlier review that this one repeats (the contract's ``repeats[]`` entry)."""

    incident_id: str = Field(description="The earlier review's incident.")
    title: str = Field(description="Its incident title.")
    service: str | None = Field(description="Its service name, else PagerDuty id.")
    team: str | None = Field(description="Its team, if any.")
    resolved_at: datetime = Field(description="When it was resolved.")
    review_url: str | None = Field(default=None, description="Link to its page.")
    match: Literal["service", "team", "linked"] = Field(
        description="Why it is listed: same service, same team, or a root cause linked to it."
    )
    root_causes: list[RootCauseView] = Field(description="Its root causes, in order.")
    open_items: list[RepeatItem] = Field(description="Its items that are still open or dropped.")


class Suggestion(Answer):
    """An earlier root cause of the same service and category, to link to."""

    incident_id: str = Field(description="The earlier review's incident.")
    title: str = Field(description="Its incident title.")
    resolved_at: datetime = Field(description="When it was resolved.")
    root_cause_id: str = Field(description="The cause's id within that review.")
    category: Category = Field(description="The cause's category.")
    statement: str = Field(description="The cause as written.")


class RepeatIncident(Answer):
    """A review resolved in a period that repeats an earlier one (for the digest)."""

    incident_id: str = Field(description="The repeating review's incident.")
    title: str = Field(description="Its incident title.")
    service: str | None = Field(description="Its service name, else PagerDuty id.")
    team: str | None = Field(description="Its team, if any.")
    resolved_at: datetime = Field(description="When it was resolved.")
    earlier_incident_id: str = Field(description="The newest earlier review it repeats.")
    earlier_title: str = Field(description="That review's incident title.")


class DigestTeamFigures(Answer):
    """One team's line in the weekly digest."""

    team: str = Field(description="Team name, or NO_TEAM.")
    open: int = Field(description="Open items of tracked reviews.")
    overdue: int = Field(description="Of those, past their due date.")
    closed_this_period: int = Field(description="Items done during the period.")
    done: int = Field(description="Items done, all time.")
    completion_rate: float | None = Field(description="done / (done + open); None: neither.")
    median_days_to_close: float | None = Field(
        description="Median days from publishing to done, one decimal; None: none done."
    )


class DigestData(Answer):
    """Everything the weekly digest reads, over all reviews."""

    period_start: datetime = Field(description="Start of the period.")
    period_end: datetime = Field(description="End of the period (exclusive): the figures' now.")
    teams: list[DigestTeamFigures] = Field(description="Per team, by name.")
    overdue: list[OverdueItem] = Field(description="Every open item past due, oldest due first.")
    repeats: list[RepeatIncident] = Field(description="Repeat incidents resolved this period.")
