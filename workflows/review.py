"""The review domain: pydantic models for incidents, the analysis, action items and review state.

Pure and deterministic: no I/O, no clocks, no randomness. Every model that is a workflow, update,
signal or activity argument lives here (or in :mod:`workflows.policy`), so the API, the activities
and the workflows agree on one shape; the action item's models are defined in
:mod:`workflows.items` and the base models in :mod:`workflows.model`, and offered here too. Models
built inside workflow code have no ``now()`` or ``uuid4()`` default factories: timestamps come
from ``workflow.now()`` (see temporal-practice §2.4).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import Field

from workflows.audit import AuditTrail
from workflows.items import (
    ActionItem,
    ActionItemChange,
    ActionItemDraft,
    FollowUpOutcome,
    FollowUpRecord,
    FollowUpStatus,
    ItemOutcome,
    ItemStatus,
    Priority,
    Replan,
    Ticket,
    due_day,
    parse_due,
)
from workflows.model import Attributed, Model
from workflows.policy import Policy

__all__ = [
    "ActionItem",
    "ActionItemChange",
    "ActionItemDraft",
    "Attributed",
    "CauseLink",
    "EarlierCause",
    "EarlierItem",
    "EarlierReview",
    "Finding",
    "FiveWhys",
    "FollowUpOutcome",
    "FollowUpRecord",
    "FollowUpStatus",
    "Incident",
    "ItemOutcome",
    "ItemStatus",
    "Model",
    "Person",
    "Phase",
    "Priority",
    "Problem",
    "PublishRequest",
    "RemoveActionItem",
    "ReplacedEdit",
    "Replan",
    "ReviewState",
    "RevokeLinks",
    "RootCause",
    "RootCauseCategory",
    "SetFacilitator",
    "Ticket",
    "TimelineEntry",
    "Violation",
    "WentWell",
    "due_day",
    "needs_review",
    "parse_due",
]


# --- incident --------------------------------------------------------------------------------------


class Person(Model):
    """Someone involved in the incident."""

    name: str = Field(description="Display name as PagerDuty shows it.")
    email: str | None = Field(default=None, description="Email, when known.")
    id: str | None = Field(default=None, description="PagerDuty user id, when known.")


class TimelineEntry(Model):
    """One line of the incident timeline (a PagerDuty log entry or note)."""

    at: datetime = Field(description="When it happened (UTC).")
    kind: str = Field(description="Log entry type without `_log_entry`, e.g. trigger, note.")
    summary: str = Field(description="What happened, as PagerDuty summarised it.")
    actor: str | None = Field(default=None, description="Who or what did it.")


class Incident(Model):
    """The resolved incident a review is about."""

    id: str = Field(description="PagerDuty incident id, e.g. PT4KHLK.")
    number: int | None = Field(default=None, description="PagerDuty incident number.")
    title: str = Field(description="Incident title.")
    service_id: str | None = Field(default=None, description="PagerDuty service id.")
    service_name: str | None = Field(default=None, description="PagerDuty service name.")
    priority: str | None = Field(default=None, description="Priority name (P1..P5) or none.")
    urgency: str | None = Field(default=None, description="high or low.")
    created_at: datetime | None = Field(default=None, description="When it was triggered.")
    resolved_at: datetime = Field(description="When it was resolved; deadlines count from here.")
    url: str | None = Field(default=None, description="PagerDuty web link.")
    responders: list[Person] = Field(default_factory=list, description="Who was involved.")
    timeline: list[TimelineEntry] = Field(
        default_factory=list, description="Log entries and notes, oldest first."
    )
    timeline_total: int | None = Field(
        default=None, description="Entries PagerDuty has, when more than the timeline keeps."
    )
    details_source: Literal["webhook", "pagerduty", "manual"] = Field(
        default="webhook", description="Where the details came from."
    )

    @property
    def duration(self) -> timedelta | None:
        return self.resolved_at - self.created_at if self.created_at else None


# --- analysis --------------------------------------------------------------------------------------


class RootCauseCategory(StrEnum):
    PROCESS = "process"
    DOCUMENTATION = "documentation"
    TOOLING = "tooling"
    ROLES = "roles"
    ENVIRONMENT = "environment"
    OTHER = "other"


class CauseLink(Model):
    """An earlier review's root cause that a new one names as "the same cause"."""

    incident_id: str = Field(min_length=1, max_length=200, description="The earlier incident.")
    root_cause_id: str = Field(
        min_length=1, max_length=40, description="Id of the root cause in that review."
    )


