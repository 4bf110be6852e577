"""A query that meets a worker rebuilding a review must not leave a history that cannot replay.

The race the soak found (issue 15, followthrough/worker_runtime.py): the review waits on its draft-deadline
timer on worker A; A is SIGKILLed; a query is dispatched (no workflow task is pending, so it goes
straight to A's sticky queue, then to the normal one); the timer fires meanwhile. Worker B takes
the query first, with a history that ends in the TimerFired event, and the SDK core applies that
event on the previous task's clock, keeping the commands for B's next real workflow task.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle, WorkflowHistory, WorkflowQueryFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from api.metrics import REGISTRY
from api.starter import start_review
from followthrough.settings import Settings
from followthrough.worker_runtime import DATA_CONVERTER, STALE_ACTIVATION
from tests.support.harness import eventually, incident, outbox, settings_for
from tests.support.processes import start_worker, wait_for_line
from worker import WORKFLOWS, build_worker, workflow_runner
from workflows.policy import Policy, ReviewPolicy
from workflows.postmortem import PostmortemWorkflow

ROOT = Path(__file__).resolve().parents[2]
#: The draft deadline passes a few seconds after worker A is killed.
POLICY = Policy(review=ReviewPolicy(draft_deadline=timedelta(seconds=7)))


@dataclass
class Race:
    history: WorkflowHistory
    first_query: str  # "answered", or the message it failed with


async def has_event(handle: WorkflowHandle[object, object], kind: int) -> None:
    history = await handle.fetch_history()
    assert any(e.event_type == kind for e in history.events)


async def race(
    env: WorkflowEnvironment,
    tmp_path: Path,
    incident_id: str,
    worker_b: Callable[..., Worker],
    fixture: str,
) -> Race:
    """Run the race with ``worker_b`` as the replacement, until the review reminded and a query
    reads it (the history is kept as ``<fixture>.json`` when recording)."""
    client, settings = env.client, settings_for(tmp_path)
    log = tmp_path / "worker-a.log"
    address = client.service_client.config.target_host
    worker_a = start_worker(
        address, settings.task_queue, settings.data_dir, log, PUBLIC_URL=settings.base_url
    )
    try:
        wait_for_line(worker_a, log, "worker started", 30)
        now = await env.get_current_time()
        await start_review(client, settings, POLICY, incident(incident_id, now))
        handle = client.get_workflow_handle(f"postmortem-{incident_id}")
        await eventually(lambda: has_event(handle, EventType.EVENT_TYPE_TIMER_STARTED), 30)
    finally:
        worker_a.send_signal(signal.SIGKILL)
        worker_a.wait()
    # No workflow task is pending: the query goes to worker A's sticky queue, waits, moves on.
    query = asyncio.create_task(handle.query(PostmortemWorkflow.status))
    await eventually(lambda: has_event(handle, EventType.EVENT_TYPE_TIMER_FIRED), 30)
    async with worker_b(client, settings):
        try:
            await asyncio.wait_for(query, 60)
            first_query = "answered"
        except WorkflowQueryFailedError as exc:
            first_query = exc.message

        async def reminded() -> None:
            assert "draft_reminder" in [m.kind for m in outbox(settings)]

        await eventually(reminded, timeout=60)
        await handle.query(PostmortemWorkflow.status)
    history = await handle.fetch_history()
    await handle.terminate("test done")
    record(history, fixture)
    return Race(history, first_query)


def record(history: WorkflowHistory, name: str) -> None:
    """With FOLLOWTHROUGH_RECORD_HISTORIES=<folder>, keep the history as a replay fixture."""
    folder = os.environ.get("FOLLOWTHROUGH_RECORD_HISTORIES")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.json").write_text(history.to_json())


def refused() -> float:
    sample = REGISTRY.get_sample_value(
        "followthrough_stale_activations_refused_total",
        {"workflow_type": "PostmortemWorkflow", "rule": "stale_clock"},
    )
    return sample or 0.0


async def replay_failure(history: WorkflowHistory) -> Exception | None:
    replayer = Replayer(
        workflows=WORKFLOWS,
        workflow_runner=workflow_runner(),
        data_converter=DATA_CONVERTER,
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    return result.replay_failure


async def test_a_query_racing_a_timer_on_a_replacement_worker_leaves_a_replayable_history(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    before = refused()
    run = await race(dev_env, tmp_path, "PCOLDQ1", build_worker, "cold-query-guarded")
    # The race happened and the guard refused it: the query that met it failed, nothing else.
    assert refused() == before + 1
    assert run.first_query == STALE_ACTIVATION
    failed = [
        e for e in run.history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    ]
    assert failed == []
    assert await replay_failure(run.history) is None


async def test_without_the_guard_the_sdk_records_a_timer_computed_on_the_stale_clock(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    # The fault the guard works around, shown on the bare runner. If this fails, the SDK no
    # longer has it: drop worker_runtime.StaleActivationGuard (and this test).
    def bare_worker(client: Client, settings: Settings) -> Worker:
        return build_worker(client, settings, guard=False)

    before = refused()
    run = await race(dev_env, tmp_path, "PCOLDQ2", bare_worker, "cold-query-stale-clock")
    assert refused() == before
    assert run.first_query == "answered"
    timers = [
        e.timer_started_event_attributes.start_to_fire_timeout
        for e in run.history.events
        if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED
    ]
    # The draft-deadline timer fired, and the next task started it again for the same
    # duration: computed as if no time had passed since the task before.
    assert timers[0] == timers[1]
    failure = await replay_failure(run.history)
    assert failure is not None and "TMPRL1100" in str(failure), failure
    assert "TimerStarted" in str(failure)
