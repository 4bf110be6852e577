"""What a review costs against the Temporal floor of the same shape, side by side in one run.

One Temporal dev server (in-memory SQLite, search attributes registered) and two worker processes
with the same settings: the production worker (``python worker.py``, local connectors, default
policy) and the floor worker (``python -m benchmarks.floor``: the production worker's options with
a skeleton workflow pair and a no-op activity). Both serve their own task queue.

1. Warm-up: ``--warmup`` published reviews with two action items (five whys, two items, what went
   well, publish) on the production worker. The histories of the first measured round give the
   review's *shape*: updates, activities, children, timers and signals of parent and items.
2. ``--warmup`` floor reviews with that shape on the floor worker.
3. Measured in ``--rounds`` alternating rounds (review, floor, review, floor...): ``--n`` of each
   per round, at ``--concurrency``, until every item is parked and the worker has been quiet for
   2 s. CPU of the worker and of the server per review, and the
   worker's RSS growth per cached workflow (all of them stay in the sticky cache).
4. Ratios review / floor, with the targets of issue 11 (≤ 1.5x each).
5. Unless ``--no-lifecycle``: the six-week scenario (tests/scenarios.py) once on the time-skipping
   server: every history's size and the parent's event count, with their targets.

    .venv/bin/python -m benchmarks.cost [--n 60] [--rounds 3] [--warmup 10] [--concurrency 8]

Diagnostics (figures for finding what a cached run holds, not for the ratios): ``--heap-dump``
traces both workers' Python allocations (followthrough/heap_probe.py, slow) and prints what grew
per cached workflow by file:line, with glibc's malloc and SQLite's totals; ``--trim`` has both
workers ``malloc_trim(0)`` before each RSS sample; ``--malloc-arena-max N`` sets
``MALLOC_ARENA_MAX`` for both; ``--floor-pad BYTES`` pads the floor's activity, local activity
and child inputs (review-sized payloads). ``--cpu-profile`` profiles both workers
(followthrough/cpu_probe.py: cProfile per thread, each thread's own CPU time; slow) and prints the
functions with the most cumulative CPU per review on each side; it and ``--heap-dump`` exclude
each other (both dump on SIGUSR1).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from benchmarks._common import (
    binary,
    child_named,
    exit_now,
    machine_header,
    readme_rows,
)
from benchmarks.cost_parts import (
    NAMES,
    TARGET_HISTORY_BYTES,
    TARGET_PARENT_EVENTS,
    TARGET_RATIO,
    Shape,
    Side,
    drive_all,
    floor_shape,
    measure,
    median_shape,
    shape_of,
    spawn,
    wait_parked,
    wait_started,
)
from benchmarks.floor import FloorReviewWorkflow
from benchmarks.floor_parts import FloorShape, Tiny
from benchmarks.memory import open_and_publish, tickets
from followthrough import cpu_probe
from followthrough.heap_probe import ENV
from followthrough.settings import Settings
from followthrough.worker_runtime import DATA_CONVERTER
from workflows.calls import SEARCH_ATTRIBUTES
from workflows.ids import review_workflow_id


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b > 0 else "n/a"


def verdict(value: float, target: float) -> str:
    return "meets" if value <= target else "over"


async def lifecycle_figures() -> None:
    from benchmarks.lifecycle import six_weeks

    print("\nsix-week scenario (tests/scenarios.py) on the time-skipping server, one run:")
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=DATA_CONVERTER,
    )
    workdir = Path(tempfile.mkdtemp(prefix="ft-bench-cost-life-"))
    try:
        run = await six_weeks(env, workdir, "PCOSTLIFE")
    finally:
        await env.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
    sizes = [run.parent_bytes, *run.child_bytes]
    events = [run.parent_events, *run.child_events]
    names = ["parent", *(f"item {n}" for n in range(1, len(run.child_bytes) + 1))]
    for name, size, count in zip(names, sizes, events, strict=True):
        print(f"  {name:<7} {size / 1024:8.1f} KB  {count:5d} events")
    total = sum(sizes)
    print(
        f"  all four {total / 1024:.1f} KB (target <= {TARGET_HISTORY_BYTES // 1024} KB: "
        f"{verdict(total, TARGET_HISTORY_BYTES)}); parent {run.parent_events} events "
        f"(target <= {TARGET_PARENT_EVENTS}: {verdict(run.parent_events, TARGET_PARENT_EVENTS)}); "
        f"{sum(events)} events in all; outcome {run.phase.value}, "
        f"{run.outcome.items_done} done"
    )


def print_shapes(review: Shape, floor: Shape) -> None:
    print("\nshape per review (median of sampled histories; item columns: mean per item)")
    print(f"  {'':<26} {'review':>8} {'floor':>8} | {'review item':>11} {'floor item':>10}")
    for name in NAMES:
        print(
            f"  {name:<26} {review.parent[name]:>8} {floor.parent[name]:>8} | "
            f"{review.item.get(name, 0):>11.1f} {floor.item.get(name, 0):>10.1f}"
        )
    print(f"  {'items':<26} {review.items:>8} {floor.items:>8}")
    print(f"  {'events (all workflows)':<26} {review.events:>8} {floor.events:>8}")
    print(
        f"  {'history KB (all)':<26} {review.history_bytes / 1024:>8.1f} "
        f"{floor.history_bytes / 1024:>8.1f}"
    )


def print_cpu_profile(side: Side, top: int = 40) -> None:
    """With ``--cpu-profile``: the functions with the most cumulative CPU per review (the mean
    over the measured rounds), with their calls and own time per review."""
    if not side.cpu_rounds:
        return
    sums: dict[str, list[float]] = {}
    for rows in side.cpu_rounds:
        for where, values in rows.items():
            acc = sums.setdefault(where, [0.0, 0.0, 0.0])
            for k in range(3):
                acc[k] += values[k] / len(side.cpu_rounds)
    print(
        f"\n  {side.name} worker CPU profile per review (profiled: the figures are inflated), "
        f"top {top} by cumulative:\n  {'cum ms':>8} {'own ms':>8} {'calls':>9}  function"
    )
    for where, (calls, own, cum) in sorted(sums.items(), key=lambda kv: -kv[1][2])[:top]:
        print(f"  {1000 * cum:8.2f} {1000 * own:8.2f} {calls:9.1f}  {where}")
    print(f"  top {top} by own time:")
    for where, (calls, own, cum) in sorted(sums.items(), key=lambda kv: -kv[1][1])[:top]:
        print(f"  {1000 * cum:8.2f} {1000 * own:8.2f} {calls:9.1f}  {where}")


def print_heap_growth(side: Side, top: int = 25) -> None:
    """With ``--heap-dump``: the lines whose traced allocations grew most per cached workflow
    (mean over the measured rounds)."""
    if not side.heap_rounds:
        return
    total: dict[str, list[float]] = {}
    for rows in side.heap_rounds:
        for where, grown, count in rows:
            sums = total.setdefault(where, [0.0, 0.0])
            sums[0] += grown / len(side.heap_rounds)
            sums[1] += count / len(side.heap_rounds)
    totals = {where: grown for where, (grown, _) in total.items() if where.startswith("<")}
    lines = {where: sums for where, sums in total.items() if not where.startswith("<")}
    print(
        f"\n{side.name}: grown per cached workflow: "
        + ", ".join(f"{where} {grown / 1024:.1f} KB" for where, grown in sorted(totals.items()))
        + f"; top {top} lines of the traced (bytes, allocations):"
    )
    for where, (grown, count) in sorted(lines.items(), key=lambda kv: -kv[1][0])[:top]:
        print(f"  {grown / 1024:8.2f} KB {count:8.1f}  {where}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=60, help="measured reviews per side and round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per side")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up reviews per side")
    parser.add_argument("--concurrency", type=int, default=8, help="reviews driven at once")
    parser.add_argument("--no-lifecycle", action="store_true", help="skip the six-week figures")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--heap-dump",
        action="store_true",
        help="trace both workers' Python allocations (slow: memory figures only) and print what "
        "grew per cached workflow, by file:line",
    )
    parser.add_argument(
        "--cpu-profile",
        action="store_true",
        help="profile both workers (cProfile per thread, slow: for where the CPU goes, not for "
        "the ratios) and print the top functions by cumulative CPU per review",
    )
    parser.add_argument(
        "--floor-pad",
        type=int,
        default=0,
        help="a diagnostic: bytes of padding in the floor's activity, local activity and child "
        "inputs (review-sized payloads; default 0, the floor)",
    )
    parser.add_argument(
        "--trim",
        action="store_true",
        help="with --heap-dump: have both workers malloc_trim(0) before each RSS sample",
    )
    parser.add_argument(
        "--malloc-arena-max",
        type=int,
        default=None,
        help="MALLOC_ARENA_MAX for both workers (default: the environment's)",
    )
    args = parser.parse_args()
    if args.cpu_profile and args.heap_dump:
        parser.error("--cpu-profile and --heap-dump both dump on SIGUSR1: choose one")
    machine_header("cost: a published review with two items against the Temporal floor")

    workdir = Path(tempfile.mkdtemp(prefix="ft-bench-cost-"))
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        search_attributes=list(SEARCH_ATTRIBUTES),
        data_converter=DATA_CONVERTER,
        dev_server_extra_args=["--log-level", "error"],
    )
    client = env.client
    target = client.service_client.config.target_host
    server_pid = child_named(os.getpid(), "temporal")
    base_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FOLLOWTHROUGH_")},
        "FOLLOWTHROUGH_TEMPORAL_ADDRESS": target,
        "NO_PROXY": "127.0.0.1,localhost",
    }
    if args.malloc_arena_max is not None:
        base_env["MALLOC_ARENA_MAX"] = str(args.malloc_arena_max)
    heap_dirs = {k: workdir / f"heap-{k}" for k in ("review", "floor")}
    heap_env = {k: {ENV: str(folder)} if args.heap_dump else {} for k, folder in heap_dirs.items()}
    cpu_dirs = {k: workdir / f"cpu-{k}" for k in ("review", "floor")}
    if args.cpu_profile:
        for name, folder in cpu_dirs.items():
            heap_env[name] = {cpu_probe.ENV: str(folder)}
    review_queue, floor_queue = (f"cost-{k}-{uuid.uuid4().hex[:6]}" for k in ("review", "floor"))
    data = workdir / "data"
    settings = Settings(data_dir=data, task_queue=review_queue, temporal_address=target)
    shape_holder: dict[str, FloorShape] = {}

    async def drive_review(incident_id: str) -> None:
        await open_and_publish(client, settings, incident_id)

    async def review_parked(total: int) -> bool:
        return tickets(settings.tracker_file) >= 2 * total

    async def drive_floor(review_id: str) -> None:
        shape = shape_holder["shape"]
        handle = await client.start_workflow(
            FloorReviewWorkflow.run, shape, id=review_id, task_queue=floor_queue
        )
        for n in range(shape.updates):
            await handle.execute_update(FloorReviewWorkflow.step, Tiny(n=n))

    async def floor_parked(total: int) -> bool:
        expected = total * shape_holder["shape"].children
        found = await client.count_workflows("WorkflowType = 'FloorItemWorkflow'")
        return found.count >= expected

    review = Side(
        "review",
        spawn(
            [sys.executable, "worker.py"],
            {
                **base_env,
                "FOLLOWTHROUGH_DATA_DIR": str(data),
                "FOLLOWTHROUGH_TASK_QUEUE": review_queue,
                **heap_env["review"],
            },
            workdir / "review-worker.log",
        ),
        workdir / "review-worker.log",
        drive_review,
        review_parked,
    )
    floor = Side(
        "floor",
        spawn(
            [sys.executable, "-m", "benchmarks.floor"],
            {
                **base_env,
                "FOLLOWTHROUGH_DATA_DIR": str(workdir / "floor-data"),
                "FOLLOWTHROUGH_TASK_QUEUE": floor_queue,
                **heap_env["floor"],
            },
            workdir / "floor-worker.log",
        ),
        workdir / "floor-worker.log",
        drive_floor,
        floor_parked,
    )
    if args.heap_dump:
        review.heap_dir, floor.heap_dir = heap_dirs["review"], heap_dirs["floor"]
        review.trim = floor.trim = args.trim
    if args.cpu_profile:
        review.cpu_dir, floor.cpu_dir = cpu_dirs["review"], cpu_dirs["floor"]
    try:
        await wait_started(review)
        await wait_started(floor)
        print(
            f"dev server {target} (pid {server_pid}); workers review pid {review.process.pid}, "
            f"floor pid {floor.process.pid}"
        )

        print(
            f"\nmeasured: {args.rounds} rounds of {args.n} reviews per side, alternating, at "
            f"concurrency {args.concurrency}"
        )
        warm_ids = [f"PCOSTW{i:04d}" for i in range(args.warmup)]
        review_total, _, _ = await drive_all(review, warm_ids, args.concurrency)
        await wait_parked(review, review_total, 120.0)
        floor_total = 0
        review_ids: list[str] = []
        floor_ids: list[str] = []
        samples = random.Random(11).sample(range(args.n), min(5, args.n))
        review_sampled = floor_sampled = Shape()
        for r in range(args.rounds):
            ids = [f"PCOST{r}X{i:05d}" for i in range(args.n)]
            review_ids += ids
            review_total += await measure(review, server_pid, ids, args.concurrency, review_total)
            if r == 0:
                # The floor gets the shape the measured reviews had, under the same load (how
                # many document renders coalesce depends on it).
                review_sampled = median_shape(
                    [await shape_of(client, review_workflow_id(ids[i])) for i in samples]
                )
                shape = floor_shape(review_sampled).model_copy(update={"pad_bytes": args.floor_pad})
                shape_holder["shape"] = shape
                floor.workflows_per_review = 1 + shape.children
                review.workflows_per_review = 1 + review_sampled.items
                print(f"    floor shape from 5 sampled reviews: {shape.model_dump()}")
                floor_warm = [f"floor-warm-{i:04d}" for i in range(args.warmup)]
                floor_total, _, _ = await drive_all(floor, floor_warm, args.concurrency)
                await wait_parked(floor, floor_total, 120.0)
            ids = [f"floor-{r}-{i:05d}" for i in range(args.n)]
            floor_ids += ids
            floor_total += await measure(floor, server_pid, ids, args.concurrency, floor_total)
            if r == 0:
                floor_sampled = median_shape([await shape_of(client, ids[i]) for i in samples])
        print_shapes(review_sampled, floor_sampled)

        print(
            f"\nper review ({review.reviews} reviews, {floor.reviews} floor reviews)"
            f"{'review':>10} {'floor':>10}   ratio   (target <= {TARGET_RATIO}x)   per round"
        )
        rows = [
            ("worker CPU", review.worker_ms, floor.worker_ms, "ms", 0),
            ("server CPU", review.server_ms, floor.server_ms, "ms", 1),
            ("memory per cached wf", review.kb_per_workflow, floor.kb_per_workflow, "KB", 2),
        ]
        for label, mine, base, unit, k in rows:
            per_round = ", ".join(
                ratio(a[k], b[k]) for a, b in zip(review.rounds, floor.rounds, strict=True)
            )
            print(
                f"  {label:<20} {mine:8.0f} {unit} {base:8.0f} {unit}  {ratio(mine, base):>7}  "
                f"{verdict(mine / base if base else float('inf'), TARGET_RATIO):<5}   {per_round}"
            )
        print(
            f"  other processes used {review.other_s:.1f} s (review phases) and "
            f"{floor.other_s:.1f} s (floor phases) of CPU: a large figure means a contended box"
        )
        for side in (review, floor):
            print_heap_growth(side)
            print_cpu_profile(side)
        for side in (review, floor):
            errors = sum(
                1
                for line in side.log_path.read_text(errors="replace").splitlines()
                if '"level": "error"' in line
            )
            print(f"  {side.name} worker log: {errors} error lines")
    finally:
        for side in (review, floor):
            if side.process.poll() is None:
                side.process.send_signal(signal.SIGTERM)
        for side in (review, floor):
            try:
                side.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                side.process.kill()
                side.process.wait()
        await env.shutdown()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if not args.no_lifecycle:
        await lifecycle_figures()
    readme_rows(
        "cost",
        [
            (
                "a published two-item review against the Temporal floor of its shape (same run)",
                f"worker CPU {review.worker_ms:.0f} ms ({ratio(review.worker_ms, floor.worker_ms)}"
                f"), server CPU {review.server_ms:.0f} ms "
                f"({ratio(review.server_ms, floor.server_ms)}), "
                f"{review.kb_per_workflow:.0f} KB per cached workflow "
                f"({ratio(review.kb_per_workflow, floor.kb_per_workflow)}); target <= "
                f"{TARGET_RATIO}x each",
            )
        ],
    )
    print(f"\nfinished {datetime.now(UTC).isoformat(timespec='seconds')}")


if __name__ == "__main__":
    asyncio.run(main())
    exit_now(0)
