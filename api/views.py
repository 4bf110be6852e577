"""What the HTTP API answers: one pydantic model per answer, so ``/openapi.json`` documents the
responses as well as the requests. Shapes are public (README, DESIGN.md): a field is never renamed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from workflows.contracts import ReviewStatus
from workflows.review import (
    ActionItem,
    EarlierReview,
    Finding,
    FollowUpRecord,
    Incident,
    ItemStatus,
    Phase,
    Problem,
    RootCause,
    RootCauseCategory,
    Violation,
)

__all__ = [
    "ErrorBody",
    "ErrorEntry",
    "FiveWhysView",
    "Health",
    "LinksRevoked",
    "LintAnswer",
    "RepeatCause",
    "RepeatItem",
    "RepeatView",
    "ReviewView",
    "TicketClosed",
    "WebhookAnswer",
    "review_view",
]


class ErrorEntry(BaseModel):
    """One reason a request was refused."""

    code: str = Field(description="Stable code from workflows.codes.Code.")
    field: str = Field(description="Dotted path of the offending field, or empty.")
    message: str = Field(description="What is wrong.")
    hint: str = Field(description="How to fix it, or empty.")


class ErrorBody(BaseModel):
    """Every answer other than success: ``{"errors": [{"code", "field", "message", "hint"}]}``."""

    errors: list[ErrorEntry] = Field(description="Every problem at once (all rule violations).")


class FiveWhysView(BaseModel):
    """The chain from the symptom (root causes are listed beside it, in ``root_causes``)."""

    symptom: str = Field(description="What users or systems saw.")
    whys: list[str] = Field(description="Each answer to 'why?', in order.")


class RepeatCause(BaseModel):
    """A root cause of an earlier review."""

    category: RootCauseCategory
    statement: str


class RepeatItem(BaseModel):
    """An item of an earlier review that is still open, or was dropped."""

    id: str
    title: str
    owner: str = Field(description="Owner email.")
    status: ItemStatus = Field(description="open or dropped.")
    due: str = Field(description="Due date as planned (ISO).")


class RepeatView(BaseModel):
    """An earlier review of the same service (or team) within the policy's recurrence window."""

    incident_id: str
    title: str
    service: str | None = Field(description="The PagerDuty service, when known.")
    resolved_at: datetime
    match: Literal["service", "team", "linked"] = Field(
        description="Why it is listed: the same service, the same team, or a linked root cause."
    )
    root_causes: list[RepeatCause]
    open_items: list[RepeatItem] = Field(description="Its items still open or dropped.")


def repeat_view(earlier: EarlierReview) -> RepeatView:
    return RepeatView(
        incident_id=earlier.incident_id,
        title=earlier.title,
        service=earlier.service,
        resolved_at=earlier.resolved_at,
        match=earlier.match,
        root_causes=[
            RepeatCause(category=c.category, statement=c.statement) for c in earlier.root_causes
        ],
        open_items=[
            RepeatItem(id=i.id, title=i.title, owner=i.owner, status=i.status, due=i.due)
            for i in earlier.open_items
        ],
    )


class ReviewView(BaseModel):
    """One review as the API shows it: its state, the open findings and what blocks publishing."""

    incident: Incident
    phase: Phase
    team: str | None = Field(description="Owning team, if a team claims it.")
    facilitator: str = Field(description="Facilitator email.")
    doc_url: str | None = Field(description="The review document, once written.")
    review_url: str | None = Field(description="The review's web page.")
    five_whys: FiveWhysView | None = Field(description="None until the five whys are submitted.")
    root_causes: list[RootCause] = Field(description="Where the chain ends.")
    action_items: list[ActionItem]
    went_well: list[str] = Field(description="What went well, in order.")
    findings: list[Finding] = Field(description="Blameless-language findings in free text.")
    publish_blockers: list[Violation] = Field(description="Why it cannot be published yet.")
    published_at: datetime | None
    follow_up_at: datetime | None = Field(description="Scheduled follow-up meeting start.")
    follow_up: FollowUpRecord | None = Field(description="The follow-up's recorded outcome.")
    closed_at: datetime | None
    problems: list[Problem] = Field(description="Outside-system failures the review recorded.")
    blame_override: str | None = Field(description="Why open findings did not block publishing.")
    revision: int = Field(description="Bumped on every accepted change.")
    links_revoked_at: datetime | None = Field(
        description="Links sent until then no longer open the review."
    )
    repeats: list[RepeatView] = Field(
        description="Earlier reviews of the same service (or team, or linked by a root cause), "
        "newest first: found in the review store when this review opened, refreshed at each read."
    )


def review_view(status: ReviewStatus) -> ReviewView:
    """The public shape of one review, from the workflow's status query."""
    state = status.state
    five = state.five_whys
    return ReviewView(
        incident=state.incident,
        phase=state.phase,
        team=state.team,
        facilitator=state.facilitator,
        doc_url=state.doc_url,
        review_url=state.review_url,
        five_whys=FiveWhysView(symptom=five.symptom, whys=five.whys) if five else None,
        root_causes=five.root_causes if five else [],
        action_items=state.action_items,
        went_well=[w.text for w in state.went_well],
        findings=status.findings,
        publish_blockers=status.publish_blockers,
        published_at=state.published_at,
        follow_up_at=state.follow_up_at,
        follow_up=state.follow_up,
        closed_at=state.closed_at,
        problems=state.problems,
        blame_override=state.blame_override,
        repeats=[repeat_view(r) for r in state.repeats],
        revision=state.revision,
        links_revoked_at=state.links_revoked_at,
    )


class LinksRevoked(BaseModel):
    """The answer of revoking a review's links."""

    incident_id: str = Field(description="The review.")
    links_revoked_at: datetime = Field(
        description="Links sent until then no longer open the review (401 link_revoked)."
    )


class TicketClosed(BaseModel):
    """A local-tracker ticket after closing it."""

    key: str = Field(description="The ticket key.")
    done: bool = Field(description="True: the ticket is closed.")


class LintAnswer(BaseModel):
    """Findings in the text: by field (title, then done_when, with kind=action_item), then offset."""

    findings: list[Finding] = Field(description="Every finding, by field then offset.")


class WebhookAnswer(BaseModel):
    """What a webhook delivery did. Unset fields are left out of the answer."""

    model_config = ConfigDict(extra="forbid")

    status: str = Field(
        description="started, duplicate, stale, ignored, skipped; or closed, reopened, deleted "
        "(Jira)."
    )
    reason: str | None = Field(default=None, description="Why nothing started or moved.")
    incident_id: str | None = Field(default=None, description="The incident concerned.")
    workflow_id: str | None = Field(default=None, description="The review's workflow id.")
    started: bool | None = Field(default=None, description="True: a new review started.")
    action_item: str | None = Field(default=None, description="The item a ticket change moved.")


class Health(BaseModel):
    """Liveness."""

    status: str = Field(description="Always ok when the process answers.")