class RootCause(Model):
    """One root cause at the end of the why-chain."""

    id: str = Field(min_length=1, max_length=40, description="Short id items refer to, e.g. rc1.")
    category: RootCauseCategory = Field(description="Kind of cause.")
    statement: str = Field(description="The cause, about systems and conditions, not people.")
    same_as: CauseLink | None = Field(
        default=None,
        description="The same cause as in an earlier review (offered as a suggestion while "
        "writing); a linked cause makes this incident a repeat in the figures.",
    )


class FiveWhys(Attributed):
    """Symptom, then 3 to 7 whys, ending in one or more root causes."""

    symptom: str = Field(description="What users or systems saw.")
    whys: list[str] = Field(description="Each answer to 'why?', in order; 3 to 7 of them.")
    root_causes: list[RootCause] = Field(description="Where the chain ends; one or more.")


class WentWell(Attributed):
    """Something that went well; publishing needs at least one."""

    text: str = Field(description="What went well.")


class PublishRequest(Attributed):
    """Publish the review; an override reason lets it through with open blame or symptom findings."""

    blame_override: str | None = Field(
        default=None,
        description="Why the open findings are acceptable as they stand: blaming wording, and root "
        "causes that read as symptoms (one reason covers both).",
    )


class RemoveActionItem(Attributed):
    """Remove a draft action item."""

    id: str = Field(description="Action item id.")


class RevokeLinks(Attributed):
    """Revoke every link to the review sent until now (new emails carry new links)."""


class SetFacilitator(Attributed):
    """An admin names the review's facilitator (instead of the policy's team)."""

    facilitator: str = Field(
        min_length=3, max_length=320, description="The new facilitator's email address."
    )


# --- findings and violations -------------------------------------------------------------------------


class Violation(Model):
    """A rule the submission breaks: stable code, the field, a message and a hint."""

    code: str = Field(description="Stable code from workflows.codes.Code.")
    field: str = Field(description="Dotted path of the offending field, e.g. whys.2.")
    message: str = Field(description="What is wrong.")
    hint: str = Field(description="How to fix it.")


class Finding(Model):
    """A finding in free text: blaming language, a vague action item, or a root cause that is a symptom."""

    code: str = Field(description="Stable code from workflows.codes.Code.")
    kind: Literal["blame", "vague", "symptom"] = Field(
        description="blame, vague, or symptom (a root cause that only describes an effect)."
    )
    field: str | None = Field(default=None, description="Where in the review, if in one.")
    start: int = Field(description="Offset of the offending span.")
    end: int = Field(description="End offset (exclusive).")
    text: str = Field(description="The offending span.")
    message: str = Field(description="What is wrong.")
    hint: str = Field(description="A rewrite hint.")
    suggestion: str | None = Field(
        default=None, description="A concrete rewrite, when there is one."
    )


# --- review state ----------------------------------------------------------------------------------


class Phase(StrEnum):
    DRAFTING = "drafting"
    TRACKING = "tracking"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


class EarlierCause(Model):
    """A root cause of an earlier review, as a new review shows it."""

    id: str
    category: RootCauseCategory
    statement: str


class EarlierItem(Model):
    """An action item of an earlier review that is still open, or was dropped."""

    id: str
    title: str
    owner: str
    status: ItemStatus
    due: str
    ticket_key: str | None = None
    ticket_url: str | None = None


class EarlierReview(Model):
    """An earlier review of the same service (or team, or linked by a root cause)."""

    incident_id: str
    title: str
    service: str | None = None
    team: str | None = None
    resolved_at: datetime
    review_url: str | None = Field(default=None, description="Link to that review's page.")
    match: Literal["service", "team", "linked"] = Field(
        description="Why it is shown: the same service, the same team, or a linked root cause."
    )
    root_causes: list[EarlierCause] = Field(default_factory=list)
    open_items: list[EarlierItem] = Field(
        default_factory=list, description="Its items still open or dropped, in order."
    )

    @property
    def has_open_item(self) -> bool:
        return any(i.status == ItemStatus.OPEN for i in self.open_items)


