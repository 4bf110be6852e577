"""What a review accepts: PostmortemWorkflow's updates (with their validators), its signal and its
query, and the state transitions they share with the main loop.

A mixin of :class:`workflows.postmortem.PostmortemWorkflow` (the SDK registers handlers a workflow
class inherits). Validators raise :func:`workflows.calls.rules_rejected` with every violation at
once and change nothing; handlers change ``state`` and bump its revision, which the main loop
turns into a re-rendered document. Decisions that concern a published item (a re-plan, a drop, a
confirmed done) are applied to the review's copy at once and forwarded to the item's workflow, which
owns its status and reports back with ``item_changed``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows import calls, rules
    from workflows.action_item import ActionItemWorkflow
    from workflows.audit import Actor
    from workflows.codes import OVERRIDABLE_CODES, Code
    from workflows.contracts import (
        ITEM_CHANGED,
        STATUS_QUERY,
        ActionItemRevision,
        ActionItemWithdrawal,
        DropRequest,
        ItemReport,
        MarkDone,
        ReplanRequest,
        ReviewStatus,
        Withdrawn,
    )
    from workflows.deadlines import item_due
    from workflows.ids import item_workflow_id
    from workflows.policy import Policy
    from workflows.review import (
        ActionItem,
        ActionItemChange,
        ActionItemDraft,
        FiveWhys,
        FollowUpRecord,
        FollowUpStatus,
        ItemOutcome,
        ItemStatus,
        Model,
        Phase,
        PublishRequest,
        RemoveActionItem,
        Replan,
        ReviewState,
        Violation,
        WentWell,
    )

__all__ = ["ReviewHandlers"]


class ReviewHandlers:
    """The review's message handlers; the workflow sets ``state``, ``policy``, ``_lock`` and
    ``_starting``."""

    state: ReviewState
    policy: Policy
    _lock: asyncio.Lock
    #: From :class:`workflows.review_access.ReviewAccess` (the workflow inherits both).
    _audit: Callable[[Actor | None, str, str], None]
    #: Items whose workflow's start is pending, with the signals decided for them meanwhile.
    _starting: dict[str, list[tuple[Any, Model]]]

    # --- state transitions -------------------------------------------------------------------

    def _changed(self) -> None:
        self.state.revision += 1

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

    # --- query ---------------------------------------------------------------------------------

    @workflow.query(name=STATUS_QUERY)
    def status(self) -> ReviewStatus:
        """The review as the API and web pages show it, with findings and what blocks publishing."""
        now = workflow.now()
        blockers = (
            rules.check_publish(self.state, now, self.policy, self.state.blame_override)
            if self.state.phase == Phase.DRAFTING
            else []
        )
        return ReviewStatus(
            state=self.state,
            findings=rules.review_findings(self.state),
            # Blockers an override lifts come last: the page puts the override box after them.
            publish_blockers=[b for b in blockers if b.code not in OVERRIDABLE_CODES]
            + [b for b in blockers if b.code in OVERRIDABLE_CODES],
        )

    # --- updates: analysis -------------------------------------------------------------------

    def _require_drafting(self, what: str) -> None:
        if self.state.phase != Phase.DRAFTING:
            raise calls.wrong_phase(what, self.state.phase.value)

    def _responders(self) -> list[str]:
        return [p.name for p in self.state.incident.responders]

    def _root_cause_ids(self) -> set[str]:
        fw = self.state.five_whys
        return {rc.id for rc in fw.root_causes} if fw else set()

    def _existing(self, item_id: str) -> ActionItem:
        item = self.state.item(item_id)
        if item is None:
            raise calls.rules_rejected([calls.unknown_item(item_id)])
        return item

    @workflow.update
    def submit_five_whys(self, five_whys: FiveWhys) -> ReviewState:
        """Replace the symptom, whys and root causes. Blaming language becomes a finding."""
        self.state.five_whys = five_whys.model_copy(update={"actor": None})
        self._changed()
        self._audit(
            five_whys.actor,
            "five_whys.submitted",
            f"Changed the five whys ({_count(len(five_whys.whys), 'why')}, "
            f"{_count(len(five_whys.root_causes), 'root cause')})",
        )
        return self.state

    @submit_five_whys.validator
    def _validate_five_whys(self, five_whys: FiveWhys) -> None:
        self._require_drafting("change the five whys")
        violations = rules.check_five_whys(five_whys, self._responders())
        if violations:
            raise calls.rules_rejected(violations)

    @workflow.update
    async def add_action_item(self, draft: ActionItemDraft) -> ActionItem:
        """Add a SMART action item. After publishing it is tracked at once."""
        item = ActionItem(
            id=str(self.state.next_item_number), **draft.model_dump(exclude={"actor"})
        )
        self.state.next_item_number += 1
        self.state.action_items.append(item)
        self._changed()
        self._audit(draft.actor, "item.added", f"Added action item {item.id}: {item.title}")
        return item

    @add_action_item.validator
    def _validate_add(self, draft: ActionItemDraft) -> None:
        if self.state.phase == Phase.CLOSED:
            raise calls.wrong_phase("add an action item", self.state.phase.value)
        violations = rules.check_action_item(
            draft, self._root_cause_ids(), workflow.now(), self.policy
        )
        if violations:
            raise calls.rules_rejected(violations)

    @workflow.update
    def change_action_item(self, change: ActionItemChange) -> ActionItem:
        """Edit a draft item; fields left unset keep their value."""
        item = self.state.item(change.id)
        assert item is not None  # guaranteed by the validator
        changed = change.model_dump(exclude={"id", "actor"}, exclude_none=True)
        for name, value in changed.items():
            setattr(item, name, value)
        self._changed()
        self._audit(change.actor, "item.changed", _changed_summary(item.id, changed))
        return item

    @change_action_item.validator
    def _validate_change(self, change: ActionItemChange) -> None:
        self._require_drafting("change an action item")
        item = self._existing(change.id)
        merged = ActionItemDraft(
            **{
                **item.model_dump(include=set(ActionItemDraft.model_fields)),
                **change.model_dump(exclude={"id", "actor"}, exclude_none=True),
            }
        )
        violations = rules.check_action_item(
            merged, self._root_cause_ids(), workflow.now(), self.policy
        )
        if violations:
            raise calls.rules_rejected(violations)

    @workflow.update
    def remove_action_item(self, request: RemoveActionItem) -> ReviewState:
        self.state.action_items = [i for i in self.state.action_items if i.id != request.id]
        self._changed()
        self._audit(request.actor, "item.removed", f"Removed action item {request.id}")
        return self.state

    @remove_action_item.validator
    def _validate_remove(self, request: RemoveActionItem) -> None:
        self._require_drafting("remove an action item")
        self._existing(request.id)

    @workflow.update
    def add_went_well(self, entry: WentWell) -> ReviewState:
        self.state.went_well.append(WentWell(text=entry.text.strip()))
        self._changed()
        self._audit(entry.actor, "went_well.added", f"Added to what went well: {entry.text}")
        return self.state

    @add_went_well.validator
    def _validate_went_well(self, entry: WentWell) -> None:
        if self.state.phase == Phase.CLOSED:
            raise calls.wrong_phase("add what went well", self.state.phase.value)
        if not entry.text.strip():
            raise calls.rules_rejected([calls.went_well_empty()])

    @workflow.update
    def publish(self, request: PublishRequest) -> ReviewState:
        """Publish: the items become tickets and tracking starts."""
        self.state.blame_override = (request.blame_override or "").strip() or None
        self.state.phase = Phase.TRACKING
        self.state.published_at = workflow.now()
        self._changed()
        override = self.state.blame_override
        self._audit(
            request.actor,
            "review.published",
            f"Published, overriding the findings: {override}" if override else "Published",
        )
        return self.state

    @publish.validator
    def _validate_publish(self, request: PublishRequest) -> None:
        self._require_drafting("publish")
        violations = rules.check_publish(
            self.state, workflow.now(), self.policy, request.blame_override
        )
        if violations:
            raise calls.rules_rejected(violations)

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
                action, summary = "item.changed", _changed_summary(item.id, change)
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
        if item.status == ItemStatus.DROPPED:
            raise calls.wrong_phase("drop an item", item.status.value)

    # --- updates: follow-up --------------------------------------------------------------------

    @workflow.update
    async def record_follow_up(self, record: FollowUpRecord) -> ReviewState:
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
                f"Recorded the follow-up ({_count(len(record.outcomes), 'item')})",
            )
            return self.state

    @record_follow_up.validator
    def _validate_follow_up(self, record: FollowUpRecord) -> None:
        violations = rules.check_follow_up(self.state, record, workflow.now(), self.policy)
        if violations:
            raise calls.rules_rejected(violations)

    # --- signals from item workflows -----------------------------------------------------------

    @workflow.signal(name=ITEM_CHANGED)
    def item_changed(self, report: ItemReport) -> None:
        """An item's workflow saw a change (ticket opened, closed, reopened, escalated...)."""
        current = self.state.item(report.item.id)
        if current is None:
            return
        if current.model_dump() == report.item.model_dump():
            return  # a duplicate report changes nothing
        incoming = report.item
        if len(incoming.replans) < len(current.replans) or (
            current.status == ItemStatus.DROPPED and incoming.status != ItemStatus.DROPPED
        ):
            # Sent before the item's workflow heard the follow-up's re-plan or drop: its next
            # report carries the decision, so this stale one must not undo it meanwhile.
            return
        index = self.state.action_items.index(current)
        self.state.action_items[index] = report.item
        self._changed()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _changed_summary(item_id: str, fields: dict[str, Any]) -> str:
    return f"Changed action item {item_id} ({', '.join(sorted(fields)) or 'nothing'})"


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
