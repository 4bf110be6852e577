"""worker_runtime: the stale-activation guard's rule, and a split worker's own /metrics."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
import pytest_asyncio
from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker
from temporalio.worker._workflow_instance import WorkflowInstance

from api.metrics import REGISTRY
from followthrough import worker_runtime
from followthrough.task_starts import ServerTaskStarts
from followthrough.worker_runtime import (
    FOREIGN_TASK,
    STALE_ACTIVATION,
    STALE_CLOCK,
    Marks,
    StaleActivationGuard,
    refusal,
)
from tests.support.harness import eventually
from tests.support.ports import free_port
from tests.support.processes import start_worker, wait_for_line
from tests.support.temporal import binary

SECOND = 1_000_000_000


def activation(
    seconds: int, history_length: int, *jobs: str, replaying: bool = False
) -> WorkflowActivation:
    act = WorkflowActivation(run_id="run", history_length=history_length, is_replaying=replaying)
    act.timestamp.FromNanoseconds(seconds * SECOND)
    for job in jobs:
        getattr(act.jobs.add(), job).SetInParent()
    return act


def at(seconds: int, history_length: int) -> tuple[int, int]:
    return seconds * SECOND, history_length


class Starts:
    """Who started each task, as a test says; records what the guard asked."""

    def __init__(self, here: bool) -> None:
        self.here, self.asked = here, list[int]()

    def __call__(self, event_id: int) -> bool:
        self.asked.append(event_id)
        return self.here


# --- rule 1: new history on the previous task's clock --------------------------------------------


def test_new_events_on_the_previous_tasks_clock_are_stale() -> None:
    marks = Marks(task=at(64, 64))
    rule, after = refusal(activation(64, 68, "fire_timer"), marks, Starts(here=True))
    assert rule == STALE_CLOCK
    assert after == marks  # the refused activation does not move the marks


def test_a_new_workflow_task_is_not_stale() -> None:
    rule, after = refusal(activation(69, 69, "fire_timer"), Marks(task=at(64, 64)), Starts(True))
    assert rule is None
    assert after == Marks(task=at(69, 69))


def test_replaying_activations_are_never_stale_and_mark_the_run_as_rebuilding() -> None:
    starts = Starts(here=False)
    rule, after = refusal(activation(64, 68, "fire_timer", replaying=True), Marks(), starts)
    assert rule is None
    assert after == Marks(task=at(64, 68), rebuilding=True)
    assert starts.asked == []


def test_a_query_on_the_same_clock_is_not_stale_and_leaves_the_marks() -> None:
    marks = Marks(task=at(64, 64), rebuilding=True)
    rule, after = refusal(activation(64, 68, "query_workflow"), marks, Starts(here=False))
    assert rule is None
    assert after == marks


def test_the_first_activation_of_a_new_run_is_not_stale_and_asks_nothing() -> None:
    starts = Starts(here=False)
    rule, after = refusal(activation(3, 3, "initialize_workflow"), Marks(), starts)
    assert rule is None
    assert after == Marks(task=at(3, 3))
    assert starts.asked == []


# --- rule 2: a rebuilt run's first live activation, on a task another worker started -----------


def test_a_rebuilt_runs_first_live_activation_on_a_task_another_worker_started_is_refused() -> None:
    # The query's history ended at another worker's attempt: a new clock, so rule 1 passes it.
    marks, starts = Marks(task=at(64, 23), rebuilding=True), Starts(here=False)
    rule, after = refusal(activation(70, 31, "resolve_activity"), marks, starts)
    assert rule == FOREIGN_TASK
    assert after == marks
    assert starts.asked == [31]


def test_a_rebuilt_runs_first_live_activation_on_a_task_this_worker_started_runs() -> None:
    marks, starts = Marks(task=at(64, 23), rebuilding=True), Starts(here=True)
    rule, after = refusal(activation(70, 31, "resolve_activity"), marks, starts)
    assert rule is None
    assert after == Marks(task=at(70, 31))  # no longer rebuilding: later tasks ask nothing
    assert starts.asked == [31]


class OtherWorkersTasks:
    """A :class:`TaskStarts` that says another worker started every task."""

    identity = "this-worker"

    def bind(self) -> None:
        pass

    def started_by(self, workflow_id: str, run_id: str, event_id: int) -> str | None:  # noqa: ARG002
        return "another-worker"


class RecordedInstance(WorkflowInstance):
    """A workflow instance that records the history length of each activation it is given."""

    def __init__(self) -> None:
        self.ran = list[int]()

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        self.ran.append(act.history_length)
        return WorkflowActivationCompletion(run_id=act.run_id)

    def get_serialization_context(self, command_info: Any) -> Any:  # noqa: ARG002
        return None

    def get_external_store_context(self, command_info: Any) -> Any:  # noqa: ARG002
        return None

    def get_info(self) -> Any:
        return None


class UnnamedTasks(OtherWorkersTasks):
    """A :class:`TaskStarts` whose started events carry no identity."""

    def started_by(self, workflow_id: str, run_id: str, event_id: int) -> str | None:  # noqa: ARG002
        return ""


def test_a_task_start_without_an_identity_is_not_taken_for_another_workers() -> None:
    det = cast(
        Any, SimpleNamespace(info=SimpleNamespace(workflow_type="RuleLabelProbe", workflow_id="w"))
    )
    inner = RecordedInstance()
    instance = StaleActivationGuard(UnsandboxedWorkflowRunner(), UnnamedTasks()).wrap(inner, det)
    instance.activate(activation(64, 23, "resolve_activity", replaying=True))  # the rebuild
    completion = instance.activate(activation(70, 31, "resolve_activity"))
    assert not completion.HasField("failed")
    assert inner.ran == [23, 31]


def test_each_refusal_is_counted_under_its_rule() -> None:
    det = cast(
        Any, SimpleNamespace(info=SimpleNamespace(workflow_type="RuleLabelProbe", workflow_id="w"))
    )
    guard = StaleActivationGuard(UnsandboxedWorkflowRunner(), OtherWorkersTasks())
    inner = RecordedInstance()
    instance = guard.wrap(inner, det)
    before = {rule: refused("RuleLabelProbe", rule) for rule in (STALE_CLOCK, FOREIGN_TASK)}
    instance.activate(activation(64, 23, "resolve_activity", replaying=True))  # the rebuild
    completion = instance.activate(activation(70, 31, "resolve_activity"))  # another's task
    assert completion.failed.failure.message == STALE_ACTIVATION
    assert inner.ran == [23]
    assert refused("RuleLabelProbe", FOREIGN_TASK) == before[FOREIGN_TASK] + 1
    assert refused("RuleLabelProbe", STALE_CLOCK) == before[STALE_CLOCK]


def test_live_activations_of_a_run_that_stayed_cached_ask_nothing() -> None:
    starts = Starts(here=False)
    rule, _ = refusal(activation(70, 31, "resolve_activity"), Marks(task=at(64, 23)), starts)
    assert rule is None
    assert starts.asked == []


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


# --- the guard on live workflow tasks -----------------------------------------------------------
# A probe workflow with the shapes of activation a review has: several events in one task (two
# timers firing together, a burst of signals), several activations inside one task (local
# activities resolve on the task's clock without new history), updates (one rejected by its
# validator, which leaves no history) and queries between every step.


@activity.defn
async def add_one(n: int) -> int:
    return n + 1


@workflow.defn
class GuardProbeWorkflow:
    def __init__(self) -> None:
        self.pokes = 0
        self.finished = False

    @workflow.run
    async def run(self) -> int:
        await asyncio.gather(workflow.sleep(1), workflow.sleep(1))
        total = 0
        for n in range(3):
            total += await workflow.execute_local_activity(
                add_one, n, start_to_close_timeout=timedelta(seconds=10)
            )
        total += await workflow.execute_activity(
            add_one, total, start_to_close_timeout=timedelta(seconds=10)
        )
        await workflow.wait_condition(lambda: self.finished)
        return total + self.pokes

    @workflow.signal
    def poked(self) -> None:
        self.pokes += 1

    @workflow.update
    def finish(self, at_least: int) -> int:  # noqa: ARG002 (the update's payload)
        self.finished = True
        return self.pokes

    @finish.validator
    def _enough_pokes(self, at_least: int) -> None:
        if self.pokes < at_least:
            raise ValueError(f"only {self.pokes} pokes")

    @workflow.query
    def pokes_seen(self) -> int:
        return self.pokes


def refused(workflow_type: str, rule: str = STALE_CLOCK) -> float:
    sample = REGISTRY.get_sample_value(
        "followthrough_stale_activations_refused_total",
        {"workflow_type": workflow_type, "rule": rule},
    )
    return sample or 0.0


class CountedStarts(ServerTaskStarts):
    """The worker's task-start reader, counting what rule 2 asked and what it found."""

    def __init__(self, client: Client) -> None:
        super().__init__(client)
        self.answers = list[str | None]()

    def started_by(self, workflow_id: str, run_id: str, event_id: int) -> str | None:
        found = super().started_by(workflow_id, run_id, event_id)
        self.answers.append(found)
        return found


