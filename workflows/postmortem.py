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
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, FailureError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from workflows import calls, rules
    from workflows.action_item import ActionItemWorkflow
    from workflows.messages import Invitation, MailKind
    from workflows.policy import Policy
    from workflows.review import (
        ActionItem,
        ActionItemChange,
        ActionItemDraft,
        ActionItemInput,
        DropRequest,
        FiveWhys,
        FollowUpRecord,
        FollowUpStatus,
        Incident,
        ItemOutcome,
        ItemReport,
        ItemStatus,
        MarkDone,
        Phase,
        PostmortemInput,
        Problem,
        PublishRequest,
        RemoveActionItem,
        Replan,
        ReplanRequest,
        ReviewOutcome,
        ReviewState,
        ReviewStatus,
        TicketEvent,
        WentWell,
        follow_up_start,
        parse_due,
    )
    from workflows.steps import FetchIncident, TicketQuery, TicketStatus, WriteReviewDoc


#: workflow.patched id: the review upserts its search attributes only when one of them changes.
SEARCH_ATTRIBUTES_ON_CHANGE_PATCH = "search-attributes-on-change"


def child_id(incident_id: str, item_id: str) -> str:
    """Deterministic id of an item's workflow, so webhooks can address it without a lookup."""
    return f"postmortem-{incident_id}/action-{item_id}"


