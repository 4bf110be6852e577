"""Soak runs: reviews driven through their whole life while workers, Temporal, Jira and SMTP fail.

Each run is ``tests.support.soak.run_soak`` with its own seed (printed with its schedule): a split
deployment on 127.0.0.1, ten reviews over the HTTP API, workers SIGKILLed at random moments,
Temporal paused while incidents are delivered and restarted once, Jira 429/503 on ticket creation,
SMTP down ~15 s, the API polled throughout, and every history replayed in a fresh process at the
end. Prints one line per run and a table; exits 1 if any run failed (its report is printed).

    .venv/bin/python -m benchmarks.soak --seed 1 --runs 20
    .venv/bin/python -m benchmarks.soak --seed 1 --runs 5 --unguarded   # the fault, unfixed
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path

from benchmarks._common import exit_now, machine_header, parse_arguments, readme_rows
from tests.support.soak import SoakConfig, SoakResult, run_soak


def refused(*results: SoakResult) -> str:
    """Refused activations by rule, e.g. ``stale_clock 2, foreign_task 1`` (or ``0``)."""
    total: Counter[str] = Counter()
    for result in results:
        total.update(result.refused)
    return ", ".join(f"{rule} {n}" for rule, n in sorted(total.items())) or "0"


def main() -> int:
    args = parse_arguments(
        __doc__,
        {
            "seed": (1, "seed of the first run"),
            "runs": (1, "runs, with seeds seed, seed+1, ..."),
            "reviews": (10, "reviews per run"),
        },
        {
            "keep": "keep every run's folder",
            "unguarded": "workers without the stale-activation guard: shows the SDK fault it "
            "works around",
        },
    )
    guard = "" if not args.unguarded else ", workers WITHOUT the stale-activation guard"
    machine_header(
        f"soak: {args.runs} run(s) from seed {args.seed}, {args.reviews} reviews each{guard}"
    )
    results: list[SoakResult] = []
    for seed in range(args.seed, args.seed + args.runs):
        workdir = Path(tempfile.mkdtemp(prefix=f"ft-soak-{seed}-"))
        config = SoakConfig(seed=seed, reviews=args.reviews, guard=not args.unguarded)
        result = run_soak(config, workdir)
        results.append(result)
        # A failed run's report starts with its summary line.
        print(result.summary() if result.ok else result.report(), flush=True)
        if not result.ok:
            print(f"kept {workdir} (logs/, histories/)", flush=True)
        elif args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(
        "\n| seed | result | seconds | closed | kills | refused | histories | events | 503s |"
        " polls |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r.seed} | {'ok' if r.ok else 'FAILED'} | {r.seconds:.1f} | {r.closed}/{r.reviews}"
            f" | {r.kills} | {refused(r)} | {r.histories} | {r.events} |"
            f" {r.deliveries.get('503', 0)} |"
            f" {sum(r.polls.values())} |"
        )
    failed = [r.seed for r in results if not r.ok]
    stuck = sum(r.reviews - r.closed for r in results)
    print(
        f"\n{len(results) - len(failed)}/{len(results)} runs passed"
        + (f"; failed: {failed}" if failed else "")
        + f"; {stuck} reviews stuck (not closed) of {sum(r.reviews for r in results)}"
    )
    seconds = sorted(r.seconds for r in results)
    readme_rows(
        f"soak --seed {args.seed} --runs {args.runs}" + (" --unguarded" if args.unguarded else ""),
        [
            (
                f"soak: {args.reviews} reviews per run through the API, workers SIGKILLed, "
                "Temporal paused and restarted, Jira 429/503, SMTP down; every history replayed"
                + (" (guard off)" if args.unguarded else ""),
                f"{len(results) - len(failed)}/{len(results)} runs passed (seeds {args.seed}-"
                f"{args.seed + args.runs - 1}), {stuck} reviews stuck, "
                f"{sum(len(r.task_failures) for r in results)} task failures, "
                f"{sum(len(r.replay_failures) for r in results)} replay failures, "
                f"stale activations refused {refused(*results)}; "
                f"{seconds[len(seconds) // 2]:.0f} s per run (p50)",
            )
        ],
    )
    return 1 if failed else 0


if __name__ == "__main__":
    exit_now(main())
