"""What a review decides about its action items once they may have a workflow: re-plans, drops,
the follow-up's outcomes, and the reports the items' workflows send back.

A mixin of :class:`workflows.postmortem.PostmortemWorkflow`, on top of :class:`ReviewHandlers`.
Decisions that concern a published item are applied to the review's copy at once and forwarded to
the item's workflow, which owns its status and reports back with ``item_changed``.
"""

from __future__ import annotations

from typing import Any

from temporalio import workflow

__all__ = ["ItemDecisions"]

with workflow.unsafe.imports_passed_through():
    from workflows import calls, limits, rules
    from workflows.action_item import ActionItemWorkflow
    from workflows.codes import Code
    from workflows.contracts import (
        ITEM_CHANGED,
        ActionItemRevision,
        ActionItemWithdrawal,
        DropRequest,
        ItemReport,
        MarkDone,
        ReplanRequest,
        UpdateResult,
        Withdrawn,
    )
    from workflows.deadlines import item_due
    from workflows.ids import item_workflow_id
    from workflows.postmortem_handlers import ReviewHandlers, changed_summary, plural
    from workflows.review import (
        ActionItem,
        ActionItemChange,
        ActionItemDraft,
        FollowUpRecord,
        FollowUpStatus,
        ItemOutcome,
        ItemStatus,
        Model,
        Phase,
        Replan,
        Violation,
    )


