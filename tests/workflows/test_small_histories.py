"""Small histories: an accepted update answers with a small result, items start without the
timeline, items far from their due date read their ticket less often than daily, a review writes
its document and store in one small local call per change and keeps one timer per deadline."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from followthrough.settings import Settings
from followthrough.worker_runtime import DATA_CONVERTER
from tests.support.harness import FIVE_WHYS, eventually, incident, local_worker, settings_for
from tests.support.histories import activity_calls, patches
from tests.support.scenarios import SIX_WEEK_POLICY, publish_two_items, six_week_review
from workflows.action_item import ActionItemWorkflow
from workflows.contracts import (
    ActionItemInput,
    PostmortemInput,
    ReviewOutcome,
    UpdateResult,
)
from workflows.ids import item_workflow_id
from workflows.policy import ItemPolicy
from workflows.postmortem import LEAN_HISTORY_PATCH, PostmortemWorkflow
from workflows.review import (
    ActionItem,
    TimelineEntry,
    WentWell,
)


async def drafting(
    env: WorkflowEnvironment, settings: Settings, incident_id: str, timeline: list[TimelineEntry]
) -> WorkflowHandle[PostmortemWorkflow, ReviewOutcome]:
    """A review of an incident with ``timeline``, its five whys submitted."""
    now = await env.get_current_time()
    handle = await env.client.start_workflow(
        PostmortemWorkflow.run,
        PostmortemInput(
            incident=incident(incident_id, now, timeline=timeline),
            review_url=f"http://review.test/reviews/{incident_id}",
        ),
        id=f"postmortem-{incident_id}",
        task_queue=settings.task_queue,
    )
    await handle.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
    return handle


async def test_accepted_updates_record_a_small_result_not_the_review(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    async with local_worker(time_env.client, settings):
        now = await time_env.get_current_time()
        timeline = [
            TimelineEntry(at=now - timedelta(minutes=n), kind="note", summary="x" * 1_000)
            for n in range(20)
        ]
        handle = await drafting(time_env, settings, "PSMALL1", timeline)
        result = await handle.execute_update(
            PostmortemWorkflow.add_went_well, WentWell(text="Paging worked.")
        )
        history = await handle.fetch_history()
    assert result == UpdateResult(revision=result.revision, phase="drafting", changed="went_well.0")
    completed = [
        e
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED
    ]
    assert len(completed) == 2
    assert all(e.ByteSize() < 1_000 for e in completed)  # the review itself is over 20 KB


async def test_items_start_with_the_incident_but_not_its_timeline(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    async with local_worker(time_env.client, settings):
        now = await time_env.get_current_time()
        timeline = [TimelineEntry(at=now, kind="trigger", summary="Checkout 503s")]
        handle = await drafting(time_env, settings, "PSMALL2", timeline)
        await publish_two_items(
            handle,
            now + timedelta(days=9),
            ("alice@example.com", "alice@example.com"),
            five_whys=False,
        )
        child = time_env.client.get_workflow_handle(item_workflow_id("PSMALL2", "1"))

        async def both_started() -> None:
            status = await handle.query(PostmortemWorkflow.status)
            assert len(status.state.started_items) == 2

        await eventually(both_started)

        async def started() -> ActionItemInput:
            history = await child.fetch_history()
            payload = history.events[0].workflow_execution_started_event_attributes.input.payloads[
                0
            ]
            data = DATA_CONVERTER.payload_converter.from_payload(payload, ActionItemInput)
            assert isinstance(data, ActionItemInput)
            return data

        start = await eventually(started)
        current = await child.query(ActionItemWorkflow.current)
    assert start.incident.id == "PSMALL2" and start.incident.title == "Checkout API returned 503s"
    assert start.incident.timeline == []
    assert current.id == "1"
    assert json.loads(start.model_dump_json())["item"]["id"] == "1"


def ticket_reads(history: WorkflowHistory) -> int:
    """Ticket reads, scheduled or (since ``ticket-reads-locally``) local activities."""
    return activity_calls(history).count("read_ticket_status")


async def test_items_far_from_due_read_their_ticket_less_often_than_the_cadence(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """Issue 2's six weeks reconcile daily (``reconcile_every``): item 1 (due day 14, closed on
    day 5) and item 3 (due day 20, re-planned to day 50, closed on day 40) spend most of their
    open days before the owner's reminder or past the grace period, where they read every three
    days; item 2 (due day 10, closed day 19) is near its due date almost throughout. Since
    ``item-small-history`` the reconciliation is one ``watch_ticket`` activity (its reads are
    retries, not in the history; tests/workflows/test_item_reconcile.py), so the reads counted
    here are the live checks before a reminder, notice or escalation only."""
    run = await six_week_review(time_env, settings_for(tmp_path), "PSMALL3")
    assert SIX_WEEK_POLICY.action_items.reconcile_backoff == 3
    reads = {}
    for n in ("1", "2", "3"):
        handle = time_env.client.get_workflow_handle(item_workflow_id("PSMALL3", n))
        reads[n] = ticket_reads(await handle.fetch_history())
    assert run.outcome.items_done == 3
    # Daily reads would be 5, 19 and 40 (one per day open); the webhook stays the primary signal.
    assert reads["1"] <= 2
    assert reads["3"] <= 24
    assert reads["2"] <= 15


def events_of(history: WorkflowHistory, kind: int) -> int:
    return sum(1 for e in history.events if e.event_type == kind)


async def test_a_review_writes_its_document_and_store_in_one_small_local_call_per_change(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """Since ``review-small-history`` the six weeks' writes are ``persist_review`` local
    activities: a marker each holding the answer, never the review it was given."""
    run = await six_week_review(time_env, settings_for(tmp_path), "PSMALL4")
    history = await run.handle.fetch_history()
    calls = activity_calls(history)
    markers = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED]
    assert run.outcome.items_done == 3
    assert "write_review_document" not in calls and "store_review" not in calls
    # One write per burst of changes: fewer writes than the review has revisions.
    assert 0 < calls.count("persist_review") < run.status.state.revision
    assert all(m.ByteSize() < 1_500 for m in markers)  # the review is several KB
    assert len(history.events) <= 200


async def test_a_review_keeps_one_timer_for_its_next_deadline_across_wake_ups(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """Items report about ten times in six weeks; each wake-up used to cancel the review's timer
    and start it again. Now only a moved deadline replaces it (publishing: the draft's
    deadline gives way to the follow-up invitation's)."""
    run = await six_week_review(time_env, settings_for(tmp_path), "PSMALL5")
    history = await run.handle.fetch_history()
    signals = events_of(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
    assert signals >= 8
    assert events_of(history, EventType.EVENT_TYPE_TIMER_CANCELED) <= 1
    assert events_of(history, EventType.EVENT_TYPE_TIMER_STARTED) <= 3


async def test_a_lean_review_records_one_patch_marker_for_all_its_patches(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """Since ``review-lean-history`` a review takes its five older patches as given: one marker
    and one search-attribute upsert instead of five of each."""
    run = await six_week_review(time_env, settings_for(tmp_path), "PSMALL6")
    history = await run.handle.fetch_history()
    assert run.outcome.items_done == 3
    assert patches(history) == {LEAN_HISTORY_PATCH}


async def test_a_lean_review_sends_its_mail_and_fetches_its_incident_as_local_activities(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """A scheduled activity records its input (a mail with its agenda is ~3 KB) and costs a
    workflow task; a local one is a marker holding the answer."""
    run = await six_week_review(time_env, settings_for(tmp_path), "PSMALL7")
    history = await run.handle.fetch_history()
    scheduled = [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    calls = activity_calls(history)
    assert scheduled == []
    assert "fetch_incident" in calls
    assert calls.count("send_email") >= 2  # the publish notice and the follow-up invitation


async def test_items_of_a_lean_review_start_with_their_part_of_the_policy(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """The whole policy (teams, digest, follow-up...) was recorded twice per item; an item reads
    its cadences and timezone only."""
    await six_week_review(time_env, settings_for(tmp_path), "PSMALL8")
    child = time_env.client.get_workflow_handle(item_workflow_id("PSMALL8", "1"))
    history = await child.fetch_history()
    payload = history.events[0].workflow_execution_started_event_attributes.input.payloads[0]
    start = DATA_CONVERTER.payload_converter.from_payload(payload, ActionItemInput)
    assert isinstance(start, ActionItemInput)
    assert start.policy is None
    assert start.item_policy == ItemPolicy.of(SIX_WEEK_POLICY)


def test_an_item_started_with_the_whole_policy_runs_on_its_part() -> None:
    """Items started before ``review-lean-history`` hold the whole policy: they read the same
    part of it."""
    now = datetime(2026, 12, 1, tzinfo=UTC)
    item = ActionItem(
        id="1",
        title="Cap pool size at 20 in the service template",
        owner="carol@example.com",
        due="2026-12-18",
        done_when="A load test with 2x peak traffic shows under 80% pool usage.",
        root_cause="rc1",
    )
    whole = ActionItemInput(
        parent_workflow_id="postmortem-P1",
        incident=incident("P1", now),
        item=item,
        facilitator="facilitator@example.com",
        leadership=["leadership@example.com"],
        policy=SIX_WEEK_POLICY,
    )
    assert whole.item_rules == ItemPolicy.of(SIX_WEEK_POLICY)
