"""Latency and cost of the method checks: n / p50 / p95 / p99 for texts they have not seen,
the CPU-time ratio when the text doubles (linear is about 2.0), and the import time of
``workflows.rules`` in a fresh process.

``python -m benchmarks.lint_quality`` prints all of it after the quality figures; run on its
own, this module prints only the doubling figure (the figure the property test
``tests/rules/test_lint.py`` used to assert on; timed assertions do not belong in tests)::

    .venv/bin/python -m benchmarks.lint_quality_latency            # ~10 s
    .venv/bin/python -m benchmarks.lint_quality_latency --runs 9
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence

from benchmarks._common import machine_header, summary
from benchmarks.lint_quality_corpus import ROOT, Case


def _field_of(texts: Sequence[str], size: int) -> Iterator[str]:
    """Texts of ``size`` characters made of corpus sentences, one after another."""
    pool = [t for t in texts if t.strip()] or [
        "The deploy pipeline applied config without a canary."
    ]
    i = 0
    while True:
        parts: list[str] = []
        length = 0
        while length < size:
            parts.append(pool[i % len(pool)])
            length += len(pool[i % len(pool)]) + 1
            i += 1
        yield " ".join(parts)[:size]


HOSTILE = (
    "Kudos to Alice for another outage, not blaming anyone but she forgot to check; should have "
    "known. If only they had waited: human error, careless, at fault. Look into and improve and "
    "investigate more reasonable numbers by monitoring \"quoted 'nested\" Oksana's migration "
    "dropped w/o review "
)


_SEEN = iter(range(10**9))


def _fresh(text: str) -> str:
    """The text with a new number in front: the rules remember the texts they read last, and a
    latency figure must be that of a text they have not seen."""
    return f"{next(_SEEN)} {text}"[: max(len(text), 1)]


def _timed(
    check: Callable[[str], object],
    texts: Iterable[str],
    n: int,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    samples: list[float] = []
    gc.collect()
    for _, text in zip(range(n), texts, strict=False):
        fresh = _fresh(text)
        started = clock()
        check(fresh)
        samples.append(clock() - started)
    return samples


def latency(cases: Sequence[Case], n: int) -> None:
    sentences = [c.text for c in cases if c.check in ("blame", "prose")] or [HOSTILE]
    checks = _checks()
    for check in checks.values():  # warm the caches
        check(HOSTILE)
    print(
        f"\nlatency of texts not seen before (time.perf_counter, {n} calls per line after "
        "warm-up; a text seen again is answered from memory)"
    )
    for size in (500, 10_000):
        for label, check in checks.items():
            count = n if size == 500 else max(20, n // 10)
            samples = _timed(check, _field_of(sentences, size), count)
            print(f"  {size:>6}-char {label:<40} {summary(samples)}")
    print("  the same, CPU time of this process (what other processes on the box do not add):")
    for size in (500, 10_000):
        for label, check in checks.items():
            count = n if size == 500 else max(20, n // 10)
            samples = _timed(check, _field_of(sentences, size), count, time.process_time)
            print(f"  {size:>6}-char {label:<40} {summary(samples)}")
    hostile = (HOSTILE * (40_000 // len(HOSTILE) + 1))[:40_000]
    samples = _timed(checks["blame (free text)"], iter([hostile] * 10), 10)
    print(f"  40,000-char went-well of trigger words           {summary(samples)}")
    doubling()
    _import_time()


def _cpu(check: Callable[[str], object], text: str) -> float:
    text = _fresh(text)
    started = time.process_time()
    check(text)
    return max(time.process_time() - started, 1e-9)


def _import_time() -> None:
    """What a fresh process pays to import the rules (the lexicons are read at import)."""
    code = (
        "import time; s = time.perf_counter(); import workflows.rules; "
        "print(time.perf_counter() - s)"
    )
    runs = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        )
        runs.append(float(out.stdout.strip()))
    print(
        f"\nimport workflows.rules in a fresh process: median {statistics.median(runs) * 1000:.0f} ms "
        f"(min {min(runs) * 1000:.0f}, 5 runs; includes pydantic and the review models)"
    )


#: The bound the removed test asserted: twice the text at most three times the CPU time, plus
#: 2 ms for the clock's resolution (a quadratic step gives four times).
DOUBLING_BOUND = 3.0
DOUBLING_SLACK = 0.002


def _checks() -> dict[str, Callable[[str], object]]:
    from workflows import rules

    names = ["Alice Example", "Oksana Petrenko", "Lars Nilsson"]
    return {
        "blame (free text)": lambda t: rules.lint(t, names),
        "action item (title and done-when each)": lambda t: rules.lint(t, names, "action_item", t),
        "root cause (symptom of same size)": lambda t: rules.lint(
            t, names, "root_cause", symptom=t
        ),
    }


def doubling(runs: int = 5) -> None:
    """Best-of-``runs`` CPU time of each check on hostile text of 2,500 to 20,000 characters,
    and the ratio when the text doubles, with the bound the removed test used."""
    print(
        f"\ncost when the text doubles (best of {runs}, CPU time of this process; linear is "
        f"about 2.0; bound {DOUBLING_BOUND:.0f}x + {DOUBLING_SLACK * 1000:.0f} ms)"
    )
    worst = 0.0
    for label, check in _checks().items():
        check(HOSTILE)  # warm the caches (lemmas, responder names)
        cells = []
        for size in (2_500, 5_000, 10_000):
            small = min(_cpu(check, _hostile(size)) for _ in range(runs))
            large = min(_cpu(check, _hostile(2 * size)) for _ in range(runs))
            worst = max(worst, large / small)
            within = large <= DOUBLING_BOUND * small + DOUBLING_SLACK
            cells.append(
                f"{size:,}->{2 * size:,}: {small * 1000:6.2f}->{large * 1000:6.2f} ms "
                f"{large / small:4.2f}{'' if within else ' (over bound)'}"
            )
        print(f"  {label:<40} " + "   ".join(cells))
    print(f"  worst ratio {worst:4.2f}")


def _hostile(size: int) -> str:
    return (HOSTILE * (size // len(HOSTILE) + 1))[:size]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="best of this many runs (5)")
    args = parser.parse_args(argv)
    machine_header("lint cost when the text doubles")
    doubling(args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
