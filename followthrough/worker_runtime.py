"""What a worker process adds around the SDK: the stale-activation guard, its task metrics, and
the one data converter with the runner that skips asking runs for serialization contexts.

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

**The second rule, a rebuild's first live activation, on a task another worker started**
(``benchmarks.soak --seed 19``, kept as ``tests/workflows/faults/soak-in-flight-attempt-clock.json``):
the same fault when the query's history ends at the ``WorkflowTaskStarted`` of an attempt another
worker began and was then killed in. The core stamps the live activation with that attempt's
start, a clock this worker has not seen, so the first rule lets it through; the retried attempt
then reaches this worker, which sends the commands it already holds under the retry's later start
without activating the workflow. Nothing in the activations tells that query task from a real one
(the query that follows has the same clock and history length as a query after a real task), but
the history does: a real workflow task was started by this worker, so the ``WorkflowTaskStarted``
at the activation's history length carries this worker's identity. When a rebuilt run (one that
replayed) is first activated live, the guard reads that event from the server (one
``GetWorkflowExecutionHistoryReverse`` call per rebuild, read forward where the server lacks it)
and refuses the activation if another worker started that task, or if the event there is no task
start: the query fails, the core evicts the run, and the retried attempt rebuilds it cold on its
own clock. A real task always matches (an update's task, which the server keeps out of the
history until it completes, is not found and counts as this worker's), so this rule never
refuses one (``tests/followthrough/test_worker_runtime.py`` rebuilds a probe run at every task on
both test servers); if the server does not answer within a second, the activation runs (the
first rule's behaviour, logged). Runs that stay cached are not checked (that would cost a call per
task): the soak has not met the fault there.

Refusals are logged as ``refused a stale workflow activation (rule <name>)`` (:data:`STALE_CLOCK`,
:data:`FOREIGN_TASK`) and counted in ``followthrough_stale_activations_refused`` by workflow type and
rule.

**Task metrics**: the core's ``temporal_workflow_task_execution_failed`` counter reaches
``followthrough_workflow_task_failures_total`` (by workflow type and reason) in
:data:`api.metrics.REGISTRY` through a :class:`temporalio.runtime.MetricBuffer` drained every few
seconds: ``/metrics`` shows it in ``followthrough dev``, and a split worker serves it on
``FOLLOWTHROUGH_WORKER_METRICS_PORT``.

**The data converter**: :data:`DATA_CONVERTER` (pydantic's) is the one every client, worker, test
server and Replayer uses. For each payload it encodes or decodes, the SDK asks the run for a
serialization context and an external-store context, each a call into the workflow sandbox (about
20 ms of CPU per review). A converter none of whose parts takes a context (:func:`ignores_context`;
true of :data:`DATA_CONVERTER`, which has no codec and no external storage) converts the same with
or without one, so :class:`ContextFreeRunner` answers "no context" without the call: the SDK then
uses the context-free converter, the very object it would have used.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client import start_http_server
from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    ActivitySerializationContext,
    DataConverter,
    WorkflowSerializationContext,
)
from temporalio.runtime import MetricBuffer, Runtime, TelemetryConfig
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails, WorkflowRunner

from api.metrics import REFUSED_ACTIVATIONS, REGISTRY, WORKFLOW_TASK_FAILURES
from followthrough.task_starts import TaskStarts

__all__ = [
    "CORE_TASK_FAILURES",
    "DATA_CONVERTER",
    "FOREIGN_TASK",
    "STALE_ACTIVATION",
    "STALE_CLOCK",
    "ContextFreeRunner",
    "Marks",
    "StaleActivationGuard",
    "TaskMetrics",
    "WrappedInstance",
    "WrappingRunner",
    "drain",
    "ignores_context",
    "refusal",
]

log = logging.getLogger("followthrough.worker")

#: The pydantic data converter, the one object every client, worker and Replayer is given.
DATA_CONVERTER: DataConverter = pydantic_data_converter

#: What the guard answers for a refused activation; the failed query carries it.
STALE_ACTIVATION = (
    "Followthrough refused a workflow activation that applies new events on a clock the run's "
    "history does not hold (a query answered by a worker that had to rebuild the run); the run "
    "is rebuilt on the next workflow task. Read the review again."
)
#: The first rule: new history on the previous task's clock.
STALE_CLOCK = "stale_clock"
#: The second rule: a rebuilt run's first live activation, for a task this worker did not start.
FOREIGN_TASK = "foreign_task"
#: Jobs that never advance a run's history: queries and the cache eviction.
_PASSIVE_JOBS = frozenset({"query_workflow", "remove_from_cache"})

#: An activation's (timestamp in nanoseconds, history length).
Mark = tuple[int, int]


@dataclass(frozen=True)
class Marks:
    """What the guard remembers of a run between its activations."""

    #: The last activation that applied history and that the workflow ran.
    task: Mark | None = None
    #: The run has been rebuilt (it replayed) and has not run live since.
    rebuilding: bool = False


def refusal(
    activation: WorkflowActivation, marks: Marks, started_here: Callable[[int], bool]
) -> tuple[str | None, Marks]:
    """The rule ``activation`` breaks (:data:`STALE_CLOCK`, :data:`FOREIGN_TASK`) or None, and
    the marks to judge the run's next activation with (unchanged by a refusal).
    ``started_here(event_id)``: whether this worker started the workflow task at that event."""
    jobs = {job.WhichOneof("variant") for job in activation.jobs}
    if not jobs - _PASSIVE_JOBS:
        return None, marks
    mark = (activation.timestamp.ToNanoseconds(), activation.history_length)
    if activation.is_replaying:
        return None, Marks(task=mark, rebuilding=True)
    if marks.task is not None and mark[0] == marks.task[0] and mark[1] > marks.task[1]:
        return STALE_CLOCK, marks
    if marks.rebuilding and not started_here(activation.history_length):
        return FOREIGN_TASK, marks
    return None, Marks(task=mark)


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
    def __init__(
        self, inner: WorkflowInstance, det: WorkflowInstanceDetails, starts: TaskStarts | None
    ) -> None:
        super().__init__(inner)
        self._workflow_type = det.info.workflow_type
        self._workflow_id = det.info.workflow_id
        self._starts = starts
        self._marks = Marks()

    def _started_here(self, run_id: str, event_id: int) -> bool:
        if self._starts is None:
            return True  # nothing to ask: the first rule only
        try:
            identity = self._starts.started_by(self._workflow_id, run_id, event_id)
        except Exception as exc:  # the server did not answer in time: let the activation run
            log.warning(
                "could not read who started a workflow task (%r); letting the activation run",
                exc,
                extra={"run_id": run_id, "workflow_type": self._workflow_type},
            )
            return True
        # An event the history does not hold yet is an update's task, which this worker started.
        # A started event with no identity says nothing about who started it (the server leaves
        # it empty on some tasks: soak seed 501 met one on a real task, which the rule then
        # failed), so it counts as this worker's too: the rule refuses only another worker's name.
        return not identity or identity == self._starts.identity

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        # The rules are looked up here, at each activation: the soak's unguarded worker swaps them.
        rule, self._marks = refusal(
            act, self._marks, lambda event_id: self._started_here(act.run_id, event_id)
        )
        if rule is None:
            return self._inner.activate(act)
        REFUSED_ACTIVATIONS.labels(self._workflow_type, rule).inc()
        log.warning(
            "refused a stale workflow activation (rule %s)",
            rule,
            extra={"run_id": act.run_id, "workflow_type": self._workflow_type, "rule": rule},
        )
        completion = WorkflowActivationCompletion(run_id=act.run_id)
        completion.failed.failure.message = STALE_ACTIVATION
        return completion


class StaleActivationGuard(WrappingRunner):
    """A workflow runner that runs ``inner`` but refuses stale activations (module docstring).
    ``starts`` (a worker's :class:`ServerTaskStarts`) enables the second rule.

    For workers only: the ``Replayer`` needs none (it replays recorded tasks, each on its own
    clock; a history that ends in events no task started for gets the same stale activation
    there, which the guard would refuse).
    """

    def __init__(self, inner: WorkflowRunner, starts: TaskStarts | None = None) -> None:
        super().__init__(inner)
        self.starts = starts

    def wrap(self, instance: WorkflowInstance, det: WorkflowInstanceDetails) -> WorkflowInstance:
        if self.starts is not None:
            self.starts.bind()
        return _GuardedInstance(instance, det, self.starts)


# --- serialization contexts -----------------------------------------------------------------


def ignores_context(converter: DataConverter) -> bool:
    """Whether ``converter`` is the same object under a workflow's and an activity's serialization
    context and keeps no external storage (what :class:`ContextFreeRunner` needs)."""
    workflow_context = WorkflowSerializationContext(namespace="default", workflow_id="probe")
    activity_context = ActivitySerializationContext(
        namespace="default",
        workflow_id="probe",
        workflow_type="Probe",
        activity_type="probe",
        activity_task_queue="probe",
        is_local=False,
        activity_id="1",
    )
    return (
        converter.external_storage is None
        and converter.with_context(workflow_context) is converter
        and converter.with_context(activity_context) is converter
    )


class _ContextFreeInstance(WrappedInstance):
    def get_serialization_context(self, command_info: Any) -> Any:  # noqa: ARG002
        return None  # the SDK then converts with its context-free converter

    def get_external_store_context(self, command_info: Any) -> Any:  # noqa: ARG002
        return None  # read only by external storage, which the converter has none of


class ContextFreeRunner(WrappingRunner):
    """A workflow runner whose runs are never asked for serialization contexts, for a worker whose
    converter :func:`ignores_context` (module docstring); replay and commands are unchanged."""

    def wrap(self, instance: WorkflowInstance, det: WorkflowInstanceDetails) -> WorkflowInstance:  # noqa: ARG002
        return _ContextFreeInstance(instance)


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
