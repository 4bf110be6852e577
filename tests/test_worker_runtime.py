"""worker_runtime: the stale-activation guard's rule, and a split worker's own /metrics."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from temporalio.api.enums.v1 import EventType
from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.testing import WorkflowEnvironment

from tests.e2e.conftest import free_port
from tests.harness import eventually
from tests.processes import start_worker, wait_for_line
from worker_runtime import is_stale

ROOT = Path(__file__).resolve().parents[1]
SECOND = 1_000_000_000


def activation(
    seconds: int, history_length: int, *jobs: str, replaying: bool = False
) -> WorkflowActivation:
    act = WorkflowActivation(run_id="run", history_length=history_length, is_replaying=replaying)
    act.timestamp.FromNanoseconds(seconds * SECOND)
    for job in jobs:
        getattr(act.jobs.add(), job).SetInParent()
    return act


def test_new_events_on_the_previous_tasks_clock_are_stale() -> None:
    stale, mark = is_stale(activation(64, 68, "fire_timer"), (64 * SECOND, 64))
    assert stale
    assert mark == (64 * SECOND, 64)  # the refused activation does not move the mark


def test_a_new_workflow_task_is_not_stale() -> None:
    stale, mark = is_stale(activation(69, 69, "fire_timer"), (64 * SECOND, 64))
    assert not stale
    assert mark == (69 * SECOND, 69)


def test_replaying_activations_are_never_stale() -> None:
    stale, _ = is_stale(activation(64, 68, "fire_timer", replaying=True), (64 * SECOND, 64))
    assert not stale


def test_a_query_on_the_same_clock_is_not_stale_and_leaves_the_mark() -> None:
    stale, mark = is_stale(activation(64, 68, "query_workflow"), (64 * SECOND, 64))
    assert not stale
    assert mark == (64 * SECOND, 64)


def test_the_first_activation_of_a_run_is_not_stale() -> None:
    stale, mark = is_stale(activation(3, 3, "initialize_workflow", replaying=True), None)
    assert not stale
    assert mark == (3 * SECOND, 3)


async def test_a_split_worker_serves_its_workflow_task_failures_by_type(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    queue, port, log = f"tq-{uuid.uuid4()}", free_port(), tmp_path / "worker.log"
    address = dev_env.client.service_client.config.target_host
    process = start_worker(address, queue, tmp_path / "data", log, WORKER_METRICS_PORT=str(port))
    try:
        wait_for_line(process, log, "worker started", 30)
        # An input the workflow cannot decode fails its first workflow task, and every retry.
        handle = await dev_env.client.start_workflow(
            "PostmortemWorkflow",
            {"incident": "not an incident"},
            id=f"stuck-{queue}",
            task_queue=queue,
        )

        async def counted() -> None:
            text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
            line = next(
                (
                    x
                    for x in text.splitlines()
                    if x.startswith("followthrough_workflow_task_failures_total{")
                    and 'workflow_type="PostmortemWorkflow"' in x
                ),
                None,
            )
            assert line is not None and float(line.rsplit(" ", 1)[1]) >= 1, text

        await eventually(counted, timeout=30)
        history = await handle.fetch_history()
        assert any(
            e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED for e in history.events
        )
        await handle.terminate("test done")
    finally:
        process.terminate()
        process.wait(timeout=30)
