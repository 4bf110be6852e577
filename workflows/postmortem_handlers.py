"""What a review accepts while it is analysed: the updates of the five whys, the draft action
items, what went well and publishing (with their validators), and the ``status`` query.

A mixin of :class:`workflows.postmortem.PostmortemWorkflow` (the SDK registers handlers a workflow
class inherits); the decisions about published items are in :mod:`workflows.postmortem_items`.
Validators raise :func:`workflows.calls.rules_rejected` with every violation at once and change
nothing; handlers change ``state`` and bump its revision, which the main loop turns into a
re-rendered document.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows import calls, limits, rules
    from workflows.audit import Actor
    from workflows.codes import OVERRIDABLE_CODES, Code
    from workflows.contracts import (
        STATUS_QUERY,
        ReviewStatus,
        UpdateResult,
        WentWellRevision,
    )
    from workflows.policy import Policy
    from workflows.review import (
        ActionItem,
        ActionItemChange,
        ActionItemDraft,
        Finding,
        FiveWhys,
        Model,
        Phase,
        PublishRequest,
        RemoveActionItem,
        ReviewState,
        Violation,
        WentWell,
    )

__all__ = ["ReviewHandlers", "changed_summary", "plural"]


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

    def _result(self, changed: str) -> UpdateResult:
        """An accepted update's answer (after ``_changed``): the revision and what changed.

        Replay: an update's result is recorded but never compared, so answering with this
        instead of the whole state (0.1.0) changes no command of a recorded history.
        """
        return UpdateResult(revision=self.state.revision, phase=self.state.phase, changed=changed)

    # --- query ---------------------------------------------------------------------------------

    #: The findings of the revision they were linted at (None: not yet linted in this run). A
    #: class default, so runs need no new field in ``__init__``; the first query sets its own.
    _linted: tuple[int, list[Finding]] | None = None

    def _findings(self) -> list[Finding]:
        """``rules.review_findings`` of the state, linted once per revision: every change to a
        text the rules read (the five whys, what went well, the items, the incident) bumps the
        revision, and the rules are pure, so an unchanged revision has the same findings. The
        API asks ``status`` for every page view and read; a cold query linted the whole review.

        Replay: a query issues no command, and what it keeps here is derived from the state
        alone, so a replayed or cached run answers the same.
        """
        revision = self.state.revision
        if self._linted is None or self._linted[0] != revision:
            self._linted = (revision, rules.review_findings(self.state))
        return list(self._linted[1])

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
            findings=self._findings(),
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
    def submit_five_whys(self, five_whys: FiveWhys) -> UpdateResult:
        """Replace the symptom, whys and root causes. Blaming language becomes a finding."""
        self.state.five_whys = five_whys.model_copy(update={"actor": None})
        self._changed()
        self._audit(
            five_whys.actor,
            "five_whys.submitted",
            f"Changed the five whys ({plural(len(five_whys.whys), 'why')}, "
            f"{plural(len(five_whys.root_causes), 'root cause')})",
        )
        return self._result("five_whys")

    @submit_five_whys.validator
    def _validate_five_whys(self, five_whys: FiveWhys) -> None:
        self._require_drafting("change the five whys")
        state = self.state
        violations = (
            limits.oversize(five_whys)
            or limits.review_text(five_whys, state.went_well, state.action_items)
            or rules.check_five_whys(five_whys, self._responders())
        )
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
        state = self.state
        violations = (
            limits.oversize(draft)
            + limits.room_for("action_items", len(state.action_items), limits.ACTION_ITEMS)
            or limits.review_text(state.five_whys, state.went_well, [*state.action_items, draft])
            or rules.check_action_item(draft, self._root_cause_ids(), workflow.now(), self.policy)
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
        self._audit(change.actor, "item.changed", changed_summary(item.id, changed))
        return item

    @change_action_item.validator
    def _validate_change(self, change: ActionItemChange) -> None:
        self._require_drafting("change an action item")
        item = self._existing(change.id)
        if oversized := limits.oversize(change):
            raise calls.rules_rejected(oversized)
        merged = ActionItemDraft(
            **{
                **item.model_dump(include=set(ActionItemDraft.model_fields)),
                **change.model_dump(exclude={"id", "actor"}, exclude_none=True),
            }
        )
        others = [i for i in self.state.action_items if i.id != change.id]
        violations = limits.review_text(
            self.state.five_whys, self.state.went_well, [*others, merged]
        ) or rules.check_action_item(merged, self._root_cause_ids(), workflow.now(), self.policy)
        if violations:
            raise calls.rules_rejected(violations)

    @workflow.update
    def remove_action_item(self, request: RemoveActionItem) -> UpdateResult:
        self.state.action_items = [i for i in self.state.action_items if i.id != request.id]
        self._changed()
        self._audit(request.actor, "item.removed", f"Removed action item {request.id}")
        return self._result(f"action_items.{request.id}")

    @remove_action_item.validator
    def _validate_remove(self, request: RemoveActionItem) -> None:
        self._require_drafting("remove an action item")
        self._existing(request.id)

    @workflow.update
    def add_went_well(self, entry: WentWell) -> UpdateResult:
        self.state.went_well.append(WentWell(text=entry.text.strip()))
        self._changed()
        self._audit(entry.actor, "went_well.added", f"Added to what went well: {entry.text}")
        return self._result(f"went_well.{len(self.state.went_well) - 1}")

    @add_went_well.validator
    def _validate_went_well(self, entry: WentWell) -> None:
        if self.state.phase == Phase.CLOSED:
            raise calls.wrong_phase("add what went well", self.state.phase.value)
        if not entry.text.strip():
            raise calls.rules_rejected([calls.went_well_empty()])
        state = self.state
        violations = limits.oversize(entry) + limits.room_for(
            "went_well", len(state.went_well), limits.WENT_WELL
        ) or limits.review_text(state.five_whys, [*state.went_well, entry], state.action_items)
        if violations:
            raise calls.rules_rejected(violations)

    @workflow.update
    def revise_went_well(self, revision: WentWellRevision) -> UpdateResult:
        """Edit or remove one "what went well" entry (any phase but closed)."""
        entries = self.state.went_well
        if revision.text is None:
            removed = entries.pop(revision.index)
            summary = f"Removed from what went well: {removed.text}"
        else:
            entries[revision.index] = WentWell(text=revision.text.strip())
            summary = f"Changed what went well {revision.index + 1}: {revision.text}"
        self._changed()
        self._audit(revision.actor, "went_well.revised", summary)
        return self._result(f"went_well.{revision.index}")

    @revise_went_well.validator
    def _validate_revise_went_well(self, revision: WentWellRevision) -> None:
        state = self.state
        if state.phase == Phase.CLOSED:
            raise calls.wrong_phase("change what went well", state.phase.value)
        if revision.index >= len(state.went_well):
            raise calls.rules_rejected([_unknown_went_well(revision.index, len(state.went_well))])
        if revision.text is None:
            return
        if not revision.text.strip():
            raise calls.rules_rejected([calls.went_well_empty()])
        entry = WentWell(text=revision.text)
        others = [w for n, w in enumerate(state.went_well) if n != revision.index]
        violations = limits.oversize(entry) or limits.review_text(
            state.five_whys, [*others, entry], state.action_items
        )
        if violations:
            raise calls.rules_rejected(violations)

    @workflow.update
    def publish(self, request: PublishRequest) -> UpdateResult:
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
        return self._result("phase")

    @publish.validator
    def _validate_publish(self, request: PublishRequest) -> None:
        self._require_drafting("publish")
        violations = limits.oversize(request) or rules.check_publish(
            self.state, workflow.now(), self.policy, request.blame_override
        )
        if violations:
            raise calls.rules_rejected(violations)


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def changed_summary(item_id: str, fields: dict[str, Any]) -> str:
    return f"Changed action item {item_id} ({', '.join(sorted(fields)) or 'nothing'})"


def _unknown_went_well(index: int, count: int) -> Violation:
    return Violation(
        code=Code.WENT_WELL_UNKNOWN,
        field="index",
        message=f"There is no went-well entry {index}; the review has {count} (from 0).",
        hint="Read the review for the entries' positions.",
    )
