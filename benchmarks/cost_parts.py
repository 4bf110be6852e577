"""The parts of ``benchmarks.cost``: a review's shape read from its histories (and the floor's of
the same shape), and one side of the comparison (a worker process, its server, what it costs)."""

from __future__ import annotations

import asyncio
import signal
import statistics
import subprocess
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client

from benchmarks._common import (
    CpuMeter,
    bounded,
    mb,
    threads,
)
from benchmarks.floor_parts import FloorShape
from benchmarks.memory import sample_rss, wait_quiet
from followthrough import cpu_probe
from followthrough.heap_probe import growth, read_dump

__all__ = [
    "COUNTED",
    "NAMES",
    "REPO",
    "TARGET_HISTORY_BYTES",
    "TARGET_PARENT_EVENTS",
    "TARGET_RATIO",
    "Shape",
    "Side",
    "drive_all",
    "floor_shape",
    "heap_dump",
    "measure",
    "median_shape",
    "shape_of",
    "spawn",
    "wait_parked",
    "wait_started",
]

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.5
#: issue 11's targets for the six-week scenario
TARGET_HISTORY_BYTES = 200 * 1024
TARGET_PARENT_EVENTS = 200

#: History event types that make a review's shape, and how they are printed.
COUNTED = {
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: "updates",
    EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: "activities",
    EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: "children",
    EventType.EVENT_TYPE_TIMER_STARTED: "timers",
    EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: "signals sent",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: "signals received",
    EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: "search attribute upserts",
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: "workflow tasks",
}
#: Local activities are markers: counted by the marker's name.
LOCAL_ACTIVITY_MARKER = "core_local_activity"
#: Every count of a shape.
NAMES = (*COUNTED.values(), "local activities")


def _count(event: HistoryEvent) -> str | None:
    if (
        event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and event.marker_recorded_event_attributes.marker_name == LOCAL_ACTIVITY_MARKER
    ):
        return "local activities"
    return COUNTED.get(event.event_type)


@dataclass
class Shape:
    """Per-review counts from histories: the parent's, and the mean over its items."""

    parent: Counter[str] = field(default_factory=Counter)
    item: dict[str, float] = field(default_factory=dict)
    items: int = 0
    events: int = 0
    history_bytes: int = 0


async def shape_of(client: Client, parent_id: str) -> Shape:
    history = await client.get_workflow_handle(parent_id).fetch_history()
    shape = Shape(events=len(history.events), history_bytes=len(history.to_json()))
    children: list[str] = []
    for event in history.events:
        name = _count(event)
        if name:
            shape.parent[name] += 1
        if event.event_type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
            children.append(
                event.start_child_workflow_execution_initiated_event_attributes.workflow_id
            )
    per_item: list[Counter[str]] = []
    for child in children:
        child_history = await client.get_workflow_handle(child).fetch_history()
        shape.events += len(child_history.events)
        shape.history_bytes += len(child_history.to_json())
        counts: Counter[str] = Counter()
        for event in child_history.events:
            name = _count(event)
            if name:
                counts[name] += 1
        per_item.append(counts)
    shape.items = len(children)
    shape.item = {
        name: sum(c[name] for c in per_item) / len(per_item) if per_item else 0.0 for name in NAMES
    }
    return shape


def median_shape(shapes: list[Shape]) -> Shape:
    def med(values: list[float]) -> float:
        return float(statistics.median(values)) if values else 0.0

    return Shape(
        parent=Counter({n: round(med([s.parent[n] for s in shapes])) for n in NAMES}),
        item={n: med([s.item.get(n, 0.0) for s in shapes]) for n in NAMES},
        items=round(med([s.items for s in shapes])),
        events=round(med([s.events for s in shapes])),
        history_bytes=round(med([s.history_bytes for s in shapes])),
    )


def floor_shape(review: Shape) -> FloorShape:
    """The floor with the review's numbers of updates, activities, children, timers, signals."""
    return FloorShape(
        updates=review.parent["updates"],
        parent_activities=review.parent["activities"],
        children=review.items,
        parent_timers=review.parent["timers"],
        child_activities=round(review.item["activities"]),
        child_signals=round(review.item["signals sent"]),
        child_timers=round(review.item["timers"]),
        parent_local_activities=review.parent["local activities"],
        child_local_activities=round(review.item["local activities"]),
    )


