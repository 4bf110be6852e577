"""Worker memory with parked reviews: RSS of `python worker.py` and of the dev server.

A Temporal dev server (in-memory SQLite) from ``WorkflowEnvironment.start_local``; the production
worker in its own process (``python worker.py``, local tracker, outbox and documents in a temporary
folder, default policy). Samples the worker's VmRSS idle; after a small warm-up (first sandbox
imports, thread pools); and after N more reviews were started (``api.starter.start_review``) and
published with two action items each, once every item has its ticket and the worker is quiet —
N parents and 2N item workflows parked on day-scale timers, all in the worker's sticky cache.

    .venv/bin/python -m benchmarks.memory [--n 300] [--warmup 10] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from api.starter import start_review
from benchmarks._common import (
    CpuMeter,
    binary,
    bounded,
    child_named,
    cpu_seconds,
    exit_now,
    machine_header,
    mb,
    readme_rows,
    report,
    rss_kb,
)
from followthrough.settings import Settings
from followthrough.worker_runtime import DATA_CONVERTER
from tests.support.harness import FIVE_WHYS, incident, item
from workflows.calls import SEARCH_ATTRIBUTES
from workflows.ids import item_workflow_id, review_workflow_id
from workflows.policy import Policy
from workflows.postmortem import PostmortemWorkflow
from workflows.review import Phase, PublishRequest, WentWell

POLICY = Policy()  # the defaults: every timer is days away, so workflows stay parked
REPO = Path(__file__).resolve().parents[1]
SDK_DEFAULT_MAX_CACHED = 1000  # temporalio Worker(max_cached_workflows=...) default


def tickets(tracker_file: Path) -> int:
    """Tickets in the local tracker's JSON (written atomically, so a plain read is safe)."""
    try:
        return len(json.loads(tracker_file.read_text())["tickets"])
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return 0


async def wait_tickets(tracker_file: Path, expected: int, limit_s: float) -> tuple[float, int]:
    t0 = time.perf_counter()
    count = 0
    while time.perf_counter() - t0 < limit_s:
        count = tickets(tracker_file)
        if count >= expected:
            break
        await asyncio.sleep(0.25)
    return time.perf_counter() - t0, count


async def wait_quiet(pid: int, limit_s: float = 60.0, below: float = 0.03) -> float:
    """Wait until the process used under ``below`` of a core for two consecutive seconds."""
    t0 = time.perf_counter()
    calm = 0
    last = cpu_seconds(pid) or 0.0
    while time.perf_counter() - t0 < limit_s and calm < 2:
        await asyncio.sleep(1.0)
        now = cpu_seconds(pid) or 0.0
        calm = calm + 1 if now - last < below else 0
        last = now
    return time.perf_counter() - t0


def sample_rss(pid: int, samples: int = 3) -> int:
    """Median VmRSS over a few samples 0.2 s apart, in KB."""
    values = []
    for _ in range(samples):
        values.append(rss_kb(pid) or 0)
        time.sleep(0.2)
    return sorted(values)[len(values) // 2]


def spawn_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """`python worker.py` from the repository root, logging to ``log_path``."""
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "worker.py"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
        )


async def open_and_publish(
    client: Client, settings: Settings, incident_id: str
) -> tuple[float, float]:
    """Start one review and publish it with two action items; (start latency, total latency)."""
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    await start_review(client, settings, POLICY, incident(incident_id, now))
    t_start = time.perf_counter() - t0
    handle = client.get_workflow_handle(review_workflow_id(incident_id))
    await handle.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
    for draft in (
        item(
            "Cap pool size at 20 in the service template",
            "carol@example.com",
            now + timedelta(days=14),
        ),
        item(
            "Add a connection-limit step to the deploy checklist",
            "dave@example.com",
            now + timedelta(days=10),
            "rc2",
        ),
    ):
        await handle.execute_update(PostmortemWorkflow.add_action_item, draft)
    await handle.execute_update(
        PostmortemWorkflow.add_went_well, WentWell(text="The runbook had the rollback steps.")
    )
    await handle.execute_update(PostmortemWorkflow.publish, PublishRequest())
    return t_start, time.perf_counter() - t0


