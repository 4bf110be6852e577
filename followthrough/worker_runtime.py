"""What a worker process adds around the SDK: the stale-activation guard and its task metrics.

**The stale-activation guard** works around a fault of the Temporal SDK core (temporalio 1.35.0,
the newest release; found by ``benchmarks/soak.py``, reproduced by
``tests/workflows/test_cold_query.py``). A query dispatched while a run has no workflow task
pending reaches a worker as a query-only task carrying the run's history. If an event arrived
after the last workflow task (a timer fired, an activity completed, a signal landed), the core
applies it as a *live* activation stamped with the previous task's start, so ``workflow.now()``
is stale (the Replayer does the same with a history that ends in such events:
``tests/workflows/test_fault_histories.py``). It keeps the commands the workflow produced and
sends them as the completion of the real workflow task that follows, without activating the
workflow again. The recorded history then holds commands computed on a clock the history does
not contain: a replay gives the timer-fired activation the real task's start, takes another
branch (``now >= deadline``), and fails with TMPRL1100, on every later attempt, for good. The
soak hits it after a worker is killed: the replacement rebuilds every run a query touches.

Such an activation has a signature no other has: it applies new history (its history length
grew) without a new workflow task (its timestamp is the previous activation's), outside replay.
Every real workflow task starts at a new ``WorkflowTaskStarted`` time, so a real activation never
matches; several activations inside one task (local activities, queries, updates) share its
history length. The guard refuses such an activation without running the workflow. The core then
fails that one query (the API answers 503 ``review_unreadable``; the next read works) and evicts
the run; the real workflow task replays it cold with the right clock. Were the rule ever to
refuse a real task, that task would fail once and be retried at a new start time (a task
failure on ``/metrics``, not a stuck review). Histories and workflow code do not change, so no
``workflow.patched`` is needed; no workflow-side change could help, since the workflow cannot
tell a stale clock from a live one.

**What it does not catch** (``benchmarks.soak --seed 19``, kept as
``tests/workflows/faults/soak-in-flight-attempt-clock.json``): the same fault when the query's
history ends at the start of a task attempt whose worker was then killed. The core stamps the
live activation with that attempt's start, a clock the worker has not seen before, so the rule
above lets it through; the retried attempt on this worker then records those commands under its
own, later start. One review in 200 was left stuck that way in the 20-run soak; the reset in
deploy/README.md recovers it.

**Task metrics**: the core's ``temporal_workflow_task_execution_failed`` counter reaches
``followthrough_workflow_task_failures_total`` (by workflow type and reason) in
:data:`api.metrics.REGISTRY` through a :class:`temporalio.runtime.MetricBuffer` drained every few
seconds: ``/metrics`` shows it in ``followthrough dev``, and a split worker serves it on
``FOLLOWTHROUGH_WORKER_METRICS_PORT``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from prometheus_client import start_http_server
from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.runtime import MetricBuffer, Runtime, TelemetryConfig
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails, WorkflowRunner

from api.metrics import REFUSED_ACTIVATIONS, REGISTRY, WORKFLOW_TASK_FAILURES

__all__ = [
    "CORE_TASK_FAILURES",
    "STALE_ACTIVATION",
    "StaleActivationGuard",
    "TaskMetrics",
    "WrappedInstance",
    "WrappingRunner",
    "drain",
    "is_stale",
]

log = logging.getLogger("followthrough.worker")

#: What the guard answers for a refused activation; the failed query carries it.
STALE_ACTIVATION = (
    "Followthrough refused a workflow activation that applies new events with the previous "
    "workflow task's clock (a query answered by a worker that had to rebuild the run); the run "
    "is rebuilt on the next workflow task. Read the review again."
)
#: Jobs that never advance a run's history: queries and the cache eviction.
_PASSIVE_JOBS = frozenset({"query_workflow", "remove_from_cache"})


def is_stale(
    activation: WorkflowActivation, previous: tuple[int, int] | None
) -> tuple[bool, tuple[int, int] | None]:
    """Whether ``activation`` applies new history on the previous task's clock, and the
    (timestamp, history length) mark to compare the next activation with."""
    jobs = {job.WhichOneof("variant") for job in activation.jobs}
    if not jobs - _PASSIVE_JOBS:
        return False, previous
    mark = (activation.timestamp.ToNanoseconds(), activation.history_length)
    stale = (
        previous is not None
        and not activation.is_replaying
        and mark[0] == previous[0]
        and mark[1] > previous[1]
    )
    return stale, previous if stale else mark


class WrappedInstance(WorkflowInstance):
    """A workflow instance that hands everything to ``inner``; subclasses change ``activate``."""

    def __init__(self, inner: WorkflowInstance) -> None:
        self._inner = inner

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        return self._inner.activate(act)

    def get_serialization_context(self, command_info: Any) -> Any:
        return self._inner.get_serialization_context(command_info)

    def get_external_store_context(self, command_info: Any) -> Any:
        return self._inner.get_external_store_context(command_info)

    def get_info(self) -> Any:
        return self._inner.get_info()

    def get_thread_id(self) -> int | None:
        return self._inner.get_thread_id()


class WrappingRunner(WorkflowRunner):
    """A workflow runner that runs ``inner`` and passes each instance it creates to ``wrap``."""

    def __init__(self, inner: WorkflowRunner) -> None:
        self._inner = inner

    def wrap(
        self,
        instance: WorkflowInstance,
        det: WorkflowInstanceDetails,  # noqa: ARG002 (what subclasses read)
    ) -> WorkflowInstance:
        return instance

    def prepare_workflow(self, defn: Any) -> None:
        self._inner.prepare_workflow(defn)

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        return self.wrap(self._inner.create_instance(det), det)

    def set_worker_level_failure_exception_types(
        self, types: Sequence[type[BaseException]]
    ) -> None:
        self._inner.set_worker_level_failure_exception_types(types)


class _GuardedInstance(WrappedInstance):
    def __init__(self, inner: WorkflowInstance, workflow_type: str) -> None:
        super().__init__(inner)
        self._workflow_type = workflow_type
        self._mark: tuple[int, int] | None = None

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        # The rule is looked up here, at each activation: the soak's unguarded worker swaps it.
        stale, self._mark = is_stale(act, self._mark)
        if not stale:
            return self._inner.activate(act)
        REFUSED_ACTIVATIONS.labels(self._workflow_type).inc()
        log.warning(
            "refused a stale workflow activation",
            extra={"run_id": act.run_id, "workflow_type": self._workflow_type},
        )
        completion = WorkflowActivationCompletion(run_id=act.run_id)
        completion.failed.failure.message = STALE_ACTIVATION
        return completion


class StaleActivationGuard(WrappingRunner):
    """A workflow runner that runs ``inner`` but refuses stale activations (module docstring).

    For workers only: the ``Replayer`` needs none (it replays recorded tasks, each on its own
    clock; a history that ends in events no task started for gets the same stale activation
    there, which the guard would refuse).
    """

    def wrap(self, instance: WorkflowInstance, det: WorkflowInstanceDetails) -> WorkflowInstance:
        return _GuardedInstance(instance, det.info.workflow_type)


# --- task metrics -----------------------------------------------------------------------------

#: The core's counter of failed workflow tasks (labels: workflow_type, failure_reason).
CORE_TASK_FAILURES = "temporal_workflow_task_execution_failed"


def drain(buffer: MetricBuffer) -> int:
    """Copy the buffered workflow-task failures into ``api.metrics``; how many updates."""
    copied = 0
    for update in buffer.retrieve_updates():
        if update.metric.name != CORE_TASK_FAILURES or not update.value:
            continue
        attributes: Mapping[str, Any] = update.attributes
        WORKFLOW_TASK_FAILURES.labels(
            str(attributes.get("workflow_type", "unknown")),
            str(attributes.get("failure_reason", "unknown")),
        ).inc(update.value)
        copied += 1
    return copied


class TaskMetrics:
    """A core runtime whose metrics reach ``api.metrics`` for this process's clients (drained
    every ``every`` seconds), and with ``port``, ``api.metrics.REGISTRY`` served on ``host:port``:
    a split worker has no web server of its own. ``start()`` returns the runtime to connect with.
    """

    def __init__(self, host: str, port: int | None = None, every: float = 2.0) -> None:
        self.host, self.port, self.every = host, port, every
        self.buffer = MetricBuffer(buffer_size=50_000)
        self._drainer: asyncio.Task[None] | None = None
        self._server: Any = None
        self._thread: Any = None

    async def start(self) -> Runtime:
        runtime = Runtime(telemetry=TelemetryConfig(metrics=self.buffer))
        if self.port is not None:
            self._server, self._thread = start_http_server(
                self.port, addr=self.host, registry=REGISTRY
            )
            self.port = int(self._server.server_address[1])
            log.info("worker metrics on http://%s:%s/metrics", self.host, self.port)
        self._drainer = asyncio.create_task(self._drain_forever())
        return runtime

    async def stop(self) -> None:
        if self._drainer is not None:
            self._drainer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drainer
            self._drainer = None
        if self._server is not None:
            self._server.shutdown()
            self._thread.join(5)
            self._server = None

    async def _drain_forever(self) -> None:
        try:
            while True:
                await asyncio.sleep(self.every)
                drain(self.buffer)
        finally:
            drain(self.buffer)
