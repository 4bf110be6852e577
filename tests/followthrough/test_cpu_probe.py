"""The benchmark-only CPU profiler (followthrough/cpu_probe.py): off unless its variable is set,
threads started after it are profiled too, a dump reads back by function, and the growth between
two dumps."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from followthrough import cpu_probe


def _spin(n: int) -> int:
    return sum(i * i for i in range(n))


def test_the_profiler_stays_off_without_its_environment_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(cpu_probe.ENV, raising=False)
    assert cpu_probe.install_from_env() is False
    assert threading.getprofile() is None


def test_a_thread_started_after_install_is_profiled_and_its_function_reads_back(
    tmp_path: Path,
) -> None:
    cpu_probe.install(tmp_path)
    try:
        worker = threading.Thread(target=_spin, args=(200_000,))
        worker.start()
        worker.join()
        found = cpu_probe.read_dump(cpu_probe.dump(tmp_path, 1))
    finally:
        threading.setprofile(None)
        for profile in cpu_probe._profiles:
            profile.disable()
        cpu_probe._profiles.clear()
        sys.setprofile(None)
    spin = [totals for where, totals in found.items() if where.endswith("(_spin)")]
    assert spin and spin[0][0] == 1 and spin[0][2] > 0


def test_growth_lists_what_each_function_added_between_dumps() -> None:
    before = {"a.py:1(f)": (2, 0.1, 0.5), "a.py:9(g)": (1, 0.2, 0.2)}
    after = {"a.py:1(f)": (5, 0.4, 1.1), "a.py:9(g)": (1, 0.2, 0.2), "b.py:3(h)": (1, 0.0, 0.1)}
    grown = cpu_probe.growth(before, after)
    assert set(grown) == {"a.py:1(f)", "b.py:3(h)"}
    assert grown["a.py:1(f)"][0] == 3
    assert grown["a.py:1(f)"][2] == pytest.approx(0.6)
