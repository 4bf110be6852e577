"""What the review store takes and gives back: plain pydantic shapes, no workflow types.

The store is a read model of every review. The workflow stays the authority: an activity maps the
workflow's state to a :class:`ReviewRecord` and hands it over, so this package never imports
``temporalio`` nor the workflow code. Enumerations are spelled as ``Literal`` and mirror
``workflows.review`` (a test keeps them equal).

Every field that reaches the database has a length limit, so one oversized review cannot bloat the
store or the search index; the limits are far above what the review rules let through.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "CATEGORIES",
    "ITEM_STATUSES",
    "NO_TEAM",
    "PHASES",
    "Category",
    "CategoryQuarter",
    "CauseLink",
    "Dashboard",
    "DigestData",
    "DigestTeamFigures",
    "FollowUpOutcomeRecord",
    "FollowUpStatus",
    "Id",
    "ItemRecord",
    "ItemStatus",
    "Moment",
    "OverdueItem",
    "OwnerOverdue",
    "Phase",
    "QuarterCount",
    "Record",
    "Repeat",
    "RepeatIncident",
    "RepeatItem",
    "RepeatQuery",
    "ReviewFilter",
    "ReviewPage",
    "ReviewRecord",
    "ReviewRow",
    "RootCauseRecord",
    "RootCauseView",
    "ServiceTrend",
    "Short",
    "Suggestion",
    "TeamOverdue",
    "TeamTimeToClose",
    "Text",
    "Trends",
    "WeekPoint",
]

Phase = Literal["drafting", "tracking", "follow_up", "closed"]
ItemStatus = Literal["open", "done", "dropped"]
Category = Literal["process", "documentation", "tooling", "roles", "environment", "other"]
FollowUpStatus = Literal["done", "replanned", "dropped"]

PHASES: tuple[Phase, ...] = ("drafting", "tracking", "follow_up", "closed")
ITEM_STATUSES: tuple[ItemStatus, ...] = ("open", "done", "dropped")
CATEGORIES: tuple[Category, ...] = (
    "process",
    "documentation",
    "tooling",
    "roles",
    "environment",
    "other",
)

#: A team-less review is grouped under this name in every figure.
NO_TEAM = "No team"

Id = Annotated[str, Field(min_length=1, max_length=200)]
Short = Annotated[str, Field(max_length=500)]
Text = Annotated[str, Field(max_length=20_000)]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must carry a timezone (UTC offset)")
    return value


#: A moment with its offset: the store compares moments, never local clock readings.
Moment = Annotated[datetime, AfterValidator(_aware)]


class Record(BaseModel):
    """Base: unknown fields are refused, so a mapping typo surfaces as an error."""

    model_config = ConfigDict(extra="forbid")


class CauseLink(Record):
    """An earlier review's root cause that this one is "the same cause as"."""

    incident_id: Id = Field(description="Incident of the earlier review.")
    root_cause_id: Id = Field(description="Id of the root cause in that review.")


class RootCauseRecord(Record):
    """One root cause at the end of a review's why-chain."""

    id: Id = Field(description="Id within the review, e.g. rc1.")
    category: Category = Field(description="process, documentation, tooling, roles...")
    statement: Text = Field(description="The cause as written.")
    same_as: CauseLink | None = Field(
        default=None, description="Earlier cause this one repeats; counts as a repeat incident."
    )


class ItemRecord(Record):
    """One action item with its tracking state."""

    id: Id = Field(description="Id within the review: 1, 2, 3...")
    title: Short = Field(description="Who will do what.")
    owner: Short = Field(description="The one owner's email.")
    due: Annotated[str, Field(max_length=40)] = Field(description="Due date as entered (ISO).")
    due_at: Moment = Field(description="The moment it falls due (the policy's end of that day).")
    done_when: Text = Field(default="", description="Measurable criterion.")
    root_cause: Short | None = Field(default=None, description="Id of the root cause addressed.")
    priority: Annotated[str, Field(max_length=20)] = Field(default="medium")
    status: ItemStatus = Field(default="open", description="open, done or dropped.")
    outcome: Annotated[str, Field(max_length=20)] | None = Field(
        default=None, description="done_on_time, done_late or dropped, once settled."
    )
    ticket_key: Short | None = Field(default=None, description="Tracker ticket key.")
    ticket_url: Annotated[str, Field(max_length=2000)] | None = None
    closed_at: Moment | None = Field(default=None, description="When it was done or dropped.")
    reason: Text | None = Field(default=None, description="Why it was dropped.")
    replans: int = Field(default=0, ge=0, description="How often the due date moved.")
    escalations: int = Field(default=0, ge=0, description="Escalations sent so far.")


