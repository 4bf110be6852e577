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

from workflows.policy import ItemPolicy, Policy
from workflows.review import (
    ActionItem,
    Attributed,
    Finding,
    Incident,
    ItemOutcome,
    ItemStatus,
    Model,
    Phase,
    Priority,
    Replan,
    ReviewState,
    RootCause,
    Ticket,
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
    "ItemProgress",
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
    policy: Policy | None = Field(
        default_factory=Policy,
        description="The review's whole policy; None for items started since "
        "'review-lean-history', which get ``item_policy`` instead.",
    )
    item_policy: ItemPolicy | None = Field(
        default=None,
        description="The item's part of the policy (since 'review-lean-history'); None: the "
        "item's part of ``policy``.",
    )
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

    @property
    def item_rules(self) -> ItemPolicy:
        """The policy the item runs on, whichever way the review sent it (defaults if neither)."""
        if self.item_policy is not None:
            return self.item_policy
        return ItemPolicy.of(self.policy or Policy())


class ItemProgress(Model):
    """What an item's workflow itself changes about its item: everything but what only the review
    decides (title, owner, done-when, root cause, priority, who added it). The due date and the
    re-plans are here because the item's own ``replan`` update changes them too."""

    id: str = Field(description="The item's id within the review.")
    status: ItemStatus = Field(description="open, done or dropped.")
    due: str = Field(description="The current due date.")
    ticket: Ticket | None = Field(default=None, description="Set once the ticket is open.")
    outcome: ItemOutcome | None = Field(default=None, description="How it ended, once settled.")
    closed_at: datetime | None = Field(default=None, description="When it was done or dropped.")
    reason: str | None = Field(default=None, description="Why it was dropped, if it was.")
    replans: list[Replan] = Field(default_factory=list, description="Re-plans heard so far.")
    escalations: int = Field(default=0, description="Escalations sent to leadership so far.")
    problem: str | None = Field(default=None, description="What stops the item's tracking.")

    @classmethod
    def of(cls, item: ActionItem) -> ItemProgress:
        """``item``'s progress."""
        return cls.model_validate(item.model_dump(include=set(cls.model_fields)))

    def applied_to(self, item: ActionItem) -> ActionItem:
        """``item`` (the review's copy) with this progress: the item as its workflow sees it."""
        return ActionItem.model_validate({**item.model_dump(), **self.model_dump()})


class ItemReport(Model):
    """Signal from an item's workflow to its review: the item's state changed. Items since
    'item-lean-history' send their ``progress`` only; before, the whole ``item``."""

    item: ActionItem | None = Field(
        default=None, description="The item as its workflow now sees it (before the patch)."
    )
    progress: ItemProgress | None = Field(
        default=None, description="What the item's workflow changed (since the patch)."
    )

    @property
    def item_id(self) -> str:
        """The id of the item reported on."""
        if self.item is not None:
            return self.item.id
        assert self.progress is not None, "a report carries the item or its progress"
        return self.progress.id

    def applied_to(self, current: ActionItem) -> ActionItem:
        """The reported item: as sent, or the review's copy ``current`` with its progress."""
        if self.item is not None:
            return self.item
        assert self.progress is not None, "a report carries the item or its progress"
        return self.progress.applied_to(current)


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