class ItemDecisions(ReviewHandlers):
    """The review's decisions about its items and the item workflows' reports."""

    # --- state transitions -------------------------------------------------------------------

    def _settle(self, item: ActionItem, status: ItemStatus, reason: str | None) -> None:
        now = workflow.now()
        item.status = status
        item.closed_at = now
        item.reason = reason
        if status == ItemStatus.DROPPED:
            item.outcome = ItemOutcome.DROPPED
        else:
            on_time = now <= item_due(item, self.policy.timezone)
            item.outcome = ItemOutcome.DONE_ON_TIME if on_time else ItemOutcome.DONE_LATE
        self._changed()

    def _item_handle(self, item: ActionItem) -> workflow.ExternalWorkflowHandle[Any]:
        return workflow.get_external_workflow_handle(
            item_workflow_id(self.state.incident.id, item.id)
        )

    async def _tell_item(self, item: ActionItem, signal: Any, payload: Model) -> None:
        """Signal a decision to the item's workflow once it is started. While its start is
        pending the signal waits in ``_starting`` (the workflow's start sends it); before that
        nothing is needed, as the item's workflow will start from the item as it is then."""
        if item.id in self.state.started_items:
            await self._item_handle(item).signal(signal, payload)
        elif item.id in self._starting:
            self._starting[item.id].append((signal, payload))

    async def _replan_item(self, item: ActionItem, due: str, reason: str) -> None:
        """A new due date; the item's workflow (if started) hears it and restarts its ladder."""
        item.replans.append(Replan(due=due, reason=reason, at=workflow.now()))
        item.due = due
        if item.status != ItemStatus.OPEN:
            item.status, item.outcome, item.closed_at = ItemStatus.OPEN, None, None
        await self._tell_item(
            item, ActionItemWorkflow.replan_decided, ReplanRequest(due=due, reason=reason)
        )

    async def _drop_item(self, item: ActionItem, reason: str | None) -> None:
        """Settle the item as dropped; its workflow (if started) hears it and ends."""
        if item.status != ItemStatus.DROPPED:
            self._settle(item, ItemStatus.DROPPED, reason)
        await self._tell_item(
            item, ActionItemWorkflow.drop_decided, DropRequest(reason=reason or "")
        )

    # --- updates: an item, whatever the phase ------------------------------------------------

    @workflow.update
    async def revise_action_item(self, revision: ActionItemRevision) -> ActionItem:
        """Change an item: while drafting, any field (unset ones stay); once published, a re-plan
        (``due`` with a ``reason``) that the item's workflow hears too."""
        async with self._lock:
            item = self.state.item(revision.id)
            assert item is not None  # guaranteed by the validator
            if self.state.phase == Phase.DRAFTING:
                change = revision.model_dump(exclude={"id", "reason", "actor"}, exclude_none=True)
                for name, value in change.items():
                    setattr(item, name, value)
                action, summary = "item.changed", changed_summary(item.id, change)
            else:
                assert revision.due and revision.reason
                await self._replan_item(item, revision.due, revision.reason)
                action = "item.replanned"
                summary = f"Re-planned action item {item.id} to {revision.due}: {revision.reason}"
            self._changed()
            self._audit(revision.actor, action, summary)
            return item

    @revise_action_item.validator
    def _validate_revise(self, revision: ActionItemRevision) -> None:
        if self.state.phase == Phase.DRAFTING:
            self._validate_change(
                ActionItemChange(**revision.model_dump(exclude={"reason"}, exclude_none=True))
            )
            return
        if self.state.phase == Phase.CLOSED:
            raise calls.wrong_phase("re-plan an action item", self.state.phase.value)
        item = self._existing(revision.id)
        if not revision.due or not (revision.reason or "").strip():
            raise calls.rules_rejected([_replan_only()])
        if oversized := limits.oversize(revision) + limits.room_for(
            "replans", len(item.replans), limits.REPLANS
        ):
            raise calls.rules_rejected(oversized)
        if item.status == ItemStatus.DROPPED:
            raise calls.wrong_phase("re-plan a dropped item", item.status.value)
        draft = ActionItemDraft(
            **{**item.model_dump(include=set(ActionItemDraft.model_fields)), "due": revision.due}
        )
        violations = [
            v
            for v in rules.check_action_item(draft, {item.root_cause}, workflow.now(), self.policy)
            if v.field == "due"
        ]
        if violations:
            raise calls.rules_rejected(violations)

    @workflow.update
    async def withdraw_action_item(self, withdrawal: ActionItemWithdrawal) -> Withdrawn:
        """Take an item out: while drafting it is removed; once published it is dropped with the
        reason, and the item's workflow hears it and ends."""
        async with self._lock:
            item = self.state.item(withdrawal.id)
            assert item is not None  # guaranteed by the validator
            if self.state.phase == Phase.DRAFTING:
                self.state.action_items.remove(item)
                self._changed()
                self._audit(withdrawal.actor, "item.removed", f"Removed action item {item.id}")
                return Withdrawn(removed=True, item=item)
            await self._drop_item(item, withdrawal.reason)
            self._audit(
                withdrawal.actor,
                "item.dropped",
                f"Dropped action item {item.id}: {withdrawal.reason}",
            )
            return Withdrawn(removed=False, item=item)

    @withdraw_action_item.validator
    def _validate_withdraw(self, withdrawal: ActionItemWithdrawal) -> None:
        if self.state.phase == Phase.DRAFTING:
            self._existing(withdrawal.id)
            return
        if self.state.phase == Phase.CLOSED:
            raise calls.wrong_phase("drop an action item", self.state.phase.value)
        item = self._existing(withdrawal.id)
        if not (withdrawal.reason or "").strip():
            raise calls.rules_rejected([_drop_needs_reason()])
        if oversized := limits.oversize(withdrawal):
            raise calls.rules_rejected(oversized)
        if item.status == ItemStatus.DROPPED:
            raise calls.wrong_phase("drop an item", item.status.value)

    # --- updates: follow-up --------------------------------------------------------------------

    @workflow.update
    async def record_follow_up(self, record: FollowUpRecord) -> UpdateResult:
        """Record the meeting's decision per item; re-planned and dropped items tell their workflow."""
        async with self._lock:
            for outcome in record.outcomes:
                item = self.state.item(outcome.action_item)
                assert item is not None  # guaranteed by the validator
                if outcome.status == FollowUpStatus.REPLANNED:
                    assert outcome.due and outcome.reason
                    await self._replan_item(item, outcome.due, outcome.reason)
                elif outcome.status == FollowUpStatus.DROPPED:
                    await self._drop_item(item, outcome.reason)
                elif item.status == ItemStatus.OPEN:
                    self._settle(item, ItemStatus.DONE, outcome.reason)
                    await self._tell_item(
                        item, ActionItemWorkflow.done_confirmed, MarkDone(reason=outcome.reason)
                    )
            self.state.follow_up = record.model_copy(
                update={"recorded_at": workflow.now(), "actor": None}
            )
            if self.state.phase == Phase.TRACKING:
                self.state.phase = Phase.FOLLOW_UP
            self._changed()
            self._audit(
                record.actor,
                "follow_up.recorded",
                f"Recorded the follow-up ({plural(len(record.outcomes), 'item')})",
            )
            return self._result("follow_up")

    @record_follow_up.validator
    def _validate_follow_up(self, record: FollowUpRecord) -> None:
        violations = limits.oversize(record) or rules.check_follow_up(
            self.state, record, workflow.now(), self.policy
        )
        if violations:
            raise calls.rules_rejected(violations)

    # --- signals from item workflows -----------------------------------------------------------

    @workflow.signal(name=ITEM_CHANGED)
    def item_changed(self, report: ItemReport) -> None:
        """An item's workflow saw a change (ticket opened, closed, reopened, escalated...)."""
        if report.item is None and report.progress is None:
            return  # an empty report says nothing (no item sends one)
        current = self.state.item(report.item_id)
        if current is None:
            return
        incoming = report.applied_to(current)
        if current.model_dump() == incoming.model_dump():
            return  # a duplicate report changes nothing
        if len(incoming.replans) < len(current.replans) or (
            current.status == ItemStatus.DROPPED and incoming.status != ItemStatus.DROPPED
        ):
            # Sent before the item's workflow heard the follow-up's re-plan or drop: its next
            # report carries the decision, so this stale one must not undo it meanwhile.
            return
        index = self.state.action_items.index(current)
        self.state.action_items[index] = incoming
        self._changed()


def _replan_only() -> Violation:
    return Violation(
        code=Code.WRONG_PHASE,
        field="due",
        message="After publishing an item can only be re-planned.",
        hint='Send {"due": ..., "reason": ...}.',
    )


def _drop_needs_reason() -> Violation:
    return Violation(
        code=Code.WRONG_PHASE,
        field="reason",
        message="After publishing an item is dropped, with a reason.",
        hint="Send DELETE ...?reason=why",
    )
