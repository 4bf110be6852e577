"""PostmortemWorkflow: owns one incident's review from resolution to the closing follow-up.

One run per incident (id ``postmortem-<incident id>``). It fetches the incident, writes the review
document and re-renders it after every accepted change, tells the facilitator and responders,
accepts the analysis through validated updates, reminds and escalates an unpublished draft, starts
one ActionItemWorkflow per item on publish, sends the follow-up invitation with a live agenda, and
closes when every item is done or dropped and the follow-up is recorded.

Determinism: time is ``workflow.now()``; every deadline is a durable timer computed from state, so a
replay or a continue-as-new recomputes the same deadlines. A deadline already past when the loop
reaches it fires at once, and once (its "sent" marker lives in state).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, FailureError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

__all__ = [
    "DOCUMENT_OUTCOME_PATCH",
    "ITEM_INPUT_PATCH",
    "LATE_DECISIONS_PATCH",
    "LEAN_HISTORY_PATCH",
    "SEARCH_ATTRIBUTES_ON_CHANGE_PATCH",
    "SMALL_HISTORY_PATCH",
    "STORE_PATCH",
    "PostmortemWorkflow",
]

with workflow.unsafe.imports_passed_through():
    import workflows.calls as calls
    import workflows.deadlines as deadlines
    from workflows.action_item import ActionItemWorkflow
    from workflows.contracts import ActionItemInput, PostmortemInput, ReviewOutcome
    from workflows.ids import item_workflow_id
    from workflows.policy import ItemPolicy, Policy
    from workflows.postmortem_document import DOCUMENT_OUTCOME_PATCH, ReviewDocument
    from workflows.review import (
        ActionItem,
        Incident,
        ItemStatus,
        Model,
        Phase,
        Problem,
        ReviewState,
    )
    from workflows.review_access import ReviewAccess
    from workflows.steps import FetchIncident

#: workflow.patched id: the review is written to the review store after its changes, and an
#: opening review looks up its earlier reviews there. Reviews started before it keep the old path
#: for the rest of their run (patched() is memoised per run) and pick it up at continue-as-new.
STORE_PATCH = "review-store"
#: workflow.patched id, issue 11's small histories: the store and document writes are one
#: ``persist_review`` per burst of changes; it, earlier reviews' lookup and the agenda's ticket
#: reads run as local activities (one marker each, without the review as input, and no workflow
#: task of their own); the loop keeps one timer for its next deadline across wake-ups instead of
#: a new one per wait. Asked once per run.
SMALL_HISTORY_PATCH = "review-small-history"
#: workflow.patched id: decisions made while an item's workflow was starting reach it once started.
LATE_DECISIONS_PATCH = "item-decisions-during-its-start"
#: workflow.patched id: an item's workflow starts with the incident but not its timeline.
ITEM_INPUT_PATCH = "item-input-without-timeline"
#: workflow.patched id: the review upserts its search attributes only when one of them changes.
SEARCH_ATTRIBUTES_ON_CHANGE_PATCH = "search-attributes-on-change"
#: workflow.patched id, issue 11's small histories (continued): the code that records it has every
#: patch above, so a run with it takes them all without asking (a marker and a search-attribute
#: upsert each); its mails and the incident's fetch are local activities (one marker each, without
#: the input, instead of three events and a workflow task); items start with their part of the
#: policy (:class:`ItemPolicy`), not all of it. Asked first, once per run; runs recorded before it
#: have no marker and keep asking the older patches.
LEAN_HISTORY_PATCH = "review-lean-history"
#: The patches a review asks later in its run; runs with ``SMALL_HISTORY_PATCH`` ask them first.
REVIEW_LATER_PATCHES = (
    ITEM_INPUT_PATCH,
    LATE_DECISIONS_PATCH,
    SEARCH_ATTRIBUTES_ON_CHANGE_PATCH,
)


def _decide_later_patches(patches: tuple[str, ...]) -> None:
    """Ask ``patches`` now, in the run's first task, so that each later call is memoised.

    Replay: on replay ``patched()`` finds its marker only among the events of the workflow task
    being replayed. A local activity that outlives a task's deadline makes the worker complete
    the task and carry on in the next one, so a patch first asked after it was recorded one task
    later than where the replaying code asks it: it answered False and the run failed with
    TMPRL1100 "patch marker ... no corresponding change command" (soak, seeds 303 and 534057).
    Asked before any local activity, every marker sits in the first task.
    """
    for patch in patches:
        workflow.patched(patch)


@workflow.defn
class PostmortemWorkflow(ReviewDocument, ReviewAccess):
    """The review of one incident. Its steps and handlers are mixins, one module each: the
    document and store (:class:`ReviewDocument`), mail (:class:`ReviewMessages`), the decisions
    about items (:class:`ItemDecisions`), the analysis updates and the query
    (:class:`ReviewHandlers`), the audit trail and the access updates (:class:`ReviewAccess`)."""

    @workflow.init
    def __init__(self, inp: PostmortemInput) -> None:
        self.policy: Policy = inp.policy
        if inp.state is not None:
            self.state = inp.state
        else:
            incident = inp.incident
            team = self.policy.team_for(incident.service_id, incident.service_name)
            self.state = ReviewState(
                incident=incident,
                team=team.name if team else None,
                facilitator=self.policy.facilitator_for(team),
                leadership=self.policy.leadership_for(team),
                review_url=inp.review_url,
                follow_up_at=deadlines.follow_up_start(incident.resolved_at, self.policy),
            )
        self._rendered_revision = -1  # re-render once after start or continue-as-new
        self._stored_revision = -1  # and write the store once (when the store patch is on)
        self._uses_store = False
        self._calls_locally = False
        self._lean = False  # LEAN_HISTORY_PATCH, asked once per run
        # The loop's timer (with SMALL_HISTORY_PATCH): kept while the next deadline stays.
        self._timer: asyncio.Task[None] | None = None
        self._timer_at: datetime | None = None
        self._lock = asyncio.Lock()
        self._starting: dict[str, list[tuple[Any, Model]]] = {}

    # --- main loop ---------------------------------------------------------------------------

    @workflow.run
    async def run(self, inp: PostmortemInput) -> ReviewOutcome:
        # Asked first, once per run, before any activity (see _decide_later_patches).
        self._lean = workflow.patched(LEAN_HISTORY_PATCH)
        if self._lean:
            # Replay: the code that records this marker has every older review patch, so a run
            # with it takes them all without asking (see _has for the later ones).
            self._uses_store = self._calls_locally = True
        else:
            # Old histories have no marker here and replay the old path.
            self._uses_store = workflow.patched(STORE_PATCH)
            # Replay: runs recorded before it have no marker and keep scheduling these as
            # activities.
            self._calls_locally = workflow.patched(SMALL_HISTORY_PATCH)
            if self._calls_locally:
                _decide_later_patches(REVIEW_LATER_PATCHES)
        if inp.state is None:
            await self._fetch_incident()
            await self._find_repeats()
        while self.state.phase != Phase.CLOSED:
            self._publish_search_attributes()
            await self._write_and_store()
            await self._start_children()
            await self._send_due_messages()
            if self._ready_to_close():
                self._close()
                continue
            if workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    PostmortemInput(
                        incident=self.state.incident,
                        policy=self.policy,
                        review_url=self.state.review_url,
                        state=self.state,
                    )
                )
            if self._calls_locally:
                await self._sleep_until(self._next_deadline())
            else:
                await calls.sleep_until(self._next_deadline(), self._has_work)
        self._publish_search_attributes()
        await self._write_and_store()
        await self._tell_children_closed()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return ReviewOutcome(
            incident_id=self.state.incident.id,
            items_done=sum(1 for i in self.state.action_items if i.status == ItemStatus.DONE),
            items_dropped=sum(1 for i in self.state.action_items if i.status == ItemStatus.DROPPED),
            closed_at=self.state.closed_at or workflow.now(),
        )

    async def _sleep_until(self, moment: datetime | None) -> None:
        """Wait for work or until ``moment`` (None: for work only), on one timer per deadline.

        ``calls.sleep_until`` starts a timer per wait and cancels it when work comes first: two
        events per wake-up. This one keeps the timer while the next deadline stays the same and
        replaces it only when the deadline moves. A moment already past returns at once.
        """
        # A fired timer is never waited on again: were the deadline still ahead by workflow time
        # (a task that runs on a stale clock), the loop would spin; it gets a new timer instead.
        if self._timer is not None and (moment != self._timer_at or self._timer.done()):
            if not self._timer.done():
                self._timer.cancel()
            self._timer, self._timer_at = None, None
        if moment is None:
            await workflow.wait_condition(self._has_work)
            return
        remaining = moment - workflow.now()
        if remaining <= timedelta(0):
            return
        if self._timer is None:
            self._timer = asyncio.ensure_future(workflow.sleep(remaining))
            self._timer_at = moment
        timer = self._timer
        await workflow.wait_condition(lambda: timer.done() or self._has_work())

    def _has(self, patch: str) -> bool:
        """``workflow.patched(patch)`` for one of ``REVIEW_LATER_PATCHES``, taken as given (no
        marker) in runs with ``LEAN_HISTORY_PATCH``; runs before it ask (memoised per run)."""
        return self._lean or workflow.patched(patch)

    def _has_work(self) -> bool:
        return (
            self.state.revision != self._rendered_revision
            or bool(self._unstarted_items())
            or self._ready_to_close()
        )

    # --- steps ---------------------------------------------------------------------------------

    async def _fetch_incident(self) -> None:
        try:
            incident = await calls.call(
                calls.FETCH_INCIDENT,
                FetchIncident(incident=self.state.incident),
                Incident,
                local=self._lean,
            )
        except ActivityError as err:
            self._record_problem(
                Problem(
                    code=calls.failure_code(err),
                    message="Incident details could not be read from PagerDuty; the review uses "
                    f"the webhook's data. {calls.failure_message(err)}",
                    at=workflow.now(),
                )
            )
            return
        self.state.incident = incident
        self.state.follow_up_at = deadlines.follow_up_start(incident.resolved_at, self.policy)
        self._changed()

    async def _start_children(self) -> None:
        for item in self._unstarted_items():
            await self._start_child(item)

    def _unstarted_items(self) -> list[ActionItem]:
        if self.state.phase == Phase.DRAFTING:
            return []
        return [
            i
            for i in self.state.action_items
            if i.id not in self.state.started_items and i.status == ItemStatus.OPEN
        ]

    async def _start_child(self, item: ActionItem) -> None:
        state = self.state
        # The item's workflow starts from this copy; what an update decides about the item while
        # the start is pending waits in _starting and is signalled once it has started.
        sent = item.model_copy(deep=True)
        self._starting[item.id] = []
        root = next(
            (
                rc
                for rc in (state.five_whys.root_causes if state.five_whys else [])
                if rc.id == item.root_cause
            ),
            None,
        )
        incident = state.incident
        # Replay: a child's input is recorded but never compared, so a recorded start stays valid;
        # the marker only says which reviews started their items without the timeline.
        if self._has(ITEM_INPUT_PATCH):
            incident = incident.model_copy(update={"timeline": [], "timeline_total": None})
        try:
            await workflow.start_child_workflow(
                ActionItemWorkflow.run,
                ActionItemInput(
                    parent_workflow_id=workflow.info().workflow_id,
                    incident=incident,
                    item=sent,
                    root_cause=root,
                    facilitator=state.facilitator,
                    leadership=state.leadership,
                    review_url=state.review_url,
                    doc_url=state.doc_url if state.doc_external else None,
                    # Replay: an input is recorded, never compared; the item reads either shape.
                    policy=None if self._lean else self.policy,
                    item_policy=ItemPolicy.of(self.policy) if self._lean else None,
                ),
                id=item_workflow_id(state.incident.id, item.id),
                # ABANDON: the review may continue-as-new; that must not terminate its items.
                parent_close_policy=ParentClosePolicy.ABANDON,
            )
        except WorkflowAlreadyStartedError:
            pass  # started before a continue-as-new whose marker was not yet recorded
        state.started_items.append(item.id)
        decided = self._starting.pop(item.id)
        # Replay: only a history in which an update raced this start reaches the patch; recorded
        # before it, such a history replays the old path (nothing sent), so it keeps replaying.
        if decided and self._has(LATE_DECISIONS_PATCH):
            for signal, payload in decided:
                await self._item_handle(item).signal(signal, payload)

    def _ready_to_close(self) -> bool:
        state = self.state
        return (
            state.phase in (Phase.TRACKING, Phase.FOLLOW_UP)
            and state.follow_up is not None
            and state.all_items_settled
        )

    def _close(self) -> None:
        self.state.phase = Phase.CLOSED
        self.state.closed_at = workflow.now()
        self._changed()

    async def _tell_children_closed(self) -> None:
        for item_id in self.state.started_items:
            handle = workflow.get_external_workflow_handle(
                item_workflow_id(self.state.incident.id, item_id)
            )
            try:
                await handle.signal(ActionItemWorkflow.review_closed)
            except FailureError:
                pass  # the item's workflow already finished (e.g. dropped)

    def _publish_search_attributes(self) -> None:
        # Only where the starter set them: that proves the server has these attributes registered
        # (the Java time-skipping test server has no custom search attributes at all).
        current = workflow.info().typed_search_attributes
        if current.get(calls.INCIDENT_ID) is None:
            return
        incident = self.state.incident
        updates = [
            calls.INCIDENT_ID.value_set(incident.id),
            calls.REVIEW_PHASE.value_set(self.state.phase.value),
            calls.SERVICE.value_set(incident.service_name or incident.service_id or ""),
        ]
        # Determinism: info() holds the attributes of the start event plus every upsert so far,
        # all in history, so "unchanged" is the same on replay. Runs recorded before the patch
        # upserted on every loop iteration: patched() is False there and they keep doing so. A
        # command per wake-up made the commands depend on how many times the loop woke; now they
        # depend only on the phase.
        unchanged = all(current.get(u.key) == u.value for u in updates)
        if unchanged and self._has(SEARCH_ATTRIBUTES_ON_CHANGE_PATCH):
            return
        workflow.upsert_search_attributes(updates)
