"""An item's reconciliation since ``item-small-history``: one ``watch_ticket`` activity the server
retries on ``reconcile_every`` until the ticket is done or deleted, through the production worker
on the time-skipping server.

A ticket closed in the tracker without a webhook still settles the item within one cadence, at
the cost of one activity for the whole wait; after the webhook's close the watch ends at its next
read; a tracker outage leaves the item open and the watch reading on; reminders and escalations
keep their days.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowHistory
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from connectors.errors import ConnectorError, ErrorKind, System
from connectors.local_tracker import LocalTracker
from connectors.tracker import TicketState
from followthrough.settings import Settings
from followthrough.wiring import build_connectors
from tests.support.harness import (
    FIVE_WHYS,
    close_ticket,
    incident,
    item,
    outbox,
    settings_for,
    skip_to_day,
)
from tests.support.histories import activity_calls
from worker import build_worker
from workflows.action_item import ActionItemWorkflow
from workflows.contracts import PostmortemInput, ReviewOutcome
from workflows.ids import item_workflow_id, review_workflow_id
from workflows.policy import ActionItemPolicy, Policy
from workflows.postmortem import PostmortemWorkflow
from workflows.review import ActionItem, ItemStatus, Phase, PublishRequest, WentWell

DAY = timedelta(days=1)
#: Read the ticket daily; item 1 is due on day 10 (reminder day 7, escalation day 17).
POLICY = Policy(action_items=ActionItemPolicy(reconcile_every=DAY))
OWNER = "dave@example.com"
OTHER = "erin@example.com"


class FlakyTracker(LocalTracker):
    """The local tracker, whose reads fail as a Jira outage while ``down``, and where a ticket
    in ``deleted`` reads as deleted in Jira."""

    def __init__(self, path: Path, base_url: str) -> None:
        super().__init__(path, base_url)
        self.down = False
        self.deleted: set[str] = set()
        #: One per read: the ticket key, and True when the read failed.
        self.reads: list[tuple[str, bool]] = []

    def ticket_state(self, key: str) -> TicketState:
        self.reads.append((key, self.down))
        if self.down:
            raise ConnectorError(System.JIRA, ErrorKind.UNAVAILABLE, "Jira is down (503)")
        if key in self.deleted:
            return TicketState(key=key, done=False, deleted=True, status="deleted")
        return super().ticket_state(key)


@dataclass
class Review:
    env: WorkflowEnvironment
    settings: Settings
    tracker: FlakyTracker
    handle: WorkflowHandle[PostmortemWorkflow, ReviewOutcome]
    incident_id: str
    t0: datetime

    async def to_day(self, day: float) -> None:
        """Skip time until ``day`` days after resolution."""
        await skip_to_day(self.env, self.t0, day)

    async def item(self) -> ActionItem:
        child = self.env.client.get_workflow_handle(item_workflow_id(self.incident_id, "1"))
        return await child.query(ActionItemWorkflow.current)

    async def history(self) -> WorkflowHistory:
        child = self.env.client.get_workflow_handle(item_workflow_id(self.incident_id, "1"))
        return await child.fetch_history()

    async def key(self) -> str:
        ticket = (await self.item()).ticket
        assert ticket is not None
        return ticket.key

    async def close_in_tracker(self) -> None:
        """The owner closes the ticket in Jira and the webhook is lost."""
        self.tracker.set_done(await self.key(), True)

    async def reads(self, *, failed: bool | None = None) -> int:
        """Item 1's ticket reads so far (``failed``: only those that failed, or succeeded)."""
        key = await self.key()
        return sum(1 for k, f in self.tracker.reads if k == key and failed in (None, f))

    def day_of(self, moment: datetime) -> float:
        return (moment - self.t0) / DAY


@contextlib.asynccontextmanager
async def published(
    env: WorkflowEnvironment, tmp_path: Path, incident_id: str, policy: Policy = POLICY
) -> AsyncIterator[Review]:
    """A published review with item 1 due on day 10 (item 2, due on day 80, stays quiet), its
    worker running on a tracker that can fail; every workflow of it is terminated afterwards (no
    timer of it fires in later tests). ``policy`` defaults to daily reads (:data:`POLICY`)."""
    settings = settings_for(tmp_path)
    tracker = FlakyTracker(settings.tracker_file, settings.base_url)
    client = env.client
    async with build_worker(client, settings, replace(build_connectors(settings), tracker=tracker)):
        t0 = await env.get_current_time()
        handle = await client.start_workflow(
            PostmortemWorkflow.run,
            PostmortemInput(
                incident=incident(incident_id, t0),
                policy=policy,
                review_url=f"http://review.test/reviews/{incident_id}",
            ),
            id=review_workflow_id(incident_id),
            task_queue=settings.task_queue,
        )
        try:
            await handle.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
            await handle.execute_update(
                PostmortemWorkflow.add_action_item,
                item("Cap pool size at 20 in the service template", OWNER, t0 + 10 * DAY),
            )
            await handle.execute_update(
                PostmortemWorkflow.add_action_item,
                item("Add a limits step to the checklist", OTHER, t0 + 80 * DAY, "rc2"),
            )
            await handle.execute_update(
                PostmortemWorkflow.add_went_well, WentWell(text="The runbook had the steps.")
            )
            done = await handle.execute_update(PostmortemWorkflow.publish, PublishRequest())
            assert done.phase == Phase.TRACKING
            yield Review(env, settings, tracker, handle, incident_id, t0)
        finally:
            for wf_id in (
                review_workflow_id(incident_id),
                item_workflow_id(incident_id, "1"),
                item_workflow_id(incident_id, "2"),
            ):
                with contextlib.suppress(RPCError):
                    await client.get_workflow_handle(wf_id).terminate("test finished")