def probe_worker(
    client: Client, queue: str, starts: ServerTaskStarts | None = None, cache: int = 100
) -> Worker:
    return Worker(
        client,
        task_queue=queue,
        workflows=[GuardProbeWorkflow],
        activities=[add_one],
        workflow_runner=StaleActivationGuard(
            UnsandboxedWorkflowRunner(), starts or ServerTaskStarts(client)
        ),
        max_cached_workflows=cache,
    )


async def task_failures(handle: WorkflowHandle[Any, Any]) -> list[object]:
    history = await handle.fetch_history()
    failed = EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    return [e for e in history.events if e.event_type == failed]


@pytest_asyncio.fixture(params=["time-skipping", "dev"])
async def any_env(request: pytest.FixtureRequest) -> AsyncIterator[WorkflowEnvironment]:
    """Both servers: the Java test server stamps events to the millisecond, the dev server to
    the nanosecond (the guard compares task start times)."""
    if request.param == "time-skipping":
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=binary("temporal-test-server")
        )
    else:
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=binary("temporal"),
            dev_server_extra_args=["--log-level", "error"],
        )
    yield env
    await env.shutdown()


@pytest.mark.parametrize("cache", [100, 0], ids=["cached", "rebuilt-every-task"])
async def test_the_guard_refuses_no_live_activation_of_timers_signals_updates_and_queries(
    any_env: WorkflowEnvironment, cache: int
) -> None:
    queue, before = f"tq-{uuid.uuid4()}", refused("GuardProbeWorkflow")
    starts = CountedStarts(any_env.client)
    async with probe_worker(any_env.client, queue, starts, cache):
        handle = await any_env.client.start_workflow(
            GuardProbeWorkflow.run, id=f"probe-{queue}", task_queue=queue
        )
        # A burst: several signals land in one workflow task; queries read in between.
        for _ in range(5):
            await handle.signal(GuardProbeWorkflow.poked)
        for _ in range(5):
            await handle.query(GuardProbeWorkflow.pokes_seen)
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(GuardProbeWorkflow.finish, 99)
        await handle.signal(GuardProbeWorkflow.poked)
        assert await handle.execute_update(GuardProbeWorkflow.finish, 6) == 6
        # 1 + 2 + 3 from the local activities, 7 from the activity, 6 pokes.
        assert await handle.result() == 19
    assert await task_failures(handle) == []
    assert refused("GuardProbeWorkflow") == before
    if cache == 0:
        # Every task rebuilt the run: rule 2 read each task's start, and each was this worker's
        # (or, for an update's task, not yet in the history: None).
        mine = [a for a in starts.answers if a == any_env.client.identity]
        assert len(mine) >= 5
        assert set(starts.answers) <= {any_env.client.identity, None}
    else:
        assert starts.answers == []


