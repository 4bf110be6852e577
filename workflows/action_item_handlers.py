"""What an action item's workflow hears: ticket events, the review's decisions, the owner's
re-plan or drop, and its query; and the state changes they share with the main loop.

A mixin of :class:`workflows.action_item.ActionItemWorkflow` (the SDK registers handlers a workflow
class inherits). Ticket events arrive at least once and may concern another ticket: both change
nothing.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

__all__ = ["SEEN_EVENTS", "TICKET_MATCH_PATCH", "ItemHandlers"]

with workflow.unsafe.imports_passed_through():
    from workflows import calls, deadlines, limits, rules
    from workflows.contracts import (
        ActionItemInput,
        DropRequest,
        FacilitatorChanged,
        MarkDone,
        ReplanRequest,
        TicketEvent,
    )
    from workflows.review import ActionItem, ActionItemDraft, ItemOutcome, ItemStatus, Replan

#: workflow.patched id: ticket events about another ticket than the item's change nothing.
TICKET_MATCH_PATCH = "ticket-events-match-the-ticket"
#: Ticket event ids remembered for de-duplication (Jira redelivers for hours, not for weeks).
SEEN_EVENTS = 200


class ItemHandlers:
    """The item's signals, updates and query; the workflow sets ``inp``, ``item``,
    ``_seen_events`` and ``_problem_mail``."""

    inp: ActionItemInput
    item: ActionItem
    #: Ticket event ids seen, newest last (at most ``SEEN_EVENTS``).
    _seen_events: list[str]
    #: A problem the facilitator has not been told yet.
    _problem_mail: str | None
    #: Whether the run has ``ITEM_SMALL_HISTORY_PATCH`` (and so every older item patch).
    _small: bool

    @property
    def _tz(self) -> str:
        return self.inp.item_rules.timezone

    @property
    def _due(self) -> datetime:
        return deadlines.item_due(self.item, self._tz)

    def _flag(self, problem: str) -> None:
        self.item.problem = problem
        self._problem_mail = problem

    def _ticket_gone(self) -> None:
        assert self.item.ticket is not None
        message = (
            f"Ticket {self.item.ticket.key} of action item {self.item.id} was deleted in the "
            "tracker. The item stays open; re-plan or drop it at the follow-up."
        )
        if self.item.problem != message:
            self._flag(message)

    # --- state changes -------------------------------------------------------------------------

    def _settle_done(self, at: datetime) -> None:
        item = self.item
        if item.status != ItemStatus.OPEN:
            return
        item.status = ItemStatus.DONE
        item.closed_at = at
        item.outcome = ItemOutcome.DONE_ON_TIME if at <= self._due else ItemOutcome.DONE_LATE

    def _apply_replan(self, request: ReplanRequest) -> None:
        item, inp = self.item, self.inp
        item.replans.append(Replan(due=request.due, reason=request.reason, at=workflow.now()))
        item.due = request.due
        item.status, item.outcome, item.closed_at = ItemStatus.OPEN, None, None
        inp.reminded = inp.overdue_notified = False
        inp.last_escalation_at = None

    def _apply_drop(self, reason: str) -> None:
        item = self.item
        item.status = ItemStatus.DROPPED
        item.outcome = ItemOutcome.DROPPED
        item.reason = reason
        item.closed_at = workflow.now()

    def _fresh(self, event: TicketEvent) -> bool:
        """Webhooks arrive at least once: an event id seen before changes nothing.

        An event about another ticket than the item's (a label copied onto someone else's issue)
        changes nothing either; nor does one before the item has a ticket.
        """
        if self._matches_tickets() and not self._ours(event):
            return False
        if event.event_id is None:
            return True
        if event.event_id in self._seen_events:
            return False
        self._seen_events = [*self._seen_events, event.event_id][-SEEN_EVENTS:]
        return True

    def _matches_tickets(self) -> bool:
        """Replay: 0.1.0 took every event; the marker says this run compares tickets. A run with
        ``ITEM_SMALL_HISTORY_PATCH`` compares them without asking (no marker of its own)."""
        return self._small or workflow.patched(TICKET_MATCH_PATCH)

    def _ours(self, event: TicketEvent) -> bool:
        ticket = self.item.ticket
        if ticket is None or event.key != ticket.key:
            return False
        return ticket.id is None or event.issue_id is None or event.issue_id == ticket.id

    # --- signals -------------------------------------------------------------------------------

    @workflow.signal
    def ticket_closed(self, event: TicketEvent) -> None:
        """The owner moved the ticket into a done status."""
        if self._fresh(event):
            self._settle_done(event.at or workflow.now())

    @workflow.signal
    def ticket_reopened(self, event: TicketEvent) -> None:
        """The ticket left the done category: the item is open again."""
        if not self._fresh(event) or self.item.status != ItemStatus.DONE:
            return
        if event.at and self.item.closed_at and event.at < self.item.closed_at:
            return  # an older event delivered late
        self.item.status, self.item.outcome, self.item.closed_at = ItemStatus.OPEN, None, None

    @workflow.signal
    def ticket_deleted(self, event: TicketEvent) -> None:
        if self._fresh(event) and self.item.ticket is not None:
            self._ticket_gone()

    @workflow.signal
    def replan_decided(self, request: ReplanRequest) -> None:
        """The follow-up meeting gave the item a new due date."""
        if self.item.status != ItemStatus.DROPPED:
            self._apply_replan(request)

    @workflow.signal
    def drop_decided(self, request: DropRequest) -> None:
        """The follow-up meeting dropped the item."""
        if self.item.status != ItemStatus.DROPPED:
            self._apply_drop(request.reason)

    @workflow.signal
    def done_confirmed(self, request: MarkDone) -> None:  # noqa: ARG002 (the signal's payload)
        """The follow-up meeting confirmed the item done."""
        self._settle_done(workflow.now())

    @workflow.signal
    def review_closed(self) -> None:
        self.inp.review_closed = True

    @workflow.signal
    def facilitator_changed(self, change: FacilitatorChanged) -> None:
        """An admin named another facilitator: later mail copies them (carried across
        continue-as-new in the input). A new signal: histories that never heard it replay as
        before."""
        self.inp.facilitator = change.facilitator

    # --- updates and queries -------------------------------------------------------------------

    @workflow.update
    def replan(self, request: ReplanRequest) -> ActionItem:
        """Move the due date (with a reason); reminders and escalations restart from it."""
        self._apply_replan(request)
        return self.item

    @replan.validator
    def _validate_replan(self, request: ReplanRequest) -> None:
        if self.item.status == ItemStatus.DROPPED:
            raise calls.wrong_phase("re-plan a dropped item", self.item.status.value)
        if oversized := limits.oversize(request) + limits.room_for(
            "replans", len(self.item.replans), limits.REPLANS
        ):
            raise calls.rules_rejected(oversized)
        draft = ActionItemDraft(
            **{
                **self.item.model_dump(include=set(ActionItemDraft.model_fields)),
                "due": request.due,
            }
        )
        violations = [
            v
            for v in rules.check_action_item(
                draft, {self.item.root_cause}, workflow.now(), self.inp.item_rules
            )
            if v.field == "due"
        ]
        if violations:
            raise calls.rules_rejected(violations)

    @workflow.update
    def drop(self, request: DropRequest) -> ActionItem:
        """Drop the item with a reason; its workflow ends."""
        self._apply_drop(request.reason)
        return self.item

    @drop.validator
    def _validate_drop(self, request: DropRequest) -> None:
        if self.item.status == ItemStatus.DROPPED:
            raise calls.wrong_phase("drop an item", "dropped")
        if oversized := limits.oversize(request):
            raise calls.rules_rejected(oversized)

    @workflow.query
    def current(self) -> ActionItem:
        return self.item
