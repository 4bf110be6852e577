"""The benchmark-only heap probe (followthrough/heap_probe.py): off unless its variable is set, a
dump that reads back by file:line, and the growth between two dumps."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from followthrough import heap_probe


def test_the_probe_stays_off_without_its_environment_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(heap_probe.ENV, raising=False)
    assert heap_probe.install_from_env() is False
    assert not tracemalloc.is_tracing()


def test_a_dump_reads_back_by_file_and_line_with_the_traced_total(tmp_path: Path) -> None:
    tracemalloc.start(1)
    try:
        kept = [bytearray(4096) for _ in range(10)]
        found = heap_probe.read_dump(heap_probe.dump(tmp_path, 1))
    finally:
        tracemalloc.stop()
    here = [size for where, (size, _) in found.items() if where.startswith(__file__)]
    assert sum(here) >= 10 * 4096
    assert found["<traced>"][0] >= sum(here)
    assert len(kept) == 10


def test_growth_lists_only_the_lines_that_grew_biggest_first() -> None:
    before = {"a.py:1": (100, 1), "b.py:2": (500, 5), "c.py:3": (50, 1)}
    after = {"a.py:1": (1100, 11), "b.py:2": (400, 4), "c.py:3": (60, 2), "d.py:4": (300, 3)}
    assert heap_probe.growth(before, after) == [
        ("a.py:1", 1000, 10),
        ("d.py:4", 300, 3),
        ("c.py:3", 10, 1),
    ]