class Problem(Model):
    """An integration failure the facilitator must know about (shown on the review)."""

    code: str = Field(description="Stable code, e.g. JiraPermissionDenied.")
    message: str = Field(description="What failed, without secrets.")
    action_item: str | None = Field(default=None, description="The item concerned, if any.")
    at: datetime | None = None


class ReplacedEdit(Model):
    """A person's edit of Followthrough's part of the document that a write replaced."""

    version: int = Field(description="The document version that held the person's edit.")
    url: str = Field(description="Where that version is read (the page history keeps it).")
    author: str | None = Field(default=None, description="Who saved it, when known.")
    sections: list[str] = Field(
        default_factory=list, description="The sections they changed; empty when not known."
    )


class ReviewState(Model):
    """Everything a review knows. Carried across continue-as-new; queried by the API."""

    incident: Incident
    phase: Phase = Phase.DRAFTING
    team: str | None = Field(default=None, description="Owning team name, if a team claims it.")
    facilitator: str = Field(description="Facilitator email.")
    leadership: list[str] = Field(description="Leadership emails for escalations.")
    five_whys: FiveWhys | None = None
    action_items: list[ActionItem] = Field(default_factory=list)
    went_well: list[WentWell] = Field(default_factory=list)
    blame_override: str | None = None
    published_at: datetime | None = None
    follow_up_at: datetime | None = Field(default=None, description="Scheduled meeting start.")
    follow_up_invited_at: datetime | None = None
    follow_up: FollowUpRecord | None = None
    closed_at: datetime | None = None
    doc_url: str | None = None
    doc_external: bool = Field(
        default=False,
        description="The document lives outside Followthrough (Confluence); tickets link to it.",
    )
    doc_edits_told: list[int] = Field(
        default_factory=list,
        description="Document versions whose replaced human edit the facilitator was told about.",
    )
    review_url: str | None = None
    next_item_number: int = 1
    draft_reminded: bool = False
    draft_escalations: int = 0
    last_draft_escalation_at: datetime | None = None
    started_items: list[str] = Field(
        default_factory=list, description="Items whose ActionItemWorkflow has been started."
    )
    opened_notified: bool = False
    problems: list[Problem] = Field(default_factory=list)
    repeats: list[EarlierReview] = Field(
        default_factory=list,
        description="Earlier reviews found in the store when this one opened, newest first.",
    )
    revision: int = Field(default=0, description="Bumped on every accepted change.")
    links_revoked_at: datetime | None = Field(
        default=None, description="Links signed until then no longer open the review."
    )
    audit: AuditTrail = Field(
        default_factory=AuditTrail, description="Who changed what (the latest 500 in full)."
    )

    def item(self, item_id: str) -> ActionItem | None:
        return next((i for i in self.action_items if i.id == item_id), None)

    @property
    def open_items(self) -> list[ActionItem]:
        return [i for i in self.action_items if i.status == ItemStatus.OPEN]

    @property
    def all_items_settled(self) -> bool:
        return all(i.status != ItemStatus.OPEN for i in self.action_items)


def needs_review(incident: Incident, policy: Policy) -> tuple[bool, str]:
    """Whether the policy wants a review of this incident, and why (for the webhook's answer)."""
    rules = policy.review
    duration = incident.duration
    if duration is not None and duration < rules.min_duration:
        return False, f"resolved in {duration}, under review.min_duration {rules.min_duration}"
    checks: list[bool] = []
    if rules.required_priorities:
        checks.append((incident.priority or "") in rules.required_priorities)
    if rules.required_urgencies:
        checks.append((incident.urgency or "") in rules.required_urgencies)
    if not checks:
        return True, "the policy reviews every incident"
    wanted = all(checks) if rules.require_all else any(checks)
    if not wanted:
        return False, (
            f"priority {incident.priority or 'none'} / urgency {incident.urgency or 'none'} "
            "is not in review.required_priorities / review.required_urgencies"
        )
    return True, "matches review.required_priorities / review.required_urgencies"