@workflow.defn
class PostmortemWorkflow:
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
                follow_up_at=follow_up_start(incident.resolved_at, self.policy),
            )
        self._rendered_revision = -1  # re-render once after start or continue-as-new
        self._lock = asyncio.Lock()

    # --- main loop ---------------------------------------------------------------------------

    @workflow.run
    async def run(self, inp: PostmortemInput) -> ReviewOutcome:
        if inp.state is None:
            await self._fetch_incident()
        while self.state.phase != Phase.CLOSED:
            self._publish_search_attributes()
            await self._write_document()
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

    def _changed(self) -> None:
        self.state.revision += 1

    @property
    def _draft_deadline(self) -> datetime:
        return self.state.incident.resolved_at + self.policy.review.draft_deadline

    @property
    def _invite_at(self) -> datetime | None:
        if self.state.follow_up_at is None:
            return None
        return self.state.follow_up_at - self.policy.follow_up.invite_ahead

    def _next_deadline(self) -> datetime | None:
        state = self.state
        if state.phase == Phase.DRAFTING:
            if not state.draft_reminded:
                return self._draft_deadline
            if state.last_draft_escalation_at is None:
                return self._draft_deadline + self.policy.action_items.escalate_after
            return state.last_draft_escalation_at + self.policy.action_items.escalate_every
        if state.phase == Phase.TRACKING and state.follow_up_invited_at is None:
            return self._invite_at
        return None

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
        self.state.follow_up_at = follow_up_start(incident.resolved_at, self.policy)
        self._changed()

    async def _write_document(self) -> None:
        if self.state.revision == self._rendered_revision:
            return
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
        root = next(
            (
                rc
                for rc in (state.five_whys.root_causes if state.five_whys else [])
                if rc.id == item.root_cause
            ),
            None,
        )
        try:
            await workflow.start_child_workflow(
                ActionItemWorkflow.run,
                ActionItemInput(
                    parent_workflow_id=workflow.info().workflow_id,
                    incident=state.incident,
                    item=item,
                    root_cause=root,
                    facilitator=state.facilitator,
                    leadership=state.leadership,
                    review_url=state.review_url,
                    policy=self.policy,
                ),
                id=child_id(state.incident.id, item.id),
                # ABANDON: the review may continue-as-new; that must not terminate its items.
                parent_close_policy=ParentClosePolicy.ABANDON,
            )
        except WorkflowAlreadyStartedError:
            pass  # started before a continue-as-new whose marker was not yet recorded
        state.started_items.append(item.id)

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
        invite_at = self._invite_at
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
            try:
                live = await calls.call(
                    calls.READ_TICKET_STATUS,
                    TicketQuery(key=item.ticket.key),
                    TicketStatus,
                    give_up_after=timedelta(minutes=5),
                )
            except ActivityError:
                continue  # the agenda shows the last known status
            if live.done and item.status == ItemStatus.OPEN:
                # The agenda shows it done now; the item's own workflow owns its status, so it
                # hears of the close too and reports back.
                self._settle(item, ItemStatus.DONE, None)
                handle = workflow.get_external_workflow_handle(
                    child_id(self.state.incident.id, item.id)
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
                deadline=deadline,
                escalation_count=escalation_count,
                invitation=invitation,
                other_items=lines,
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
                child_id(self.state.incident.id, item_id)
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

    def _settle(self, item: ActionItem, status: ItemStatus, reason: str | None) -> None:
        now = workflow.now()
        item.status = status
        item.closed_at = now
        item.reason = reason
        if status == ItemStatus.DROPPED:
            item.outcome = ItemOutcome.DROPPED
        else:
            on_time = now <= parse_due(item.due, self.policy.timezone)
            item.outcome = ItemOutcome.DONE_ON_TIME if on_time else ItemOutcome.DONE_LATE
        self._changed()

    # --- queries -------------------------------------------------------------------------------

    @workflow.query
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
            publish_blockers=[b for b in blockers if b.code != "blame_findings_open"]
            + [b for b in blockers if b.code == "blame_findings_open"],
        )

    # --- updates: analysis -------------------------------------------------------------------

    def _require_drafting(self, what: str) -> None:
        if self.state.phase != Phase.DRAFTING:
            raise calls.wrong_phase(what, self.state.phase.value)

    def _responders(self) -> list[str]:
        return [p.name for p in self.state.incident.responders]

    @workflow.update
    def submit_five_whys(self, five_whys: FiveWhys) -> ReviewState:
        """Replace the symptom, whys and root causes. Blaming language becomes a finding."""
        self.state.five_whys = five_whys
        self._changed()
        return self.state

    @submit_five_whys.validator
    def _validate_five_whys(self, five_whys: FiveWhys) -> None:
        self._require_drafting("change the five whys")
        violations = rules.check_five_whys(five_whys, self._responders())
        if violations:
            raise calls.rules_rejected(violations)

    def _root_cause_ids(self) -> set[str]:
        fw = self.state.five_whys
        return {rc.id for rc in fw.root_causes} if fw else set()

    @workflow.update
    async def add_action_item(self, draft: ActionItemDraft) -> ActionItem:
        """Add a SMART action item. After publishing it is tracked at once."""
        item = ActionItem(id=str(self.state.next_item_number), **draft.model_dump())
        self.state.next_item_number += 1
        self.state.action_items.append(item)
        self._changed()
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
        for name, value in change.model_dump(exclude={"id"}, exclude_none=True).items():
            setattr(item, name, value)
        self._changed()
        return item

    @change_action_item.validator
    def _validate_change(self, change: ActionItemChange) -> None:
        self._require_drafting("change an action item")
        item = self.state.item(change.id)
        if item is None:
            raise calls.rules_rejected([calls.unknown_item(change.id)])
        merged = ActionItemDraft(
            **{
                **item.model_dump(include=set(ActionItemDraft.model_fields)),
                **change.model_dump(exclude={"id"}, exclude_none=True),
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
        return self.state

    @remove_action_item.validator
    def _validate_remove(self, request: RemoveActionItem) -> None:
        self._require_drafting("remove an action item")
        if self.state.item(request.id) is None:
            raise calls.rules_rejected([calls.unknown_item(request.id)])

    @workflow.update
    def add_went_well(self, entry: WentWell) -> ReviewState:
        self.state.went_well.append(WentWell(text=entry.text.strip()))
        self._changed()
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
        return self.state

    @publish.validator
    def _validate_publish(self, request: PublishRequest) -> None:
        self._require_drafting("publish")
        violations = rules.check_publish(
            self.state, workflow.now(), self.policy, request.blame_override
        )
        if violations:
            raise calls.rules_rejected(violations)

    # --- updates: follow-up --------------------------------------------------------------------

    @workflow.update
    async def record_follow_up(self, record: FollowUpRecord) -> ReviewState:
        """Record the meeting's decision per item; re-planned and dropped items tell their workflow."""
        async with self._lock:
            incident_id = self.state.incident.id
            for outcome in record.outcomes:
                item = self.state.item(outcome.action_item)
                assert item is not None  # guaranteed by the validator
                handle = workflow.get_external_workflow_handle(child_id(incident_id, item.id))
                started = item.id in self.state.started_items
                if outcome.status == FollowUpStatus.REPLANNED:
                    assert outcome.due and outcome.reason
                    item.replans.append(
                        Replan(due=outcome.due, reason=outcome.reason, at=workflow.now())
                    )
                    item.due = outcome.due
                    if item.status != ItemStatus.OPEN:
                        item.status, item.outcome, item.closed_at = ItemStatus.OPEN, None, None
                    if started:
                        await handle.signal(
                            ActionItemWorkflow.replan_decided,
                            ReplanRequest(due=outcome.due, reason=outcome.reason),
                        )
                elif outcome.status == FollowUpStatus.DROPPED:
                    if item.status != ItemStatus.DROPPED:
                        self._settle(item, ItemStatus.DROPPED, outcome.reason)
                    if started:
                        await handle.signal(
                            ActionItemWorkflow.drop_decided,
                            DropRequest(reason=outcome.reason or ""),
                        )
                elif item.status == ItemStatus.OPEN:
                    self._settle(item, ItemStatus.DONE, outcome.reason)
                    if started:
                        await handle.signal(
                            ActionItemWorkflow.done_confirmed, MarkDone(reason=outcome.reason)
                        )
            self.state.follow_up = record.model_copy(update={"recorded_at": workflow.now()})
            if self.state.phase == Phase.TRACKING:
                self.state.phase = Phase.FOLLOW_UP
            self._changed()
            return self.state

    @record_follow_up.validator
    def _validate_follow_up(self, record: FollowUpRecord) -> None:
        violations = rules.check_follow_up(self.state, record, workflow.now(), self.policy)
        if violations:
            raise calls.rules_rejected(violations)

    # --- signals from item workflows -----------------------------------------------------------

    @workflow.signal
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
