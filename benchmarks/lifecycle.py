"""A whole six-week review on the Java time-skipping server, repeated: wall time and history size.

Each run starts a fresh time-skipping server (time skipping is global to a server), runs the
production worker on the local connectors, and drives the scenario of
``tests/workflows/test_lifecycle.py``: three items — one closed early, one closed late after a
reminder, an overdue notice and an escalation, one re-planned at the follow-up and then closed —
the follow-up recorded, the review closed. Prints per run the wall time, the history event count
of the parent and of each action-item child, and the total history size (``len(to_json())``).

    .venv/bin/python -m benchmarks.lifecycle [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from benchmarks._common import (
    CpuMeter,
    binary,
    child_named,
    cpu_seconds,
    exit_now,
    machine_header,
    report,
)
from connectors.local_tracker import LocalTracker
from tests.harness import FIVE_WHYS, incident, item, local_worker, outbox, settings_for
from workflows.action_item import ActionItemWorkflow
from workflows.policy import ActionItemPolicy, Policy
from workflows.postmortem import PostmortemWorkflow, child_id
from workflows.review import (
    FollowUpOutcome,
    FollowUpRecord,
    FollowUpStatus,
    Phase,
    PostmortemInput,
    PublishRequest,
    ReviewOutcome,
    TicketEvent,
    WentWell,
)

#: The policy of tests/workflows/test_lifecycle.py (daily reconcile instead of six-hourly).
POLICY = Policy(action_items=ActionItemPolicy(reconcile_every=timedelta(days=1)))
ITEMS = ("1", "2", "3")


@dataclass
class Run:
    env_start_s: float
    server_cpu_s: float
    wall_s: float
    parent_events: int
    child_events: list[int]
    history_bytes: int
    parent_bytes: int
    messages: int
    outcome: ReviewOutcome
    phase: Phase


async def close_ticket(
    client: Client,
    tracker: LocalTracker,
    handle: WorkflowHandle[PostmortemWorkflow, ReviewOutcome],
    item_id: str,
) -> None:
    """An owner closing the ticket: the tracker says done, the webhook signals the item."""
    state = (await handle.query(PostmortemWorkflow.status)).state
    found = state.item(item_id)
    if found is None or found.ticket is None:
        raise RuntimeError(f"item {item_id} has no ticket yet")
    tracker.set_done(found.ticket.key, True)
    child = client.get_workflow_handle(child_id(state.incident.id, item_id))
    await child.signal(ActionItemWorkflow.ticket_closed, TicketEvent(key=found.ticket.key))


async def six_weeks(env: WorkflowEnvironment, workdir: Path, incident_id: str) -> Run:
    """The driving steps of test_six_week_review_runs_from_resolution_to_close."""
    settings = settings_for(workdir)
    client = env.client
    tracker = LocalTracker(settings.tracker_file, settings.base_url)
    wall_start = time.perf_counter()
    async with local_worker(client, settings):
        t0 = await env.get_current_time()
        handle = await client.start_workflow(
            PostmortemWorkflow.run,
            PostmortemInput(
                incident=incident(incident_id, t0),
                policy=POLICY,
                review_url=f"http://review.test/reviews/{incident_id}",
            ),
            id=f"postmortem-{incident_id}",
            task_queue=settings.task_queue,
        )
        await handle.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
        drafts = (
            item(
                "Cap pool size at 20 in the service template",
                "carol@example.com",
                t0 + timedelta(days=14),
            ),
            item(
                "Add a connection-limit step to the deploy checklist",
                "dave@example.com",
                t0 + timedelta(days=10),
                "rc2",
            ),
            item(
                "Alert when pool usage exceeds 80% for 5 minutes",
                "erin@example.com",
                t0 + timedelta(days=20),
            ),
        )
        for draft in drafts:
            await handle.execute_update(PostmortemWorkflow.add_action_item, draft)
        await handle.execute_update(
            PostmortemWorkflow.add_went_well,
            WentWell(text="The on-call runbook had the rollback steps."),
        )
        await handle.execute_update(PostmortemWorkflow.publish, PublishRequest())

        await env.sleep(timedelta(days=5))
        await close_ticket(client, tracker, handle, "1")
        await env.sleep(timedelta(days=14))  # day 19: item 2 is 9 days late, escalated once
        await close_ticket(client, tracker, handle, "2")
        await env.sleep(timedelta(days=17))  # day 36: after the follow-up meeting
        await handle.execute_update(
            PostmortemWorkflow.record_follow_up,
            FollowUpRecord(
                outcomes=[
                    FollowUpOutcome(
                        action_item="3",
                        status=FollowUpStatus.REPLANNED,
                        due=(t0 + timedelta(days=50)).isoformat(),
                        reason="Alerting needs the new metrics pipeline first.",
                    )
                ]
            ),
        )
        await env.sleep(timedelta(days=4))  # day 40
        await close_ticket(client, tracker, handle, "3")
        outcome = await handle.result()
        status = await handle.query(PostmortemWorkflow.status)
        wall = time.perf_counter() - wall_start
        history = await handle.fetch_history()
        parent_bytes = size = len(history.to_json())
        child_events = []
        for n in ITEMS:
            child_history = await client.get_workflow_handle(
                child_id(incident_id, n)
            ).fetch_history()
            child_events.append(len(child_history.events))
            size += len(child_history.to_json())
    return Run(
        env_start_s=0.0,
        server_cpu_s=0.0,
        wall_s=wall,
        parent_events=len(history.events),
        child_events=child_events,
        history_bytes=size,
        parent_bytes=parent_bytes,
        messages=len(outbox(settings)),
        outcome=outcome,
        phase=status.state.phase,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", "-n", type=int, default=5, help="scenario repetitions (R)")
    args = parser.parse_args()

    machine_header("lifecycle: six-week review on the time-skipping test server")
    server = binary("temporal-test-server")
    runs: list[Run] = []
    print(
        f"{'run':>3}  {'env start':>9}  {'wall':>7}  {'parent ev':>9}  {'child ev':>12}  "
        f"{'history':>9}  {'mails':>5}  {'srv cpu':>7}  outcome"
    )
    cpu = CpuMeter({})
    t_all = time.perf_counter()
    for r in range(1, args.runs + 1):
        workdir = Path(tempfile.mkdtemp(prefix="ft-bench-lifecycle-"))
        t_env = time.perf_counter()
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=server, data_converter=pydantic_data_converter
        )
        env_start = time.perf_counter() - t_env
        server_pid = child_named(os.getpid(), "temporal-test")
        try:
            run = await six_weeks(env, workdir, f"PLIFE{r:02d}")
            run.server_cpu_s = (cpu_seconds(server_pid) or 0.0) if server_pid else float("nan")
        finally:
            await env.shutdown()
            shutil.rmtree(workdir, ignore_errors=True)
        run.env_start_s = env_start
        runs.append(run)
        ok = (
            run.phase == Phase.CLOSED
            and run.outcome.items_done == 3
            and run.outcome.items_dropped == 0
        )
        print(
            f"{r:>3}  {run.env_start_s:>8.2f}s  {run.wall_s:>6.2f}s  {run.parent_events:>9}  "
            f"{'/'.join(str(c) for c in run.child_events):>12}  {run.history_bytes / 1024:>7.1f}KB  "
            f"{run.messages:>5}  {run.server_cpu_s:>6.2f}s  "
            f"{run.phase.value}, done {run.outcome.items_done}"
            f"{'' if ok else '  (UNEXPECTED OUTCOME)'}",
            flush=True,
        )
    total = time.perf_counter() - t_all
    print()
    report("scenario wall time (worker start -> closed)", [r.wall_s for r in runs])
    report("time-skipping server start", [r.env_start_s for r in runs])
    events = [r.parent_events + sum(r.child_events) for r in runs]
    print(
        f"  history: parent {min(r.parent_events for r in runs)}-"
        f"{max(r.parent_events for r in runs)} events, all four workflows "
        f"{min(events)}-{max(events)} events, "
        f"{min(r.history_bytes for r in runs) / 1024:.1f}-"
        f"{max(r.history_bytes for r in runs) / 1024:.1f} KB of history JSON "
        f"(parent {min(r.parent_bytes for r in runs) / 1024:.1f}-"
        f"{max(r.parent_bytes for r in runs) / 1024:.1f} KB)"
    )
    print(f"  {len(runs)} runs in {total:.1f} s")
    print(cpu.line())


if __name__ == "__main__":
    asyncio.run(main())
    exit_now(0)