class FollowUpOutcomeRecord(Record):
    """The follow-up meeting's decision on one item."""

    item_id: Id
    status: FollowUpStatus
    due: Annotated[str, Field(max_length=40)] | None = None
    reason: Text | None = None


class ReviewRecord(Record):
    """One review as the store keeps it, keyed by incident and revision.

    ``revision`` is the workflow's counter of accepted changes: the store keeps the highest one
    it was given and ignores older or repeated writes.
    """

    incident_id: Id = Field(description="PagerDuty incident id.")
    revision: int = Field(ge=0, description="The workflow's revision of this state.")
    title: Short = Field(description="Incident title.")
    service_id: Short | None = Field(default=None, description="PagerDuty service id.")
    service_name: Short | None = Field(default=None, description="PagerDuty service name.")
    team: Short | None = Field(default=None, description="Owning team, if one claims the service.")
    phase: Phase = Field(description="drafting, tracking, follow_up or closed.")
    facilitator: Short = Field(default="", description="Facilitator email.")
    resolved_at: Moment = Field(description="When the incident was resolved.")
    published_at: Moment | None = None
    follow_up_at: Moment | None = Field(default=None, description="Scheduled follow-up meeting.")
    follow_up_recorded_at: Moment | None = None
    follow_up_notes: Text | None = None
    closed_at: Moment | None = None
    review_url: Annotated[str, Field(max_length=2000)] | None = None
    doc_url: Annotated[str, Field(max_length=2000)] | None = None
    symptom: Text = Field(default="", description="What users or systems saw.")
    whys: list[Text] = Field(default_factory=list, max_length=20)
    root_causes: list[RootCauseRecord] = Field(default_factory=list, max_length=50)
    items: list[ItemRecord] = Field(default_factory=list, max_length=200)
    follow_up: list[FollowUpOutcomeRecord] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _unique_ids(self) -> ReviewRecord:
        for name, ids in (
            ("root_causes", [c.id for c in self.root_causes]),
            ("items", [i.id for i in self.items]),
            ("follow_up", [o.item_id for o in self.follow_up]),
        ):
            if len(set(ids)) != len(ids):
                raise ValueError(f"{name}: the same id appears twice")
        return self

    @property
    def service_key(self) -> str | None:
        """What "the same service" means: the PagerDuty id, else the name."""
        return self.service_id or self.service_name

    @property
    def service(self) -> str | None:
        """The service as people read it."""
        return self.service_name or self.service_id


class ReviewFilter(Record):
    """What ``GET /api/reviews`` can ask for; every filter is optional and they combine (AND).

    ``owner`` keeps reviews with an item of that owner; with ``overdue`` the item must also be
    overdue. ``q`` is full text over titles, five whys, root causes and items.
    """

    phase: Phase | None = None
    team: Short | None = Field(default=None, description=f"Team name; {NO_TEAM!r} for none.")
    service: Short | None = Field(default=None, description="PagerDuty service id or name.")
    owner: Short | None = Field(default=None, description="Owner email of an item.")
    overdue: bool = Field(default=False, description="Only reviews with an overdue item.")
    q: str | None = Field(default=None, description="Words to search for (prefixes).")
    limit: int = Field(default=50, ge=1, le=500, description="Reviews per page (1-500).")
    cursor: Annotated[str, Field(max_length=1000)] | None = Field(
        default=None, description="``next_cursor`` of the previous page."
    )


class RepeatQuery(Record):
    """Find earlier reviews a review repeats (it need not be in the store yet)."""

    incident_id: Id = Field(description="The review asking; never listed itself.")
    service_id: Short | None = None
    service_name: Short | None = None
    team: Short | None = None
    resolved_at: Moment = Field(description="Only reviews resolved before this are earlier.")
    window: timedelta = Field(description="How far back: the policy's recurrence.window.")
    linked: list[Id] = Field(
        default_factory=list,
        max_length=50,
        description="Incidents whose root causes this review links to (listed at any age).",
    )
    limit: int = Field(default=10, ge=1, le=50)

    @property
    def service_key(self) -> str | None:
        return self.service_id or self.service_name


# --- answers ---------------------------------------------------------------------------------------


