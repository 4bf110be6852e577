"""What the review store takes: a review's record, the list's filters, a repeat query.

The store is a read model of every review. The workflow stays the authority: an activity maps the
workflow's state to a :class:`ReviewRecord` and hands it over, so this package never imports
``temporalio`` nor the workflow code. Enumerations live in :mod:`connectors.store.kinds` and the
read answers in :mod:`connectors.store.answers`; both are re-exported here.

Every field that reaches the database has a length limit, so one oversized review cannot bloat the
store or the search index; the limits are far above what the review rules let through.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from connectors.store.answers import (
    CategoryQuarter,
    Dashboard,
    DigestData,
    DigestTeamFigures,
    OverdueItem,
    OwnerOverdue,
    QuarterCount,
    Repeat,
    RepeatIncident,
    RepeatItem,
    ReviewPage,
    ReviewRow,
    RootCauseView,
    ServiceTrend,
    Suggestion,
    TeamOverdue,
    TeamTimeToClose,
    Trends,
    WeekPoint,
)
from connectors.store.kinds import (
    CATEGORIES,
    ITEM_STATUSES,
    NO_TEAM,
    PHASES,
    Category,
    FollowUpStatus,
    ItemStatus,
    Phase,
)

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
    priority: Annotated[str, Field(max_length=20)] = Field(
        default="medium", description="high, medium or low."
    )
    status: ItemStatus = Field(default="open", description="open, done or dropped.")
    outcome: Annotated[str, Field(max_length=20)] | None = Field(
        default=None, description="done_on_time, done_late or dropped, once settled."
    )
    ticket_key: Short | None = Field(default=None, description="Tracker ticket key.")
    ticket_url: Annotated[str, Field(max_length=2000)] | None = Field(
        default=None, description="Link to the ticket."
    )
    closed_at: Moment | None = Field(default=None, description="When it was done or dropped.")
    reason: Text | None = Field(default=None, description="Why it was dropped.")
    replans: int = Field(default=0, ge=0, description="How often the due date moved.")
    escalations: int = Field(default=0, ge=0, description="Escalations sent so far.")


class FollowUpOutcomeRecord(Record):
    """The follow-up meeting's decision on one item."""

    item_id: Id = Field(description="The item decided on.")
    status: FollowUpStatus = Field(description="done, replanned or dropped.")
    due: Annotated[str, Field(max_length=40)] | None = Field(
        default=None, description="The new due date of a re-planned item (ISO)."
    )
    reason: Text | None = Field(default=None, description="Why it was re-planned or dropped.")


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
    published_at: Moment | None = Field(default=None, description="When it was published.")
    follow_up_at: Moment | None = Field(default=None, description="Scheduled follow-up meeting.")
    follow_up_recorded_at: Moment | None = Field(
        default=None, description="When the follow-up meeting's outcome was recorded."
    )
    follow_up_notes: Text | None = Field(default=None, description="The meeting's notes.")
    closed_at: Moment | None = Field(default=None, description="When the review closed.")
    review_url: Annotated[str, Field(max_length=2000)] | None = Field(
        default=None, description="Link to the review's page."
    )
    doc_url: Annotated[str, Field(max_length=2000)] | None = Field(
        default=None, description="Link to the review's document."
    )
    publish_blockers: int | None = Field(
        default=None,
        ge=0,
        description="Drafts: how many checks still block publishing (0 once published; None: "
        "not known).",
    )
    symptom: Text = Field(default="", description="What users or systems saw.")
    whys: list[Text] = Field(default_factory=list, max_length=20, description="The five whys.")
    root_causes: list[RootCauseRecord] = Field(
        default_factory=list, max_length=50, description="At the end of the why-chain."
    )
    items: list[ItemRecord] = Field(
        default_factory=list, max_length=200, description="Action items, in order."
    )
    follow_up: list[FollowUpOutcomeRecord] = Field(
        default_factory=list, max_length=200, description="The follow-up meeting's decisions."
    )

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

    phase: Phase | None = Field(default=None, description="Reviews in this phase.")
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
    service_id: Short | None = Field(default=None, description="Its PagerDuty service id.")
    service_name: Short | None = Field(default=None, description="Its PagerDuty service name.")
    team: Short | None = Field(default=None, description="Its team: earlier reviews of it count.")
    resolved_at: Moment = Field(description="Only reviews resolved before this are earlier.")
    window: timedelta = Field(description="How far back: the policy's recurrence.window.")
    linked: list[Id] = Field(
        default_factory=list,
        max_length=50,
        description="Incidents whose root causes this review links to (listed at any age).",
    )
    limit: int = Field(default=10, ge=1, le=50, description="At most this many (1-50).")

    @property
    def service_key(self) -> str | None:
        return self.service_id or self.service_name
