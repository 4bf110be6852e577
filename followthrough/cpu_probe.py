"""A benchmark-only CPU profiler for a worker process: where a review's worker CPU goes.

Off by default. With ``FOLLOWTHROUGH_CPU_PROFILE=<folder>`` set, :func:`install_from_env` starts
one ``cProfile`` profiler per thread: the calling (event-loop) thread at once, and every thread
started afterwards (the workflow-task and activity thread pools) through ``threading.setprofile``.
Each profiler counts the thread's own CPU time (``time.thread_time``), not wall time, so a pool
thread waiting for work costs nothing. On each ``SIGUSR1`` it writes the sum over all threads to
``<folder>/cpu-<pid>-<n>.txt`` (``n`` counts from 1), one
``calls tottime_s cumtime_s file:line(function)`` line per function, biggest cumulative first.
``benchmarks.cost --cpu-profile`` sends the signal before and after each measured round and
prints the difference per review (:func:`read_dump`, :func:`growth`).

Profiling costs CPU (every call is timed), so its figures are for where the time goes, not for the
ratios; never set it in production.
"""

from __future__ import annotations

import cProfile
import os
import signal
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

__all__ = ["ENV", "Totals", "dump", "growth", "install", "install_from_env", "read_dump"]

#: The environment variable that names the dump folder (unset: no profiler).
ENV = "FOLLOWTHROUGH_CPU_PROFILE"

#: A function's (calls, own seconds, cumulative seconds).
Totals = tuple[int, float, float]

_profiles: list[cProfile.Profile] = []
_lock = threading.Lock()


def _new_profile() -> cProfile.Profile:
    profile = cProfile.Profile(time.thread_time)
    with _lock:
        _profiles.append(profile)
    profile.enable()
    return profile


def _start_in_thread(frame: FrameType, event: str, arg: Any) -> None:  # noqa: ARG001
    """``threading.setprofile``'s hook: the thread's first event replaces it with a profiler."""
    _new_profile()


def totals() -> dict[str, Totals]:
    """Every thread's profile summed, by ``file:line(function)``; the profilers keep running
    (``snapshot_stats`` reads them without ``disable``)."""
    found: dict[str, list[float]] = {}
    with _lock:
        profiles = list(_profiles)
    for profile in profiles:
        profile.snapshot_stats()
        for func, (_, calls, own, cum, _) in profile.stats.items():
            filename, line, name = func
            row = found.setdefault(f"{filename}:{line}({name})", [0, 0.0, 0.0])
            row[0] += calls
            row[1] += own
            row[2] += cum
    return {where: (int(r[0]), r[1], r[2]) for where, r in found.items()}


def dump(folder: Path, number: int) -> Path:
    """Write :func:`totals` to ``folder`` (biggest cumulative first); the file written."""
    rows = sorted(totals().items(), key=lambda kv: -kv[1][2])
    path = folder / f"cpu-{os.getpid()}-{number}.txt"
    lines = [f"{calls} {own:.6f} {cum:.6f} {where}" for where, (calls, own, cum) in rows]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)  # whole or absent: the benchmark waits for the file to appear
    return path


def install(folder: Path) -> None:
    """Profile this thread and every later one; dump on every SIGUSR1 (the handler runs in the
    main thread)."""
    folder.mkdir(parents=True, exist_ok=True)
    threading.setprofile(_start_in_thread)
    _new_profile()
    count = [0]

    def on_signal(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001
        count[0] += 1
        dump(folder, count[0])

    signal.signal(signal.SIGUSR1, on_signal)


def install_from_env() -> bool:
    """:func:`install` when ``FOLLOWTHROUGH_CPU_PROFILE`` names a folder; whether it did."""
    folder = os.environ.get(ENV)
    if not folder:
        return False
    install(Path(folder))
    return True


def read_dump(path: Path) -> dict[str, Totals]:
    """A dump's totals by ``file:line(function)``."""
    found: dict[str, Totals] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        calls, own, cum, where = line.split(" ", 3)
        found[where] = (int(calls), float(own), float(cum))
    return found


def growth(before: dict[str, Totals], after: dict[str, Totals]) -> dict[str, Totals]:
    """What each function added between two dumps (functions that added no call left out)."""
    rows: dict[str, Totals] = {}
    for where, (calls, own, cum) in after.items():
        old = before.get(where, (0, 0.0, 0.0))
        if calls > old[0] or cum > old[2]:
            rows[where] = (calls - old[0], own - old[1], cum - old[2])
    return rows
