"""The Temporal floor of a review: a skeleton workflow pair with a review's shape, tiny payloads.

``FloorReviewWorkflow`` stands for ``PostmortemWorkflow`` and ``FloorItemWorkflow`` for
``ActionItemWorkflow``. They issue the same numbers of updates, activities (scheduled
and local), child workflows, timers and signals as a published review (the counts come in :class:`FloorShape`, measured from a
real review's histories by ``benchmarks.cost``), but every payload is a few bytes and no activity
does anything. What a review costs above this is what Followthrough adds on top of Temporal.

Run as a worker process with the production worker's settings (the same runner from
``worker.worker_runner``: sandbox restrictions, context-free conversion, stale-activation guard;
the same pydantic converter, activity thread pool and cache size; this package passed through the
sandbox as the review's ``workflows`` package is)::

    .venv/bin/python -m benchmarks.floor    # FOLLOWTHROUGH_TEMPORAL_ADDRESS / _TASK_QUEUE
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from temporalio import workflow
from temporalio.workflow import ParentClosePolicy

# Imported outside the sandbox (this module is itself passed through: FLOOR_PASSTHROUGH).
with workflow.unsafe.imports_passed_through():
    from benchmarks.floor_parts import (
        ACTIVITY_TIMEOUT,
        PARK,
        FloorItemInput,
        FloorShape,
        Tiny,
        touch,
    )
    from worker import PASSTHROUGH_PACKAGES, assemble_worker, worker_runner

if TYPE_CHECKING:
    from temporalio.client import Client
    from temporalio.worker import Worker

    from followthrough.settings import Settings


def _arg(n: int, shape: FloorShape) -> Tiny:
    return Tiny(n=n, pad="x" * shape.pad_bytes)


async def _touch(n: int, shape: FloorShape) -> None:
    await workflow.execute_activity(touch, _arg(n, shape), start_to_close_timeout=ACTIVITY_TIMEOUT)


async def _touch_locally(n: int, shape: FloorShape) -> None:
    await workflow.execute_local_activity(
        touch, _arg(n, shape), start_to_close_timeout=ACTIVITY_TIMEOUT
    )


async def _timers(count: int, done: Callable[[], bool]) -> None:
    """``count`` timers: all but the last end early once ``done()`` holds; the last parks."""
    for i in range(count):
        last = i == count - 1
        try:
            await workflow.wait_condition((lambda: False) if last else done, timeout=PARK)
        except TimeoutError:
            pass


@workflow.defn
class FloorItemWorkflow:
    @workflow.run
    async def run(self, inp: FloorItemInput) -> None:
        shape = inp.shape
        for i in range(shape.child_local_activities):
            await _touch_locally(i, shape)
        for i in range(shape.child_activities):
            await _touch(i, shape)
        parent = workflow.get_external_workflow_handle(inp.parent_id)
        for i in range(shape.child_signals):
            await parent.signal(FloorReviewWorkflow.reported, Tiny(n=i))
        await _timers(shape.child_timers, lambda: False)


@workflow.defn
class FloorReviewWorkflow:
    @workflow.init
    def __init__(self, shape: FloorShape) -> None:
        self.shape = shape
        self.accepted = 0
        self.local = 0
        self.reports = 0
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, shape: FloorShape) -> None:
        # The activities that do not follow an update run first (a review fetches its incident
        # and mails its facilitator before anyone edits it).
        for i in range(max(shape.parent_activities - shape.updates, 0)):
            await _touch(i, shape)
        await workflow.wait_condition(lambda: self.accepted >= shape.updates)
        while self.local < shape.parent_local_activities:  # what the updates left over
            self.local += 1
            await _touch_locally(self.local, self.shape)
        wf_id = workflow.info().workflow_id
        for i in range(shape.children):
            await workflow.start_child_workflow(
                FloorItemWorkflow.run,
                FloorItemInput(parent_id=wf_id, shape=shape, pad="x" * shape.pad_bytes),
                id=f"{wf_id}/item-{i + 1}",
                parent_close_policy=ParentClosePolicy.ABANDON,
            )
        expected = shape.children * shape.child_signals
        await _timers(shape.parent_timers, lambda: self.reports >= expected)

    @workflow.update
    async def step(self, arg: Tiny) -> Tiny:
        """One accepted change: one activity (a review re-renders its document), tiny result."""
        async with self._lock:
            if self.accepted < self.shape.parent_activities:
                await _touch(arg.n, self.shape)
            # A review writes its document and its store after a change (local activities).
            for _ in range(min(2, self.shape.parent_local_activities - self.local)):
                self.local += 1
                await _touch_locally(self.local, self.shape)
            self.accepted += 1
            return Tiny(n=self.accepted)

    @step.validator
    def _validate_step(self, arg: Tiny) -> None:
        if arg.n < 0:
            raise ValueError("n must not be negative")

    @workflow.signal
    def reported(self, arg: Tiny) -> None:  # noqa: ARG002 (the signal carries a payload)
        self.reports += 1

    @workflow.query
    def progress(self) -> Tiny:
        return Tiny(n=self.reports)


#: What the floor passes through the sandbox: the production worker's list and this package (the
#: floor's workflows import only this module and benchmarks.floor_parts from it), so a floor run,
#: like a review's, gets the modules the process imported rather than a copy of its own.
FLOOR_PASSTHROUGH = [*PASSTHROUGH_PACKAGES, "benchmarks"]


def build_floor_worker(client: Client, settings: Settings) -> Worker:
    """The floor's worker: the production worker's runner (sandbox restrictions, no serialization
    contexts, the stale-activation guard) and options (``worker.assemble_worker``), with the
    floor's workflows, its activity and :data:`FLOOR_PASSTHROUGH`."""
    return assemble_worker(
        client,
        settings,
        [FloorReviewWorkflow, FloorItemWorkflow],
        [touch],
        worker_runner(client, FLOOR_PASSTHROUGH),
    )


async def _serve() -> None:
    import signal

    from followthrough import cpu_probe, heap_probe
    from followthrough.logs import configure_logging
    from followthrough.settings import load_settings
    from worker import connect, log

    settings = load_settings()
    configure_logging(settings)
    heap_probe.install_from_env()  # benchmarks only: as the production worker does
    cpu_probe.install_from_env()
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    floor = build_floor_worker(client, settings)
    log.info("worker started", task_queue=settings.task_queue, floor=True)
    async with floor:
        await stop.wait()


def main() -> None:
    """Serve until SIGTERM (see the module docstring)."""
    import os
    import sys

    asyncio.run(_serve())
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    # Run from the module imported by name, not from ``__main__``: the sandbox cannot pass
    # ``__main__`` through and would import this file again for every run.
    from benchmarks import floor

    floor.main()
