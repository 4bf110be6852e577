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
import contextlib
import hashlib
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, FailureError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

__all__ = [
    "DOCUMENT_OUTCOME_PATCH",
    "ITEM_INPUT_PATCH",
    "LATE_DECISIONS_PATCH",
    "SEARCH_ATTRIBUTES_ON_CHANGE_PATCH",
    "STORE_PATCH",
    "PostmortemWorkflow",
]

with workflow.unsafe.imports_passed_through():
    from workflows import calls, deadlines
    from workflows.action_item import ActionItemWorkflow
    from workflows.codes import NON_RETRYABLE_INTEGRATION_CODES, Code
    from workflows.contracts import (
        ActionItemInput,
        PostmortemInput,
        ReviewOutcome,
        TicketEvent,
    )
    from workflows.ids import item_workflow_id
    from workflows.messages import Invitation, MailKind
    from workflows.policy import Policy
    from workflows.postmortem_handlers import ReviewHandlers
    from workflows.review import (
        ActionItem,
        Incident,
        ItemStatus,
        Model,
        Phase,
        Problem,
        ReplacedEdit,
        ReviewState,
    )
    from workflows.review_access import ReviewAccess
    from workflows.steps import (
        FetchIncident,
        FindRepeats,
        RepeatsFound,
        ReviewDocWritten,
        StoreReview,
        WriteReviewDoc,
    )

#: workflow.patched id: the review is written to the review store after its changes, and an
#: opening review looks up its earlier reviews there. Reviews started before it keep the old path
#: for the rest of their run (patched() is memoised per run) and pick it up at continue-as-new.
STORE_PATCH = "review-store"
#: Store calls give up sooner than integrations: the store is a read model that the next change
#: (or ``followthrough reindex``) brings up to date, and the loop must not wait a day on it.
STORE_GIVE_UP = timedelta(minutes=10)
REPEATS_GIVE_UP = timedelta(minutes=2)


#: workflow.patched id: reviews write their document with write_review_document (what the write
#: did, a person's edit it replaced) and record a failed write once; before it, write_review_doc
#: answered only a URL.
DOCUMENT_OUTCOME_PATCH = "review-document-outcome"


def _digest(text: str) -> str:
    # sha256, not hash(): the same on every worker and every replay.
    return hashlib.sha256(text.encode()).hexdigest()[:16]


#: workflow.patched id: decisions made while an item's workflow was starting reach it once started.
LATE_DECISIONS_PATCH = "item-decisions-during-its-start"
#: workflow.patched id: an item's workflow starts with the incident but not its timeline.
ITEM_INPUT_PATCH = "item-input-without-timeline"
#: workflow.patched id: the review upserts its search attributes only when one of them changes.
SEARCH_ATTRIBUTES_ON_CHANGE_PATCH = "search-attributes-on-change"


