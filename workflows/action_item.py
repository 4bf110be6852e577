"""ActionItemWorkflow: one action item, from its ticket to done, dropped or the review's close.

Id ``postmortem-<incident>/action-<n>``. It opens the item's ticket (idempotent: the tracker looks
its unique label up before creating), then waits on ticket signals and on its timers: the owner's
reminder before due, the overdue notice on due, escalations to leadership after the grace period on
the policy's cadence, and the reconciliation of the live ticket status: since
``ITEM_SMALL_HISTORY_PATCH`` one ``watch_ticket`` activity the server retries on the cadence
until the ticket is done or deleted (a read on a timer per period before it). Before every
reminder or escalation it reads the live status; a closed ticket settles the item and nothing is
sent.

A done item keeps listening (a reopened ticket makes it open again) until its review closes; a
dropped item ends at once. Every change is reported to the review with the ``item_changed`` signal.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, FailureError

__all__ = [
    "ITEM_LEAN_HISTORY_PATCH",
    "ITEM_SMALL_HISTORY_PATCH",
    "LOCAL_READS_PATCH",
    "RECONCILE_BACKOFF_PATCH",
    "SEEN_EVENTS",
    "TICKET_MATCH_PATCH",
    "ActionItemWorkflow",
]

with workflow.unsafe.imports_passed_through():
    import workflows.calls as calls
    import workflows.deadlines as deadlines
    from workflows.action_item_handlers import SEEN_EVENTS, TICKET_MATCH_PATCH, ItemHandlers
    from workflows.contracts import (
        ITEM_CHANGED,
        ActionItemInput,
        ItemProgress,
        ItemReport,
    )
    from workflows.deadlines import MAX_TICKET_ATTEMPTS
    from workflows.messages import MailKind
    from workflows.review import (
        ActionItem,
        ItemStatus,
        Ticket,
    )
    from workflows.steps import (
        OpenTicket,
        ReviewItems,
        ReviewQuery,
        TicketComment,
        TicketOpened,
    )

#: workflow.patched id: far from the due date the reconciliation reads less often
#: (``action_items.reconcile_backoff``); runs recorded before it read on ``reconcile_every``.
RECONCILE_BACKOFF_PATCH = "reconcile-backs-off"
#: workflow.patched id: the ticket reads (reconciliation and the live checks before a message) run
#: as local activities: one marker each instead of three events and a workflow task.
LOCAL_READS_PATCH = "ticket-reads-locally"
#: workflow.patched id, issue 11's small histories of items: the reconciliation is one
#: ``watch_ticket`` activity per open ticket, retried by the server on ``reconcile_every`` without
#: writing events (instead of a timer, a read and a workflow task per period), and the item's
#: other calls (its ticket, mail, the review's items, the escalation comment) are local
#: activities: one marker each instead of three events and a workflow task. Runs recorded before
#: it keep both.
ITEM_SMALL_HISTORY_PATCH = "item-small-history"
#: workflow.patched id, issue 11's small histories of items (continued): the item reports its
#: progress to the review (:class:`ItemProgress`), not the whole item: the title, owner and
#: done-when the review decided were recorded twice per report (the item's signal command and
#: the review's signal event). The code that records it has every older item patch.
ITEM_LEAN_HISTORY_PATCH = "item-lean-history"


@workflow.defn
class ActionItemWorkflow(ItemHandlers):
    """One action item; its signals, updates and query are in :class:`ItemHandlers`."""

    @workflow.init
    def __init__(self, inp: ActionItemInput) -> None:
        self.inp = inp
        self.item: ActionItem = inp.item
        self._reported: dict[str, object] | None = None
        self._problem_mail: str | None = None  # a problem the facilitator has not been told yet
        # Ordered and bounded: carried across continue-as-new in the input, so a webhook Jira
        # redelivers after a continue-as-new is still known.
        self._seen_events: list[str] = list(inp.seen_events)
        self._backs_off = False
        self._reads_locally = False
        self._small = False  # ITEM_SMALL_HISTORY_PATCH, asked once per run
        self._lean = False  # ITEM_LEAN_HISTORY_PATCH, asked once per run
        self._watch: asyncio.Task[None] | None = None
        # The watch ended without settling the item (ticket deleted, or it failed for good): the
        # reconciliation goes back to its timer.
        self._watch_ended = False

    # --- main loop -----------------------------------------------------------------------------

    @workflow.run
    async def run(
        self,
        inp: ActionItemInput,  # noqa: ARG002 (read by __init__)
    ) -> ActionItem | ItemProgress:
        """Track the item until it is dropped or its review closes; answer how it ended: its
        progress since ``ITEM_LEAN_HISTORY_PATCH`` (the review already has the rest; the result
        is recorded twice, in this history and the review's), the whole item before."""
        # Asked first, once per run, before any activity (see postmortem._decide_later_patches).
        self._lean = workflow.patched(ITEM_LEAN_HISTORY_PATCH)
        # Replay: the code that records the lean marker has ITEM_SMALL_HISTORY_PATCH too, so a
        # run with it takes that one (and so every older one) without asking; runs recorded
        # before it have no lean marker and ask as they did.
        self._small = self._lean or workflow.patched(ITEM_SMALL_HISTORY_PATCH)
        if self._small:
            # Replay: the code that records this marker has every older item patch, so a run with
            # it takes them all without asking (a marker and a search attribute upsert each).
            self._backs_off = self._reads_locally = True
        else:
            # Older histories have no marker and keep the daily cadence.
            self._backs_off = workflow.patched(RECONCILE_BACKOFF_PATCH)
            # Replay: runs recorded before it have no marker and keep reading as activities.
            self._reads_locally = workflow.patched(LOCAL_READS_PATCH)
            if self._reads_locally:
                # Replay: asked in the first task, before any local read, so the marker of a
                # patch asked later sits where replay looks for it.
                workflow.patched(TICKET_MATCH_PATCH)
        if self.item.ticket is None and self.item.status == ItemStatus.OPEN:
            await self._open_ticket()
        while True:
            await self._report()
            await self._tell_facilitator()
            if self._finished():
                break
            if workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    self.inp.model_copy(
                        update={"item": self.item, "seen_events": self._seen_events}
                    )
                )
            self._keep_watch()
            fired = await calls.sleep_until(self._next_timer(), self._has_news)
            if not fired:
                await self._on_timer()
        await workflow.wait_condition(workflow.all_handlers_finished)
        # Replay: a result is recorded, not compared; the patch keeps old runs' whole.
        return ItemProgress.of(self.item) if self._lean else self.item

    def _finished(self) -> bool:
        if self.item.status == ItemStatus.DROPPED:
            return True
        return self.inp.review_closed

    def _has_news(self) -> bool:
        return (
            self.item.model_dump() != self._reported
            or self._problem_mail is not None
            or self._finished()
            # Signals that change nothing in the end (a ticket closed and reopened in one task)
            # grow the history without waking the loop; with the watch there is no periodic
            # wake-up either, so a long history wakes it to continue as new. Replay: the
            # suggestion comes from the task's started event, the same on every replay; runs
            # before ITEM_SMALL_HISTORY_PATCH (never released without this) keep their waits.
            or (self._small and workflow.info().is_continue_as_new_suggested())
        )

    def _next_timer(self) -> datetime | None:
        inp = self.inp
        if deadlines.item_reconciles(self.item, inp.ticket_attempts) and (
            inp.last_reconciled_at is None
        ):
            inp.last_reconciled_at = workflow.now()  # the cadence counts from the first wait
        return deadlines.next_item_timer(
            self.item,
            tz=self._tz,
            policy=inp.item_rules.action_items,
            reminded=inp.reminded,
            overdue_notified=inp.overdue_notified,
            last_escalation_at=inp.last_escalation_at,
            last_reconciled_at=inp.last_reconciled_at,
            ticket_attempts=inp.ticket_attempts,
            backs_off=self._backs_off,
            watched=self._watched,
        )

    # --- the ticket watch (ITEM_SMALL_HISTORY_PATCH) ------------------------------------------

    @property
    def _watched(self) -> bool:
        """Whether an activity watches the ticket rather than a reconciliation timer."""
        return self._small and not self._watch_ended

    def _keep_watch(self) -> None:
        """Watch the ticket while the item is open and has one (again once it is reopened).

        A watch is never cancelled: once news settled the item first (the webhook's close, the
        follow-up's decision) it ends by itself at its next read of a done ticket (at most one
        cadence and three events later), or with the run (a drop, the review's close, a
        continue-as-new). A cancellation would race that completion: a cancel command for an
        activity the server has just completed fails the workflow task (``ACTIVITY_UNKNOWN``;
        the time-skipping server then stops the clock). Replay: the watch starts only here,
        from state the history determines.
        """
        if self._watch is not None and not self._watch.done():
            return
        ticket = self.item.ticket
        if self._watched and self.item.status == ItemStatus.OPEN and ticket is not None:
            self._watch = asyncio.create_task(self._watch_ticket(ticket.key))

    async def _watch_ticket(self, key: str) -> None:
        """Wait for the ticket to be done or deleted, and settle the item or flag the deletion;
        the main loop wakes up on the change. An item settled meanwhile stays as it is."""
        try:
            live = await calls.watch_ticket(key, self.inp.item_rules.action_items.reconcile_every)
        except ActivityError as err:
            # Every read failure is retried (activities/tickets.py), so this is a timeout or a
            # worker without the activity: the reconciliation goes back to its timer.
            workflow.logger.warning("ticket watch ended: %s", calls.failure_code(err))
            self._end_watch()
            return
        ticket = self.item.ticket
        if ticket is None or live.key != ticket.key or self.item.status != ItemStatus.OPEN:
            return
        if live.deleted:
            self._ticket_gone()
            self._end_watch()
        elif live.done:
            self._settle_done(workflow.now())

    def _end_watch(self) -> None:
        self._watch_ended = True
        self.inp.last_reconciled_at = workflow.now()  # the timer's cadence counts from now

    async def _on_timer(self) -> None:
        """A timer fired: reconcile first, then send whatever is due (each at most once)."""
        now, inp, policy = workflow.now(), self.inp, self.inp.item_rules.action_items
        inp.last_reconciled_at = now
        # ITEM_LEAN_HISTORY_PATCH: a message due now reads the ticket itself (send_item_email),
        # so the live check is no marker of its own; with nothing to send the timer still reads.
        checked = self._lean and self.item.ticket is not None and self._message_due(now)
        if self.item.ticket is None and inp.ticket_attempts:
            if inp.ticket_attempts < MAX_TICKET_ATTEMPTS:
                await self._open_ticket()
        elif not checked and not await self._still_open():
            return
        # Replay: each condition is read after the awaits before it, as runs before the patch
        # did: a signal handled meanwhile (a re-plan) moves what is due.
        # Each "sent" flag is set before its send, as before the patch; a checked send that
        # found the ticket done sent nothing, so the flags go back (a reopened ticket is told).
        due, flags = self._due, (inp.overdue_notified, inp.reminded)
        if not inp.overdue_notified and now >= due:
            inp.overdue_notified = inp.reminded = True
            if not await self._mail(
                MailKind.OVERDUE_NOTICE,
                [self.item.owner],
                "overdue",
                cc=[inp.facilitator],
                checked=checked,
            ):
                inp.overdue_notified, inp.reminded = flags
                return
        elif not inp.reminded and now >= due - policy.remind_before:
            inp.reminded = True
            if not await self._mail(
                MailKind.OWNER_REMINDER, [self.item.owner], "reminder", checked=checked
            ):
                inp.overdue_notified, inp.reminded = flags
                return
        if now >= deadlines.escalation_due(due, inp.last_escalation_at, policy):
            await self._escalate(checked=checked)

    def _message_due(self, now: datetime) -> bool:
        """Whether the timer has a reminder, notice or escalation to send at ``now``."""
        inp, policy, due = self.inp, self.inp.item_rules.action_items, self._due
        return (
            (not inp.overdue_notified and now >= due)
            or (not inp.reminded and now >= due - policy.remind_before)
            or now >= deadlines.escalation_due(due, inp.last_escalation_at, policy)
        )

    async def _still_open(self) -> bool:
        """Read the live ticket status; settle the item if the ticket was closed meanwhile."""
        if self.item.ticket is None:
            return True
        live = await calls.live_ticket_status(
            self.item.ticket.key, timedelta(hours=1), local=self._reads_locally
        )
        if live is None:
            return True  # a reminder about a possibly closed ticket beats silence
        if live.deleted:
            self._ticket_gone()
            return True
        if live.done:
            self._settle_done(workflow.now())
            return False
        return True

    async def _escalate(self, *, checked: bool = False) -> None:
        """Tell leadership (and comment on the ticket); ``checked``: see :meth:`_mail`."""
        inp, item = self.inp, self.item
        count = item.escalations
        others = await self._other_open_items()
        if not await self._mail(
            MailKind.ESCALATION,
            inp.leadership,
            f"escalation-{count + 1}",
            cc=[item.owner, inp.facilitator],
            escalation_count=count,
            others=others,
            checked=checked,
        ):
            return
        item.escalations += 1
        inp.last_escalation_at = workflow.now()
        if item.ticket is not None:
            text = (
                f"Followthrough: this item is overdue and was escalated to "
                f"{', '.join(inp.leadership)} (escalation #{count + 1})."
            )
            try:
                await calls.call(
                    calls.COMMENT_ON_TICKET,
                    TicketComment(key=item.ticket.key, text=text),
                    type(None),
                    give_up_after=timedelta(hours=1),
                    local=self._small,
                )
            except ActivityError as err:
                workflow.logger.warning("escalation comment failed: %s", calls.failure_code(err))

    async def _other_open_items(self) -> list[ActionItem]:
        try:
            items = await calls.call(
                calls.LIST_REVIEW_ITEMS,
                ReviewQuery(
                    workflow_id=self.inp.parent_workflow_id,
                    open_except=self.item.id if self._small else None,
                ),
                ReviewItems,
                give_up_after=timedelta(minutes=5),
                local=self._small,
            )
        except ActivityError:
            return []
        return [i for i in items.items if i.id != self.item.id and i.status == ItemStatus.OPEN]

    async def _open_ticket(self) -> None:
        inp, item = self.inp, self.item
        try:
            opened = await calls.call(
                calls.OPEN_TICKET,
                OpenTicket(
                    incident_id=inp.incident.id,
                    incident_title=inp.incident.title,
                    item=item,
                    root_cause=inp.root_cause.statement if inp.root_cause else None,
                    review_url=inp.review_url,
                    doc_url=inp.doc_url,
                    timezone=self._tz,
                ),
                TicketOpened,
                local=self._small,
            )
        except ActivityError as err:
            inp.ticket_attempts += 1
            problem = (
                f"The ticket for action item {item.id} could not be opened "
                f"({calls.failure_code(err)}): {calls.failure_message(err)}"
            )
            if inp.ticket_attempts < MAX_TICKET_ATTEMPTS:
                problem += " Followthrough will try again; reminders go out by email meanwhile."
            self._flag(problem)
            return
        item.ticket = Ticket(key=opened.key, url=opened.url, id=opened.issue_id)
        item.problem = None
        if opened.unassigned_reason:
            self._flag(f"Ticket {opened.key} is unassigned: {opened.unassigned_reason}")

    async def _report(self) -> None:
        snapshot = self.item.model_dump()
        if snapshot == self._reported:
            return
        self._reported = snapshot
        parent = workflow.get_external_workflow_handle(self.inp.parent_workflow_id)
        try:
            # Replay: the signal's payload is not compared; the patch keeps old runs' reports whole.
            report = (
                ItemReport(progress=ItemProgress.of(self.item))
                if self._lean
                else ItemReport(item=self.item)
            )
            await parent.signal(ITEM_CHANGED, report)
        except FailureError:
            workflow.logger.warning("review %s no longer listens", self.inp.parent_workflow_id)

    async def _tell_facilitator(self) -> None:
        if self._problem_mail is None:
            return
        problem, self._problem_mail = self._problem_mail, None
        await self._mail(
            MailKind.PROBLEM,
            [self.inp.facilitator],
            # Same problem, same key: told once. sha256 (not hash()) is stable across workers.
            "problem-" + hashlib.sha256(problem.encode()).hexdigest()[:16],
            problem=problem,
        )

    async def _mail(
        self,
        kind: MailKind,
        to: list[str],
        purpose: str,
        *,
        cc: list[str] | None = None,
        escalation_count: int = 0,
        others: list[ActionItem] | None = None,
        problem: str | None = None,
        checked: bool = False,
    ) -> bool:
        """Send one message about the item; False when nothing was sent because the ticket is done.

        ``checked`` (default False; only in runs with ``ITEM_LEAN_HISTORY_PATCH``): the send
        reads the live ticket first (``send_item_email``, one marker for both) and sends nothing
        about a done ticket, which settles the item, as :meth:`_still_open` does."""
        inp, now = self.inp, workflow.now()
        five_whys_root = inp.root_cause.statement if inp.root_cause else None
        line = calls.item_line(self.item, None, now, self._tz)
        line.root_cause = five_whys_root or self.item.root_cause
        # The key names the due date too: a re-planned item earns a fresh reminder.
        key = f"{workflow.info().workflow_id}/{purpose}@{self.item.due}"
        request = calls.review_mail(
            kind,
            to,
            key,
            incident=inp.incident,
            review_url=inp.review_url,
            facilitator=inp.facilitator,
            cc=cc,
            contributors=[self.item.owner],
            item=line,
            other_items=[calls.item_line(o, None, now, self._tz) for o in others or []],
            escalation_count=escalation_count,
            problem=problem,
        )
        ticket = self.item.ticket
        if checked and ticket is not None:
            live, result = await calls.send_item_mail(request, ticket.key)
            if live is not None and live.done:
                self._settle_done(workflow.now())
                return False
            if live is not None and live.deleted:
                self._ticket_gone()
        else:
            result = await calls.send_mail(request, local=self._small)
        if result is not None and kind != MailKind.PROBLEM:
            self.item.problem = result.message
        return True
