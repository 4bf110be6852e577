"""Who did what on a review, and the updates about access: a mixin of PostmortemWorkflow.

* :meth:`ReviewAccess._audit` appends one entry to the review's bounded trail after an accepted
  change (``workflow.now()``, the actor the API put in the update's argument, the new revision).
  It only changes state, never issues a command, so histories recorded before it replay unchanged.
* ``revoke_links``: every link signed until now stops opening the review (the API compares a
  link's signing time with ``links_revoked_at``); facilitators and admins only (the API checks).
* ``set_facilitator``: an admin names the review's facilitator; the items' workflows hear of it
  (``facilitator_changed``), so their overdue notices, escalations and problem mail copy the new
  one. Runs recorded before :data:`FACILITATOR_RELAY_PATCH` told no item.

Both answer the small :class:`UpdateResult` (the revision and what changed), like every review
update: an update's result is recorded in the history but never compared on replay, so answering
less than the whole state (as they did at first) changes no command of a recorded history.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable, Callable
from typing import Any

from temporalio import workflow
from temporalio.exceptions import FailureError

with workflow.unsafe.imports_passed_through():
    from workflows import calls
    from workflows.action_item import ActionItemWorkflow
    from workflows.audit import Actor, AuditEntry, clip
    from workflows.codes import Code
    from workflows.contracts import FacilitatorChanged, UpdateResult
    from workflows.model import Model
    from workflows.review import (
        ActionItem,
        ItemStatus,
        ReviewState,
        RevokeLinks,
        SetFacilitator,
        Violation,
    )

__all__ = ["FACILITATOR_RELAY_PATCH", "ReviewAccess"]

#: workflow.patched id: a new facilitator is signalled to the items' workflows; a run recorded
#: before it has no marker and tells no item. Asked in the update handler itself, not in the run's
#: first task (postmortem._decide_later_patches): nothing is awaited before the call, so its
#: marker lands in the workflow task that accepted the update, where replay asks it too, and a
#: review that never changes its facilitator carries no marker.
FACILITATOR_RELAY_PATCH = "facilitator-reaches-items"

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")


class ReviewAccess:
    """The audit trail and access updates; the workflow provides ``state``, ``_changed`` and
    ``_result`` (:class:`~workflows.postmortem_handlers.ReviewHandlers`)."""

    state: ReviewState
    _changed: Callable[[], None]
    _result: Callable[[str], UpdateResult]
    _tell_item: Callable[[ActionItem, Any, Model], Awaitable[None]]

    def _audit(self, actor: Actor | None, action: str, summary: str) -> None:
        """Record an accepted change (call after ``_changed`` so the revision is the new one)."""
        self.state.audit.record(
            AuditEntry(
                at=workflow.now(),
                actor=actor,
                action=action,
                summary=clip(summary),
                revision=self.state.revision,
            )
        )

    @workflow.update
    def revoke_links(self, request: RevokeLinks) -> UpdateResult:
        """Links signed until now stop working; new emails carry new links."""
        self.state.links_revoked_at = workflow.now()
        self._changed()
        self._audit(request.actor, "links.revoked", "Revoked every link sent until now")
        return self._result("links_revoked_at")

    @workflow.update
    async def set_facilitator(self, request: SetFacilitator) -> UpdateResult:
        """Name the review's facilitator (they get the facilitator role and its emails)."""
        previous = self.state.facilitator
        self.state.facilitator = request.facilitator.strip().lower()
        self._changed()
        self._audit(
            request.actor,
            "facilitator.set",
            f"Facilitator {previous} -> {self.state.facilitator}",
        )
        result = self._result("facilitator")
        if workflow.patched(FACILITATOR_RELAY_PATCH):
            change = FacilitatorChanged(facilitator=self.state.facilitator)
            for item in self.state.action_items:
                if item.status == ItemStatus.DROPPED:
                    continue  # its workflow has finished
                with contextlib.suppress(FailureError):  # finished meanwhile: nothing to tell
                    await self._tell_item(item, ActionItemWorkflow.facilitator_changed, change)
        return result

    @set_facilitator.validator
    def _validate_facilitator(self, request: SetFacilitator) -> None:
        if not _EMAIL.match(request.facilitator.strip()):
            raise calls.rules_rejected(
                [
                    Violation(
                        code=Code.INVALID_REQUEST,
                        field="facilitator",
                        message="The facilitator must be one email address.",
                        hint="For example ana@example.com.",
                    )
                ]
            )
