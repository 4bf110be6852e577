"""How well the method checks read text: precision, recall and F1 per check and per family, the
false-alarm rate on real post-mortem prose, and the latency figures.

Reads the labelled corpus under ``tests/rules/corpus/<split>/`` (``--corpus`` or the environment
variable ``FOLLOWTHROUGH_LINT_CORPUS`` point at another repository root or corpus folder). The
rules are tuned on ``dev`` only; ``test`` (the default) is the held-out part the targets are judged
on. The checks are those of ``POST /api/lint``:

* blame: a sentence is flagged when ``lint`` (free text) gives any finding;
* vague: an action item is flagged when ``lint(kind="action_item")`` gives a vague finding in its
  title or done-when;
* symptom: a root cause is flagged when ``lint(kind="root_cause")`` gives a symptom finding or,
  since a root cause that stops at a person is a symptom too, a blame finding.

Run from the repository root::

    .venv/bin/python -m benchmarks.lint_quality                 # the test part
    .venv/bin/python -m benchmarks.lint_quality --split dev --errors
    .venv/bin/python -m benchmarks.lint_quality --split dev --batch 2   # only the second batch

``--batch N`` keeps only the lines of one batch of the corpus (default: every line), so rules tuned
on batch 1 can be measured on batch 2 before anyone tunes on it.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from benchmarks._common import machine_header
from benchmarks.lint_quality_corpus import CORPUS_ENV, corpus_dir, load
from benchmarks.lint_quality_latency import latency
from benchmarks.lint_quality_scores import quality


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument(
        "--corpus", default=None, help=f"repository root or corpus folder (env {CORPUS_ENV})"
    )
    parser.add_argument("--errors", action="store_true", help="print every misjudged case")
    parser.add_argument("--n", type=int, default=500, help="calls per latency line (500)")
    parser.add_argument("--no-latency", action="store_true", help="only the quality figures")
    parser.add_argument(
        "--batch", type=int, default=None, help="only the lines of this corpus batch (default all)"
    )
    args = parser.parse_args(argv)
    folder = corpus_dir(args.corpus, args.split)
    batch = "" if args.batch is None else f", batch {args.batch}"
    machine_header(f"lint quality, {args.split} part{batch}: {folder}")
    cases = load(folder, args.batch)
    counts: defaultdict[tuple[str, bool], int] = defaultdict(int)
    for c in cases:
        counts[(c.check, c.positive)] += 1
    print(
        "cases: "
        + ", ".join(
            f"{check} {counts[(check, True)]}+/{counts[(check, False)]}-"
            for check in ("blame", "vague", "symptom", "prose")
        )
    )
    quality(cases, args.errors)
    if not args.no_latency:
        latency(cases, args.n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