async def batch(
    client: Client, settings: Settings, ids: list[str], concurrency: int
) -> tuple[list[float], list[float], float, int]:
    done, failures, wall = await bounded(
        lambda incident_id: open_and_publish(client, settings, incident_id),
        ids,
        concurrency,
        "review",
    )
    return [r[0] for r in done], [r[1] for r in done], wall, failures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="reviews measured (2 items each)")
    parser.add_argument("--warmup", type=int, default=10, help="reviews before the warm sample")
    parser.add_argument("--concurrency", type=int, default=16, help="reviews driven at once")
    parser.add_argument("--timeout", type=float, default=240.0, help="bound on waiting for tickets")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    machine_header("memory: worker.py RSS with parked reviews (dev server, in-memory SQLite)")
    workflows_total = 3 * (args.warmup + args.n)
    if workflows_total > SDK_DEFAULT_MAX_CACHED:
        print(
            f"note: {workflows_total} workflows exceed the worker's sticky cache "
            f"({SDK_DEFAULT_MAX_CACHED}); evicted ones leave memory, so KB/workflow will read low"
        )
    workdir = Path(tempfile.mkdtemp(prefix="ft-bench-memory-"))
    data = workdir / "data"
    task_queue = f"bench-{uuid.uuid4().hex[:8]}"

    t_env = time.perf_counter()
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        search_attributes=list(SEARCH_ATTRIBUTES),
        data_converter=DATA_CONVERTER,
        dev_server_extra_args=["--log-level", "error"],
    )
    target = env.client.service_client.config.target_host
    server_pid = child_named(os.getpid(), "temporal")
    print(f"dev server at {target} in {time.perf_counter() - t_env:.2f} s (pid {server_pid})")
    settings = Settings(data_dir=data, task_queue=task_queue, temporal_address=target)
    worker_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FOLLOWTHROUGH_")},
        "FOLLOWTHROUGH_TEMPORAL_ADDRESS": target,
        "FOLLOWTHROUGH_DATA_DIR": str(data),
        "FOLLOWTHROUGH_TASK_QUEUE": task_queue,
        "NO_PROXY": "127.0.0.1,localhost",
    }
    log_path = workdir / "worker.log"
    t_worker = time.perf_counter()
    worker = spawn_worker(worker_env, log_path)
    try:
        deadline = time.monotonic() + 60
        while "worker started" not in log_path.read_text(errors="replace"):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start:\n{log_path.read_text()}")
            await asyncio.sleep(0.1)
        print(f"worker.py (pid {worker.pid}) polling after {time.perf_counter() - t_worker:.2f} s")
        await wait_quiet(worker.pid)
        idle = sample_rss(worker.pid)
        server_idle = sample_rss(server_pid) if server_pid else 0
        pids = {"worker": worker.pid}
        if server_pid:
            pids["dev server"] = server_pid
        cpu = CpuMeter(pids)

        client = env.client
        tracker = settings.tracker_file
        if args.warmup:
            ids = [f"PWARM{i:04d}" for i in range(args.warmup)]
            *_, failures = await batch(client, settings, ids, args.concurrency)
            await wait_tickets(tracker, 2 * (args.warmup - failures), 60)
            await wait_quiet(worker.pid)
        warm = sample_rss(worker.pid)
        server_warm = sample_rss(server_pid) if server_pid else 0

        print(
            f"\nstart + publish {args.n} reviews (start, 4 updates + publish) at concurrency "
            f"{args.concurrency}"
        )
        cpu.mark()
        ids = [f"PMEM{i:05d}" for i in range(args.n)]
        starts, totals, wall, failures = await batch(client, settings, ids, args.concurrency)
        published = len(totals)
        report("start_review (start_workflow)", starts)
        report("start + 5 updates, per review", totals, wall)
        print(f"    {published} published, {failures} failed; {published / wall:.1f} reviews/s")
        print(cpu.line())
        used = cpu.used()
        print(
            "    cpu per review: "
            + ", ".join(f"{k} {1000 * v / max(published, 1):.0f} ms" for k, v in used.items())
        )
        expected = 2 * (args.warmup + published)
        waited, count = await wait_tickets(tracker, expected, args.timeout)
        print(
            f"  tickets: {count}/{expected} in the tracker {waited:.2f} s after the last publish "
            f"({published / (wall + waited):.1f} reviews/s from first start to last ticket)"
        )
        quiet = await wait_quiet(worker.pid)
        print(f"  worker quiet {quiet:.1f} s later")
        print(cpu.line())
        used = cpu.used()
        print(
            "    cpu per review, first start to quiet: "
            + ", ".join(f"{k} {1000 * v / max(published, 1):.0f} ms" for k, v in used.items())
        )
        after = sample_rss(worker.pid)
        server_after = sample_rss(server_pid) if server_pid else 0

        # Spot check: a few reviews are tracking, every item has its ticket; what one review cost
        # in workflow tasks and activities (parent + its items), from their histories.
        checked = bad = 0
        tasks: list[int] = []
        activities: list[int] = []
        events: list[int] = []
        for incident_id in random.sample(ids, min(5, len(ids))):
            handle = client.get_workflow_handle(review_workflow_id(incident_id))
            status = await handle.query(PostmortemWorkflow.status)
            checked += 1
            items = status.state.action_items
            if status.state.phase != Phase.TRACKING or not all(i.ticket for i in items):
                bad += 1
            n_tasks = n_activities = n_events = 0
            for wf_id in [handle.id, *(item_workflow_id(incident_id, i.id) for i in items)]:
                history = await client.get_workflow_handle(wf_id).fetch_history()
                n_events += len(history.events)
                for event in history.events:
                    if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                        n_tasks += 1
                    elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                        n_activities += 1
            tasks.append(n_tasks)
            activities.append(n_activities)
            events.append(n_events)
        running = await client.count_workflows("ExecutionStatus = 'Running'")

        n_total = args.warmup + published
        print(f"\nworker.py VmRSS (pid {worker.pid}):")
        print(f"  idle                       {mb(idle)}")
        print(f"  after {args.warmup:>4} warm-up reviews   {mb(warm)}")
        print(
            f"  after {n_total:>4} reviews         {mb(after)}  "
            f"({3 * n_total} workflows: {n_total} parents + {2 * n_total} items)"
        )
        if published:
            print(
                f"  marginal (warm -> after, {published} reviews): "
                f"{(after - warm) / published:.0f} KB per review, "
                f"{(after - warm) / (3 * published):.0f} KB per workflow"
            )
        print(
            f"  incl. one-time costs (idle -> after): {(after - idle) / n_total:.0f} KB per review, "
            f"{(after - idle) / (3 * n_total):.0f} KB per workflow"
        )
        print(
            f"dev server VmRSS: idle {mb(server_idle)}, warm {mb(server_warm)}, after {mb(server_after)} "
            f"({(server_after - server_warm) / max(published, 1):.0f} KB per review)"
        )
        print(
            f"visibility: {running.count} running workflows; spot check {checked - bad}/{checked} "
            f"reviews tracking with tickets on every item"
        )
        if tasks:
            print(
                f"per review (parent + 2 items, {checked} sampled): workflow tasks "
                f"{min(tasks)}-{max(tasks)}, activities {min(activities)}-{max(activities)}, "
                f"history events {min(events)}-{max(events)}"
            )
        per_workflow = (after - warm) / (3 * published) if published else float("nan")
        readme_rows(
            "memory",
            [
                (
                    "worker memory",
                    f"{mb(idle)} idle; {per_workflow:.0f} KB per cached workflow "
                    "(SDK default cache: 1,000 workflows)",
                )
            ],
        )
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        errors = sum(
            1
            for line in log_path.read_text(errors="replace").splitlines()
            if '"level": "error"' in line
        )
        print(f"worker stopped (exit code {worker.returncode}); {errors} error lines in its log")
        await env.shutdown()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
    exit_now(0)