@workflow.defn
class PostmortemWorkflow(ReviewHandlers, ReviewAccess):
    """The review of one incident; its updates, signal and query are in :class:`ReviewHandlers`
    (the audit trail and the access updates in :class:`ReviewAccess`)."""

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
        self._lock = asyncio.Lock()
        self._starting: dict[str, list[tuple[Any, Model]]] = {}

    # --- main loop ---------------------------------------------------------------------------

    @workflow.run
    async def run(self, inp: PostmortemInput) -> ReviewOutcome:
        # Asked first, once per run: old histories have no marker here and replay the old path.
        self._uses_store = workflow.patched(STORE_PATCH)
        if inp.state is None:
            await self._fetch_incident()
            await self._find_repeats()
        while self.state.phase != Phase.CLOSED:
            self._publish_search_attributes()
            await self._write_document()
            await self._store_review()
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
            await calls.sleep_until(self._next_deadline(), self._has_work)
        self._publish_search_attributes()
        await self._write_document()
        await self._store_review()
        await self._tell_children_closed()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return ReviewOutcome(
            incident_id=self.state.incident.id,
            items_done=sum(1 for i in self.state.action_items if i.status == ItemStatus.DONE),
            items_dropped=sum(1 for i in self.state.action_items if i.status == ItemStatus.DROPPED),
            closed_at=self.state.closed_at or workflow.now(),
        )

    def _has_work(self) -> bool:
        return (
            self.state.revision != self._rendered_revision
            or bool(self._unstarted_items())
            or self._ready_to_close()
        )

    @property
    def _draft_deadline(self) -> datetime:
        return deadlines.draft_deadline(self.state.incident, self.policy)

    def _next_deadline(self) -> datetime | None:
        return deadlines.next_review_deadline(self.state, self.policy)

    # --- steps ---------------------------------------------------------------------------------

    async def _fetch_incident(self) -> None:
        try:
            incident = await calls.call(
                calls.FETCH_INCIDENT, FetchIncident(incident=self.state.incident), Incident
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

    async def _write_document(self) -> None:
        if self.state.revision == self._rendered_revision:
            return
        # Reviews recorded before this patch called write_review_doc (a URL); they keep that path
        # for the rest of their run (patched() is memoised), so the old activity stays registered.
        if not workflow.patched(DOCUMENT_OUTCOME_PATCH):
            await self._write_document_url_only()
            return
        revision = self.state.revision
        try:
            written = await calls.call(
                calls.WRITE_REVIEW_DOCUMENT, WriteReviewDoc(state=self.state), ReviewDocWritten
            )
        except ActivityError as err:
            await self._document_failed(err, revision)
            return
        self._rendered_revision = revision
        if self.state.doc_url != written.url:
            self.state.doc_url = written.url
        self.state.doc_external = written.external
        edit = written.replaced_edit
        if edit is not None and edit.version not in self.state.doc_edits_told:
            await self._tell_edit_replaced(edit)

    async def _document_failed(self, err: ActivityError, revision: int) -> None:
        """Show a failed write on the review (once per distinct failure); mail the permanent ones.

        Recording the problem is a change, but not one the document needs re-rendering for (the
        write would fail the same way): the next accepted change tries again.
        """
        code, message = calls.failure_code(err), calls.failure_message(err)
        caught_up = self.state.revision == revision
        last = self.state.problems[-1] if self.state.problems else None
        if last is None or (last.code, last.message) != (code, message):
            self._record_problem(
                Problem(code=code, message=message, at=workflow.now()), notify=False
            )
            if code in NON_RETRYABLE_INTEGRATION_CODES:
                await self._mail(
                    MailKind.PROBLEM,
                    [self.state.facilitator],
                    f"{workflow.info().workflow_id}/problem-{_digest(code + message)}",
                    problem=f"The review document could not be written: {message}",
                )
        self._rendered_revision = self.state.revision if caught_up else revision

    async def _tell_edit_replaced(self, edit: ReplacedEdit) -> None:
        """Show on the review and mail the facilitator that an update replaced a person's edit."""
        self.state.doc_edits_told = [*self.state.doc_edits_told, edit.version][-50:]
        who = edit.author or "someone"
        where = f" ({', '.join(edit.sections)})" if edit.sections else ""
        self._record_problem(
            Problem(
                code=Code.DOCUMENT_EDIT_REPLACED,
                message=f"An update of the review document replaced an edit by {who}{where}; "
                f"their version {edit.version} is kept in the page history: {edit.url}",
                at=workflow.now(),
            ),
            notify=False,
        )
        await self._mail(
            MailKind.DOCUMENT_EDIT_REPLACED,
            [self.state.facilitator],
            f"{workflow.info().workflow_id}/document-edit-{edit.version}",
            replaced_edit=edit,
            doc_url=self.state.doc_url,
        )

    async def _write_document_url_only(self) -> None:
        """The document step of reviews started before ``DOCUMENT_OUTCOME_PATCH``."""
        revision = self.state.revision
        try:
            url = await calls.call(calls.WRITE_REVIEW_DOC, WriteReviewDoc(state=self.state), str)
        except ActivityError as err:
            self._record_problem(
                Problem(
                    code=calls.failure_code(err),
                    message=calls.failure_message(err),
                    at=workflow.now(),
                ),
                notify=False,
            )
            self._rendered_revision = revision
            return
        self._rendered_revision = revision
        if self.state.doc_url != url:
            self.state.doc_url = url

    async def _store_review(self) -> None:
        """Upsert the review into the store when it changed since the last write.

        Coalesced: updates accepted while the loop was busy or asleep are one write of the newest
        revision. A failed write is not retried here until the next wake-up; it loses nothing,
        because every write carries the whole review and the store keeps the newest revision.
        """
        if not self._uses_store or self.state.revision == self._stored_revision:
            return
        revision = self.state.revision
        try:
            await calls.call(
                calls.STORE_REVIEW,
                StoreReview(state=self.state, timezone=self.policy.timezone),
                bool,
                give_up_after=STORE_GIVE_UP,
            )
        except ActivityError as err:
            workflow.logger.warning("review store write failed: %s", calls.failure_code(err))
            return
        self._stored_revision = revision

    async def _find_repeats(self) -> None:
        """Earlier reviews of this service or team, shown on the page, document and mail."""
        if not self._uses_store:
            return
        state = self.state
        try:
            found = await calls.call(
                calls.FIND_REPEATS,
                FindRepeats(
                    incident=state.incident,
                    team=state.team,
                    window=self.policy.recurrence.window,
                ),
                RepeatsFound,
                give_up_after=REPEATS_GIVE_UP,
            )
        except ActivityError as err:
            # The review opens without them: the store only adds context.
            workflow.logger.warning("earlier reviews not read: %s", calls.failure_code(err))
            return
        if found.repeats:
            state.repeats = found.repeats
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
        if workflow.patched(ITEM_INPUT_PATCH):
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
                    policy=self.policy,
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
        if decided and workflow.patched(LATE_DECISIONS_PATCH):
            for signal, payload in decided:
                await self._item_handle(item).signal(signal, payload)

    async def _send_due_messages(self) -> None:
        state, now = self.state, workflow.now()
        wf_id = workflow.info().workflow_id
        if not state.opened_notified:
            state.opened_notified = True
            responders = [p.email for p in state.incident.responders if p.email]
            await self._mail(
                MailKind.REVIEW_OPENED,
                [state.facilitator, *[r for r in responders if r != state.facilitator]],
                f"{wf_id}/opened",
                deadline=self._draft_deadline,
                repeats=state.repeats,
            )
        if state.phase == Phase.DRAFTING:
            if not state.draft_reminded and now >= self._draft_deadline:
                state.draft_reminded = True
                await self._mail(
                    MailKind.DRAFT_REMINDER,
                    [state.facilitator],
                    f"{wf_id}/draft-reminder",
                    deadline=self._draft_deadline,
                )
            deadline = self._next_deadline()
            if state.draft_reminded and deadline is not None and now >= deadline:
                count = state.draft_escalations
                state.draft_escalations += 1
                state.last_draft_escalation_at = now
                await self._mail(
                    MailKind.DRAFT_ESCALATION,
                    state.leadership,
                    f"{wf_id}/draft-escalation-{count + 1}",
                    cc=[state.facilitator],
                    deadline=self._draft_deadline,
                    escalation_count=count,
                )
        invite_at = deadlines.invitation_due(state, self.policy)
        if (
            state.phase == Phase.TRACKING
            and state.follow_up_invited_at is None
            and invite_at is not None
            and now >= invite_at
        ):
            await self._send_invitation()

    async def _send_invitation(self) -> None:
        state = self.state
        await self._refresh_live_status()
        state.follow_up_invited_at = workflow.now()
        state.phase = Phase.FOLLOW_UP
        self._changed()
        assert state.follow_up_at is not None
        owners = sorted({i.owner for i in state.action_items} - {state.facilitator})
        attendees = [state.facilitator, *owners, *state.leadership]
        wf_id = workflow.info().workflow_id
        invitation = Invitation(
            uid=f"{wf_id}-follow-up@followthrough",
            sequence=0,
            start=state.follow_up_at,
            end=state.follow_up_at + self.policy.follow_up.duration,
            timezone=self.policy.timezone,
            summary=f"Follow-up: {state.incident.title}",
            description=f"Review every action item of incident {state.incident.id}: done, "
            f"re-planned or dropped. Review: {state.review_url or ''}",
            organizer=state.facilitator,
            attendees=attendees,
        )
        await self._mail(
            MailKind.FOLLOW_UP_INVITATION,
            attendees,
            f"{wf_id}/follow-up-invitation",
            invitation=invitation,
            agenda=True,
        )

    async def _refresh_live_status(self) -> None:
        """Read every open ticket's live status so the agenda is current."""
        for item in self.state.open_items:
            if item.ticket is None:
                continue
            live = await calls.live_ticket_status(item.ticket.key, timedelta(minutes=5))
            if live is None:
                continue  # the agenda shows the last known status
            if live.done and item.status == ItemStatus.OPEN:
                # The agenda shows it done now; the item's own workflow owns its status, so it
                # hears of the close too and reports back.
                self._settle(item, ItemStatus.DONE, None)
                handle = workflow.get_external_workflow_handle(
                    item_workflow_id(self.state.incident.id, item.id)
                )
                with contextlib.suppress(FailureError):
                    await handle.signal(
                        ActionItemWorkflow.ticket_closed, TicketEvent(key=item.ticket.key)
                    )

    async def _mail(
        self,
        kind: MailKind,
        to: list[str],
        key: str,
        *,
        cc: list[str] | None = None,
        deadline: datetime | None = None,
        escalation_count: int = 0,
        invitation: Invitation | None = None,
        agenda: bool = False,
        **details: Any,
    ) -> None:
        state, now = self.state, workflow.now()
        tz = self.policy.timezone
        lines = (
            [calls.item_line(i, state.five_whys, now, tz) for i in state.action_items]
            if agenda
            else []
        )
        problem = await calls.send_mail(
            calls.review_mail(
                kind,
                to,
                key,
                incident=state.incident,
                review_url=state.review_url,
                facilitator=state.facilitator,
                cc=cc,
                contributors=[i.owner for i in state.action_items],
                deadline=deadline,
                escalation_count=escalation_count,
                invitation=invitation,
                other_items=lines,
                **details,
            )
        )
        if problem is not None:
            self._record_problem(problem, notify=False)

    def _record_problem(self, problem: Problem, *, notify: bool = True) -> None:
        self.state.problems.append(problem)
        self._changed()
        if notify:
            workflow.logger.warning("review problem %s: %s", problem.code, problem.message)

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
        if unchanged and workflow.patched(SEARCH_ATTRIBUTES_ON_CHANGE_PATCH):
            return
        workflow.upsert_search_attributes(updates)
