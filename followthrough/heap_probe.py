"""A benchmark-only heap probe for a worker process: what Python objects a cached run holds.

Off by default. With ``FOLLOWTHROUGH_HEAP_DUMP=<folder>`` set, :func:`install_from_env` starts
``tracemalloc`` (one frame per allocation: grouped by file and line) and, on each ``SIGUSR1``,
writes the traced allocations grouped by file:line to ``<folder>/heap-<pid>-<n>.txt`` (``n``
counts from 1), one ``size_bytes count file:line`` line each, biggest first.
``benchmarks.cost --heap-dump`` sends the signal after warm-up and after each measured round and
prints the difference per cached workflow (:func:`read_dump`, :func:`growth`).

Tracing costs CPU (every allocation is recorded), so its figures are for memory only; never set
it in production.
"""

from __future__ import annotations

import ctypes
import os
import signal
import tracemalloc
from pathlib import Path
from types import FrameType

__all__ = ["ENV", "dump", "growth", "install", "install_from_env", "read_dump"]

#: The environment variable that names the dump folder (unset: no probe).
ENV = "FOLLOWTHROUGH_HEAP_DUMP"


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def malloc_figures() -> dict[str, int]:
    """glibc's malloc totals (every C and Rust allocation, none of pymalloc's own arenas): bytes
    in use, free but kept, and in mmapped blocks; empty where ``mallinfo2`` is missing."""
    try:
        mallinfo2 = ctypes.CDLL(None).mallinfo2
    except (AttributeError, OSError):
        return {}
    mallinfo2.restype = _Mallinfo2
    info = mallinfo2()
    figures = {
        "<malloc in use>": info.uordblks,
        "<malloc free>": info.fordblks,
        "<malloc mmapped>": info.hblkhd,
    }
    try:  # SQLite's own count (page caches of the review store's connections), part of the above
        used = ctypes.CDLL("libsqlite3.so.0").sqlite3_memory_used
    except (AttributeError, OSError):
        return figures
    used.restype = ctypes.c_int64
    figures["<sqlite in use>"] = int(used())
    return figures


def dump(folder: Path, number: int) -> Path:
    """Write the traced allocations by file:line to ``folder``, and :func:`malloc_figures` as
    lines of their own (named in angle brackets); the file written."""
    stats = tracemalloc.take_snapshot().statistics("lineno")
    path = folder / f"heap-{os.getpid()}-{number}.txt"
    lines = [f"{size} 0 {name}" for name, size in malloc_figures().items()]
    lines.append(f"{sum(stat.size for stat in stats)} 0 <traced>")
    for stat in stats:
        frame = stat.traceback[0]
        lines.append(f"{stat.size} {stat.count} {frame.filename}:{frame.lineno}")
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)  # whole or absent: the benchmark waits for the file to appear
    return path


def install(folder: Path) -> None:
    """Start tracing and dump on every SIGUSR1 (the handler runs in the main thread)."""
    folder.mkdir(parents=True, exist_ok=True)
    tracemalloc.start(1)
    count = [0]

    def on_signal(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001
        count[0] += 1
        dump(folder, count[0])

    signal.signal(signal.SIGUSR1, on_signal)
    signal.signal(signal.SIGUSR2, lambda signum, frame: trim())  # noqa: ARG005


def trim() -> int:
    """``malloc_trim(0)``: hand the pages malloc holds free back to the system; 1 if it did."""
    try:
        return int(ctypes.CDLL(None).malloc_trim(0))
    except (AttributeError, OSError):
        return 0


def install_from_env() -> bool:
    """:func:`install` when ``FOLLOWTHROUGH_HEAP_DUMP`` names a folder; whether it did."""
    folder = os.environ.get(ENV)
    if not folder:
        return False
    install(Path(folder))
    return True


def read_dump(path: Path) -> dict[str, tuple[int, int]]:
    """A dump's (bytes, allocations) by file:line."""
    found: dict[str, tuple[int, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        size, count, where = line.split(" ", 2)
        found[where] = (int(size), int(count))
    return found


def growth(
    before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]
) -> list[tuple[str, int, int]]:
    """(file:line, bytes grown, allocations grown) for every line that grew, biggest first."""
    rows = []
    for where, (size, count) in after.items():
        old_size, old_count = before.get(where, (0, 0))
        if size > old_size:
            rows.append((where, size - old_size, count - old_count))
    return sorted(rows, key=lambda row: -row[1])
