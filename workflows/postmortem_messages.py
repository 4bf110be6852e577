"""What a review mails and when: the opening notice, the draft reminder and escalations, and the
follow-up invitation with its live agenda.

A mixin of :class:`workflows.postmortem.PostmortemWorkflow` (its main loop sends what is due). Each
message is sent at most once: its "sent" marker lives in the review's state, and its idempotency
key names the review and the message.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import FailureError

__all__ = ["ReviewMessages"]

with workflow.unsafe.imports_passed_through():
    from workflows import calls, deadlines
    from workflows.action_item import ActionItemWorkflow
    from workflows.contracts import TicketEvent
    from workflows.ids import item_workflow_id
    from workflows.messages import Invitation, MailKind
    from workflows.postmortem_items import ItemDecisions
    from workflows.review import ItemStatus, Phase, Problem


class ReviewMessages(ItemDecisions):
    """The review's mail steps and the problems it records."""

    #: Set by the workflow once per run (``SMALL_HISTORY_PATCH``): ticket reads are local activities.
    _calls_locally: bool
    #: Set by the workflow once per run (``LEAN_HISTORY_PATCH``): its mails are local activities.
    _lean: bool

    @property
    def _draft_deadline(self) -> datetime:
        return deadlines.draft_deadline(self.state.incident, self.policy)

    def _next_deadline(self) -> datetime | None:
        return deadlines.next_review_deadline(self.state, self.policy)

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
            live = await calls.live_ticket_status(
                item.ticket.key, timedelta(minutes=5), local=self._calls_locally
            )
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
            ),
            # Replay: runs before LEAN_HISTORY_PATCH recorded send_email as scheduled activities.
            local=self._lean,
        )
        if problem is not None:
            self._record_problem(problem, notify=False)

    def _record_problem(self, problem: Problem, *, notify: bool = True) -> None:
        self.state.problems.append(problem)
        self._changed()
        if notify:
            workflow.logger.warning("review problem %s: %s", problem.code, problem.message)
