"""What callers exchange with the workflows: start inputs, signal and update payloads, query
answers and results.

These are the wire contracts of running reviews (pydantic, encoded by the one
``pydantic_data_converter``): a field may be added with a default, never renamed or removed,
because histories already hold the old shapes. The review's own state lives in
:mod:`workflows.review`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from workflows.policy import Policy
from workflows.review import (
    ActionItem,
    Attributed,
    Finding,
    Incident,
    Model,
    Phase,
    Priority,
    ReviewState,
    RootCause,
    Violation,
)

__all__ = [
    "ITEM_CHANGED",
    "STATUS_QUERY",
    "ActionItemInput",
    "ActionItemRevision",
    "ActionItemWithdrawal",
    "DigestInput",
    "DropRequest",
    "FacilitatorChanged",
    "ItemEdit",
    "ItemReport",
    "MarkDone",
    "PostmortemInput",
    "ReplanRequest",
    "ReviewOutcome",
    "ReviewStatus",
    "TicketEvent",
    "UpdateResult",
    "WentWellRevision",
    "Withdrawn",
]

#: Message names used where the workflow class cannot be imported (an item's workflow reports to
#: its review; the digest's activity queries reviews): PostmortemWorkflow's handlers carry them.
ITEM_CHANGED = "item_changed"
STATUS_QUERY = "status"


class ReviewStatus(Model):
    """What the ``status`` query answers: the state, its findings, what blocks publishing."""

    state: ReviewState
    findings: list[Finding] = Field(default_factory=list)
    publish_blockers: list[Violation] = Field(default_factory=list)


class UpdateResult(Model):
    """What an accepted review update answers: small, since Temporal records it in the history.

    The whole state is one ``status`` query away; an update that answered with it would copy the
    review into the history on every change.
    """

    revision: int = Field(description="The review's revision after the change.")
    phase: Phase = Field(description="The review's phase after the change.")
    changed: str = Field(description="What changed, as a field path, e.g. went_well.2.")


class PostmortemInput(Model):
    """Start input of PostmortemWorkflow; ``state`` is set only by continue-as-new."""

    incident: Incident = Field(description="What the webhook (or `trigger`) knew.")
    policy: Policy = Field(default_factory=Policy, description="Policy snapshot for this review.")
    review_url: str | None = Field(default=None, description="Base URL of the review web page.")
    state: ReviewState | None = Field(default=None, description="Carried state after CAN.")


class ActionItemInput(Model):
    """Start input of ActionItemWorkflow; ``item`` carries tracking state across CAN."""

    parent_workflow_id: str = Field(description="PostmortemWorkflow id to report to.")
    incident: Incident = Field(description="The incident, for ticket text and emails.")
    item: ActionItem = Field(description="The item, as published.")
    root_cause: RootCause | None = Field(default=None, description="The root cause it addresses.")
    facilitator: str = Field(description="Facilitator email.")
    leadership: list[str] = Field(description="Leadership emails.")
    review_url: str | None = Field(default=None, description="Link to the review.")
    doc_url: str | None = Field(
        default=None,
        description="The review document outside Followthrough (Confluence), if any: tickets link "
        "to it.",
    )
    policy: Policy = Field(default_factory=Policy)
    reminded: bool = Field(default=False, description="Owner reminder sent for the current due.")
    overdue_notified: bool = Field(
        default=False, description="Overdue notice sent for current due."
    )
    last_escalation_at: datetime | None = None
    last_reconciled_at: datetime | None = None
    ticket_attempts: int = Field(default=0, description="Failed attempts to open the ticket.")
    review_closed: bool = Field(default=False, description="The review has closed.")
    seen_events: list[str] = Field(
        default_factory=list,
        description="Ticket event ids already applied, newest last (carried across CAN).",
    )


class ItemReport(Model):
    """Signal from an item's workflow to its review: the item's state changed."""

    item: ActionItem = Field(description="The item as its workflow now sees it.")


class TicketEvent(Model):
    """Signal payload for ticket_closed / ticket_reopened / ticket_deleted."""

    key: str = Field(description="Ticket key.")
    issue_id: str | None = Field(
        default=None, description="The tracker's issue id, if it sent one."
    )
    at: datetime | None = Field(default=None, description="When the tracker says it happened.")
    event_id: str | None = Field(default=None, description="Webhook or changelog id, for dedupe.")


class ReplanRequest(Model):
    """Update payload for ActionItemWorkflow.replan."""

    due: str = Field(description="New due date (ISO date or date-time).")
    reason: str = Field(min_length=1, description="Why it moved.")


class DropRequest(Model):
    """Update payload for ActionItemWorkflow.drop."""

    reason: str = Field(min_length=1, description="Why the item is dropped.")


class MarkDone(Model):
    """Signal payload when the facilitator confirms an item done at the follow-up."""

    reason: str | None = Field(default=None, description="Optional note.")


class FacilitatorChanged(Model):
    """Signal payload: the review has a new facilitator, whom the item copies on its mail."""

    facilitator: str = Field(description="The new facilitator's email (lower case).")


class DigestInput(Model):
    """Input of DigestWorkflow (set by the schedule created at worker start)."""

    policy: Policy = Field(default_factory=Policy)
    dashboard_url: str | None = Field(default=None, description="Link to the dashboard.")


class ReviewOutcome(Model):
    """Result of a closed review."""

    incident_id: str
    items_done: int
    items_dropped: int
    closed_at: datetime


class ItemEdit(Model):
    """Fields of an item to change. While drafting any of them (unset ones stay as they are);
    once published only ``due`` with a ``reason``: a re-plan."""

    title: str | None = None
    owner: str | None = None
    due: str | None = None
    done_when: str | None = None
    root_cause: str | None = None
    priority: Priority | None = None
    reason: str | None = Field(default=None, description="Why the due date moved (after publish).")


class ActionItemRevision(ItemEdit, Attributed):
    """Update payload for PostmortemWorkflow.revise_action_item."""

    id: str = Field(description="Action item id.")


class WentWellRevision(Attributed):
    """Update payload for PostmortemWorkflow.revise_went_well: a new text, or none to remove it.

    The way to mend an entry that should not stand (a typo, blaming words, a paste gone wrong).
    """

    index: int = Field(ge=0, description="Position of the entry, from 0, as the review lists it.")
    text: str | None = Field(default=None, description="The new text; unset removes the entry.")


class ActionItemWithdrawal(Attributed):
    """Update payload for PostmortemWorkflow.withdraw_action_item: removed while drafting, dropped
    with ``reason`` once published."""

    id: str = Field(description="Action item id.")
    reason: str | None = Field(default=None, description="Why it is dropped (after publish).")


class Withdrawn(Model):
    """What withdraw_action_item did: removed a draft item, or dropped a published one."""

    removed: bool = Field(description="True: the draft item is gone; false: it is dropped.")
    item: ActionItem = Field(description="The item as it was removed, or as dropped.")