def events(history: WorkflowHistory, kind: int) -> int:
    return sum(1 for e in history.events if e.event_type == kind)


async def test_a_ticket_closed_in_jira_without_a_webhook_settles_the_item_within_one_cadence(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with published(time_env, tmp_path, "PWATCH1") as review:
        await review.to_day(2.5)
        await review.close_in_tracker()
        await review.to_day(4)
        settled = await review.item()

    assert settled.status == ItemStatus.DONE
    assert settled.closed_at is not None
    assert 2.5 < review.day_of(settled.closed_at) <= 3.5


async def test_a_wait_of_days_costs_one_watch_not_a_timer_and_a_read_per_day(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with published(time_env, tmp_path, "PWATCH2") as review:
        await review.to_day(5.5)
        await review.close_in_tracker()
        await review.to_day(7)
        history = await review.history()
        reads = await review.reads()

    calls = activity_calls(history)
    assert calls.count("watch_ticket") == 1
    assert "read_ticket_status" not in calls  # the day-7 reminder never came: settled on day 6
    assert events(history, EventType.EVENT_TYPE_TIMER_FIRED) == 0
    assert reads >= 6  # the server tried it daily, writing nothing


async def test_a_webhook_close_settles_at_once_and_the_watch_ends_at_its_next_read(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with published(time_env, tmp_path, "PWATCH3") as review:
        await review.to_day(2.2)
        await close_ticket(time_env.client, review.settings, review.incident_id, "1")
        settled = await review.item()
        await review.to_day(3.5)
        reads = await review.reads()
        await review.to_day(6)
        history = await review.history()
        later = await review.reads()

    assert settled.status == ItemStatus.DONE
    assert settled.closed_at is not None and review.day_of(settled.closed_at) < 2.3
    # Never cancelled (a cancel would race the completion): it read the done ticket on day 3.
    assert events(history, EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED) == 0
    assert events(history, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) == 1
    assert later == reads  # and read no more


async def test_a_jira_outage_does_not_settle_the_item_and_the_watch_reads_on(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with published(time_env, tmp_path, "PWATCH4") as review:
        review.tracker.down = True
        await review.to_day(5.5)
        during = await review.item()
        review.tracker.down = False
        await review.close_in_tracker()
        await review.to_day(6.6)
        after = await review.item()
        history = await review.history()
        failed = await review.reads(failed=True)

    assert during.status == ItemStatus.OPEN and during.problem is None
    assert failed >= 5  # a failed read a day, each retried
    assert after.status == ItemStatus.DONE
    assert activity_calls(history).count("watch_ticket") == 1


async def test_reminders_and_escalations_go_out_on_their_days_while_the_ticket_is_watched(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with published(time_env, tmp_path, "PWATCH5") as review:
        await review.to_day(18)
        sent = [
            (s.kind, round(review.day_of(s.at)))
            for s in outbox(review.settings)
            if s.kind in ("owner_reminder", "overdue_notice", "escalation")
        ]
        current = await review.item()

    assert sent == [("owner_reminder", 7), ("overdue_notice", 10), ("escalation", 17)]
    assert current.status == ItemStatus.OPEN and current.escalations == 1


async def test_a_ticket_deleted_in_jira_flags_the_item_once_and_leaves_it_open(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with published(time_env, tmp_path, "PWATCH6") as review:
        await review.to_day(2.5)
        key = await review.key()
        review.tracker.deleted.add(key)
        await review.to_day(6.5)  # the watch found it on day 3; reads go on, on a timer
        flagged = await review.item()
        told = [s for s in outbox(review.settings) if s.kind == "problem"]

    assert flagged.status == ItemStatus.OPEN
    assert flagged.problem is not None and f"Ticket {key}" in flagged.problem
    assert "was deleted in the tracker" in flagged.problem
    assert len(told) == 1
    assert 2.5 < review.day_of(told[0].at) <= 3.5
