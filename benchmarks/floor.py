"""The Temporal floor of a review: a skeleton workflow pair with a review's shape, tiny payloads.

``FloorReviewWorkflow`` stands for ``PostmortemWorkflow`` and ``FloorItemWorkflow`` for
``ActionItemWorkflow``. They issue the same numbers of updates, activities (scheduled
and local), child workflows, timers and signals as a published review (the counts come in :class:`FloorShape`, measured from a
real review's histories by ``benchmarks.cost``), but every payload is a few bytes and no activity
does anything. What a review costs above this is what Followthrough adds on top of Temporal.

Run as a worker process with the production worker's settings (same sandboxed runner, pydantic
converter, activity thread pool, cache size)::

    .venv/bin/python -m benchmarks.floor    # FOLLOWTHROUGH_TEMPORAL_ADDRESS / _TASK_QUEUE
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from temporalio import workflow
from temporalio.workflow import ParentClosePolicy

# Passed through, like the review's models: the sandbox re-imports only this module per run.
with workflow.unsafe.imports_passed_through():
    from benchmarks.floor_parts import (
        ACTIVITY_TIMEOUT,
        PARK,
        FloorItemInput,
        FloorShape,
        Tiny,
        touch,
    )


async def _touch(n: int) -> None:
    await workflow.execute_activity(touch, Tiny(n=n), start_to_close_timeout=ACTIVITY_TIMEOUT)


async def _touch_locally(n: int) -> None:
    await workflow.execute_local_activity(touch, Tiny(n=n), start_to_close_timeout=ACTIVITY_TIMEOUT)


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
            await _touch_locally(i)
        for i in range(shape.child_activities):
            await _touch(i)
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
            await _touch(i)
        await workflow.wait_condition(lambda: self.accepted >= shape.updates)
        while self.local < shape.parent_local_activities:  # what the updates left over
            self.local += 1
            await _touch_locally(self.local)
        wf_id = workflow.info().workflow_id
        for i in range(shape.children):
            await workflow.start_child_workflow(
                FloorItemWorkflow.run,
                FloorItemInput(parent_id=wf_id, shape=shape),
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
                await _touch(arg.n)
            # A review writes its document and its store after a change (local activities).
            for _ in range(min(2, self.shape.parent_local_activities - self.local)):
                self.local += 1
                await _touch_locally(self.local)
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


async def _serve() -> None:
    import concurrent.futures
    import signal

    from temporalio.worker import Worker

    import worker as production
    from followthrough.logs import configure_logging
    from followthrough.settings import load_settings

    settings = load_settings()
    configure_logging(settings)
    client = await production.connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # The production worker's options (worker.build_worker), with the floor's workflows.
    floor = Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[FloorReviewWorkflow, FloorItemWorkflow],
        workflow_runner=production.workflow_runner(),
        activities=[touch],
        activity_executor=concurrent.futures.ThreadPoolExecutor(max_workers=32),
        max_concurrent_activities=32,
        graceful_shutdown_timeout=production.GRACEFUL_SHUTDOWN,
        max_cached_workflows=settings.max_cached_workflows,
    )
    production.log.info("worker started", task_queue=settings.task_queue, floor=True)
    async with floor:
        await stop.wait()


if __name__ == "__main__":
    import os
    import sys

    asyncio.run(_serve())
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