@dataclass
class Side:
    """One worker process and how to drive one review on it."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    drive: Callable[[str], Awaitable[None]]
    parked: Callable[[int], Awaitable[bool]]
    workflows_per_review: int = 3
    reviews: int = 0
    failures: int = 0
    worker_s: float = 0.0
    server_s: float = 0.0
    grown_kb: int = 0
    other_s: float = 0.0
    rounds: list[tuple[float, float, float]] = field(default_factory=list)
    #: With ``--heap-dump``: where the worker's heap probe writes (followthrough/heap_probe.py),
    #: and per measured round the traced growth per cached workflow by file:line.
    heap_dir: Path | None = None
    trim: bool = False
    heap_rounds: list[list[tuple[str, float, float]]] = field(default_factory=list)
    #: With ``--cpu-profile``: where the worker's profiler writes (followthrough/cpu_probe.py),
    #: and per measured round what each function added per review.
    cpu_dir: Path | None = None
    cpu_rounds: list[dict[str, tuple[float, float, float]]] = field(default_factory=list)

    @property
    def worker_ms(self) -> float:
        return 1000 * self.worker_s / max(self.reviews, 1)

    @property
    def server_ms(self) -> float:
        return 1000 * self.server_s / max(self.reviews, 1)

    @property
    def kb_per_workflow(self) -> float:
        return self.grown_kb / max(self.reviews * self.workflows_per_review, 1)


def spawn(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log:
        return subprocess.Popen(args, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


async def wait_started(side: Side) -> None:
    deadline = time.monotonic() + 60
    while "worker started" not in side.log_path.read_text(errors="replace"):
        if side.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{side.name} worker did not start:\n{side.log_path.read_text()}")
        await asyncio.sleep(0.1)


async def drive_all(side: Side, ids: list[str], concurrency: int) -> tuple[int, int, float]:
    done, failures, wall = await bounded(side.drive, ids, concurrency, side.name)
    return len(done), failures, wall


async def wait_parked(side: Side, total: int, limit_s: float) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit_s:
        if await side.parked(total):
            break
        await asyncio.sleep(0.25)
    await wait_quiet(side.process.pid)
    return time.perf_counter() - t0


async def heap_dump(side: Side) -> dict[str, tuple[int, int]]:
    """Ask the side's worker for a heap dump (SIGUSR1) and read it once written."""
    assert side.heap_dir is not None
    before = set(side.heap_dir.glob("heap-*.txt"))
    side.process.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 120
    while not (new := set(side.heap_dir.glob("heap-*.txt")) - before):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{side.name} worker wrote no heap dump")
        await asyncio.sleep(0.2)
    return read_dump(new.pop())


async def cpu_dump(side: Side) -> dict[str, cpu_probe.Totals]:
    """Ask the side's worker for a CPU profile dump (SIGUSR1) and read it once written."""
    assert side.cpu_dir is not None
    before = set(side.cpu_dir.glob("cpu-*.txt"))
    side.process.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 120
    while not (new := set(side.cpu_dir.glob("cpu-*.txt")) - before):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{side.name} worker wrote no CPU profile")
        await asyncio.sleep(0.2)
    return cpu_probe.read_dump(new.pop())


async def trim(side: Side) -> None:
    """With ``--trim``: the worker returns malloc's free pages (SIGUSR2) before RSS is read."""
    if side.trim:
        side.process.send_signal(signal.SIGUSR2)
        await asyncio.sleep(0.5)


async def measure(
    side: Side, server_pid: int | None, ids: list[str], concurrency: int, before: int
) -> int:
    """Drive ``ids`` on ``side``; add its CPU and memory growth to the side's totals."""
    await wait_quiet(side.process.pid)
    heap_before = await heap_dump(side) if side.heap_dir else None
    cpu_before = await cpu_dump(side) if side.cpu_dir else None
    await trim(side)
    warm_kb = sample_rss(side.process.pid)
    warm_threads = threads(side.process.pid)
    pids = {"worker": side.process.pid}
    if server_pid:
        pids["server"] = server_pid
    cpu = CpuMeter(pids)
    done, failures, wall = await drive_all(side, ids, concurrency)
    await wait_parked(side, before + done, 240.0)
    used = cpu.used()
    others = cpu.others()
    line = cpu.line()
    if cpu_before is not None:
        n_done = max(done, 1)
        side.cpu_rounds.append(
            {
                where: (calls / n_done, own / n_done, cum / n_done)
                for where, (calls, own, cum) in cpu_probe.growth(
                    cpu_before, await cpu_dump(side)
                ).items()
            }
        )
    await trim(side)
    after_kb = sample_rss(side.process.pid)
    if heap_before is not None:
        cached = max(done, 1) * side.workflows_per_review
        side.heap_rounds.append(
            [
                (where, grown / cached, count / cached)
                for where, grown, count in growth(heap_before, await heap_dump(side))
            ]
        )
    side.reviews += done
    side.failures += failures
    side.worker_s += used["worker"]
    side.server_s += used.get("server", 0.0)
    side.grown_kb += after_kb - warm_kb
    side.other_s += others
    n = max(done, 1)
    side.rounds.append(
        (
            1000 * used["worker"] / n,
            1000 * used.get("server", 0.0) / n,
            (after_kb - warm_kb) / (n * side.workflows_per_review),
        )
    )
    print(
        f"  {side.name:<7} {done} reviews in {wall:.1f} s ({failures} failed); worker RSS "
        f"{mb(warm_kb)} -> {mb(after_kb)}, threads {warm_threads} -> {threads(side.process.pid)}"
    )
    print(line)
    return done