async def test_a_refused_live_task_costs_one_retried_task_not_a_stuck_run(
    time_env: WorkflowEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Force the guard's worst mistake: it refuses the real task that applies the fired timers.
    rules, wrongly_refused = worker_runtime.refusal, list[int]()

    def refuse_the_first_timer_task(
        act: WorkflowActivation, marks: Marks, started_here: Callable[[int], bool]
    ) -> tuple[str | None, Marks]:
        jobs = {job.WhichOneof("variant") for job in act.jobs}
        if "fire_timer" in jobs and not act.is_replaying and not wrongly_refused:
            wrongly_refused.append(act.history_length)
            return STALE_CLOCK, marks
        return rules(act, marks, started_here)

    monkeypatch.setattr(worker_runtime, "refusal", refuse_the_first_timer_task)
    queue, before = f"tq-{uuid.uuid4()}", refused("GuardProbeWorkflow")
    async with probe_worker(time_env.client, queue):
        handle = await time_env.client.start_workflow(
            GuardProbeWorkflow.run, id=f"probe-{queue}", task_queue=queue
        )
        await eventually(lambda: _timers_done(handle), timeout=30)
        assert await handle.execute_update(GuardProbeWorkflow.finish, 0) == 0
        assert await handle.result() == 13
    assert wrongly_refused, "the probe never refused the timer task"
    assert len(await task_failures(handle)) == 1
    assert refused("GuardProbeWorkflow") == before + 1


async def _timers_done(handle: WorkflowHandle[Any, Any]) -> None:
    history = await handle.fetch_history()
    done = EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
    assert any(e.event_type == done for e in history.events)