class ReviewRow(Record):
    """One review in a list (the ``GET /api/reviews`` shape)."""

    incident_id: str
    title: str
    service: str | None
    team: str | None
    phase: Phase
    resolved_at: datetime
    open_items: int = Field(description="Items still open.")
    overdue_items: int = Field(description="Open items past their due date (tracked reviews).")


class ReviewPage(Record):
    reviews: list[ReviewRow]
    next_cursor: str | None = Field(description="Pass as ``cursor`` for the next page; None: end.")


class OverdueItem(Record):
    """An open item of a tracked review, past its due date."""

    incident_id: str
    incident_title: str
    team: str = Field(description="The review's team, or NO_TEAM.")
    item_id: str
    title: str
    owner: str
    due: str
    due_at: datetime
    days_overdue: int
    ticket_key: str | None = None
    ticket_url: str | None = None
    escalations: int = 0
    review_url: str | None = None


class OwnerOverdue(Record):
    owner: str
    count: int
    items: list[OverdueItem] = Field(description="Most overdue first (up to the query's limit).")


class TeamOverdue(Record):
    team: str
    count: int
    owners: list[OwnerOverdue]


class WeekPoint(Record):
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


class Dashboard(Record):
    """The dashboard's figures over every review in the store."""

    reviews: int = Field(description="Every review.")
    by_phase: dict[str, int] = Field(description="Reviews per phase (every phase present).")
    newest: dict[str, list[ReviewRow]] = Field(description="Newest reviews of each phase.")
    open: int = Field(description="Open items of tracked reviews.")
    overdue: int
    done: int
    dropped: int
    completion_rate: float | None = Field(description="done / (done + open); dropped excluded.")
    median_days_to_close: float | None = Field(
        description="Median days from publishing to done, one decimal."
    )
    overdue_by_team: list[TeamOverdue]
    weeks: list[WeekPoint]


class CategoryQuarter(Record):
    quarter: str = Field(description="e.g. 2026-Q4 (UTC).")
    counts: dict[str, int] = Field(description="Root causes per category (every category).")


class ServiceTrend(Record):
    service: str
    incidents: int
    open_items: int


class QuarterCount(Record):
    quarter: str
    count: int


class TeamTimeToClose(Record):
    team: str
    items: int = Field(description="Done items measured.")
    median_days: float
    p90_days: float


class Trends(Record):
    """The ``GET /api/trends`` shape, over reviews resolved in ``[start, end)``."""

    root_cause_categories: list[CategoryQuarter]
    services: list[ServiceTrend]
    repeats: list[QuarterCount]
    time_to_close: list[TeamTimeToClose]
    closed_by_due_rate: float | None = Field(
        description="Done by their due date / items whose due date has come (dropped excluded)."
    )


class RootCauseView(Record):
    id: str
    category: Category
    statement: str


class RepeatItem(Record):
    id: str
    title: str
    owner: str
    status: ItemStatus
    due: str
    ticket_key: str | None = None
    ticket_url: str | None = None


class Repeat(Record):
    """An earlier review that this one repeats (the contract's ``repeats[]`` entry)."""

    incident_id: str
    title: str
    service: str | None
    team: str | None
    resolved_at: datetime
    review_url: str | None = None
    match: Literal["service", "team", "linked"] = Field(
        description="Why it is listed: same service, same team, or a root cause linked to it."
    )
    root_causes: list[RootCauseView]
    open_items: list[RepeatItem] = Field(description="Its items that are still open or dropped.")


class Suggestion(Record):
    """An earlier root cause of the same service and category, to link to."""

    incident_id: str
    title: str
    resolved_at: datetime
    root_cause_id: str
    category: Category
    statement: str


class RepeatIncident(Record):
    """A review resolved in a period that repeats an earlier one (for the digest)."""

    incident_id: str
    title: str
    service: str | None
    team: str | None
    resolved_at: datetime
    earlier_incident_id: str = Field(description="The newest earlier review it repeats.")
    earlier_title: str


class DigestData(Record):
    """Everything the weekly digest reads, over all reviews."""

    period_start: datetime
    period_end: datetime
    teams: list[DigestTeamFigures]
    overdue: list[OverdueItem] = Field(description="Every open item past due, oldest due first.")
    repeats: list[RepeatIncident] = Field(description="Repeat incidents resolved this period.")


class DigestTeamFigures(Record):
    team: str
    open: int
    overdue: int
    closed_this_period: int
    done: int
    completion_rate: float | None
    median_days_to_close: float | None


DigestData.model_rebuild()
