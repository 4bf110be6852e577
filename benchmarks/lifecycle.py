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
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from benchmarks._common import (
    CpuMeter,
    binary,
    child_named,
    cpu_seconds,
    exit_now,
    machine_header,
    percentile,
    readme_rows,
    report,
)
from followthrough.worker_runtime import DATA_CONVERTER
from tests.support.harness import outbox, settings_for
from tests.support.scenarios import six_week_review
from workflows.contracts import ReviewOutcome
from workflows.ids import item_workflow_id
from workflows.review import Phase

#: The policy of tests/workflows/test_lifecycle.py (daily reconcile instead of six-hourly).
ITEMS = ("1", "2", "3")


@dataclass
class Run:
    env_start_s: float
    server_cpu_s: float
    wall_s: float
    parent_events: int
    child_events: list[int]
    child_bytes: list[int]
    history_bytes: int
    parent_bytes: int
    messages: int
    outcome: ReviewOutcome
    phase: Phase


async def six_weeks(env: WorkflowEnvironment, workdir: Path, incident_id: str) -> Run:
    """tests/support/scenarios.py's six-week review (the lifecycle test's), measured."""
    settings = settings_for(workdir)
    client = env.client
    run = await six_week_review(env, settings, incident_id)
    history = await run.handle.fetch_history()
    parent_bytes = size = len(history.to_json())
    child_events = []
    child_bytes = []
    for n in ITEMS:
        child_history = await client.get_workflow_handle(
            item_workflow_id(incident_id, n)
        ).fetch_history()
        child_events.append(len(child_history.events))
        child_bytes.append(len(child_history.to_json()))
        size += child_bytes[-1]
    return Run(
        env_start_s=0.0,
        server_cpu_s=0.0,
        wall_s=run.wall_seconds,
        parent_events=len(history.events),
        child_events=child_events,
        child_bytes=child_bytes,
        history_bytes=size,
        parent_bytes=parent_bytes,
        messages=len(outbox(settings)),
        outcome=run.outcome,
        phase=run.status.state.phase,
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
            test_server_existing_path=server, data_converter=DATA_CONVERTER
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
    walls = sorted(r.wall_s for r in runs)
    parents = [r.parent_events for r in runs]
    readme_rows(
        "lifecycle",
        [
            (
                "whole six-week review on the time-skipping server (3 items, reminders, "
                "escalations, follow-up)",
                f"{percentile(walls, 50):.1f} s wall (p50 of {len(runs)}); parent history "
                f"{min(parents)}-{max(parents)} events, {min(events)}-{max(events)} events "
                "with its three items, "
                f"{min(r.history_bytes for r in runs) / 1024:.0f}-"
                f"{max(r.history_bytes for r in runs) / 1024:.0f} KB of history JSON in all",
            )
        ],
    )


if __name__ == "__main__":
    asyncio.run(main())
    exit_now(0)
