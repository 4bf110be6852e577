"""Blame on the honest probe batches: precision and recall, rules alone against rules and model.

    .venv/bin/python -m tests.rules.probe_blame            # every batch in tests/rules/probes/
    .venv/bin/python -m tests.rules.probe_blame --errors   # and every misjudged sentence

Each batch (``probes/blame_<N>.jsonl``, the corpus's line format; from batch 2 on its ids start
``probe<N>-``) is written and labelled before the rules and model it measures are changed, and
scored once: that first score is the batch's clean figure. A scored batch may then be tuned on
(the trainer learns from the batches in ``train_blame.TUNED_PROBES``), so a new round gets a new
batch. Recorded clean figures (rules only / rules+model, precision and recall):

- ``blame_1``: P 1.000 R 0.781 / P 0.966 R 0.875 (before the learned reading was tuned).
- ``blame_2``: P 0.926 R 0.676 / P 0.931 R 0.730 (at ``26a17d6``, before the generalising round).
- ``blame_3``: P 0.952 R 0.741 / P 0.917 R 0.815 (after that round; the code before it scores
  the same on this batch, sentence for sentence).
- ``blame_4``: P 0.885 R 0.622 / P 0.897 R 0.703 (at ``cf09b65``; 40 of its 73 lines verbatim).
- ``blame_5``: P 0.750 R 0.400 / P 0.700 R 0.467 (at ``b284682``, the end of the round tuned on
  ``blame_4``; ``cf09b65`` scores P 0.750 R 0.400 both ways). Tuned on in the round after it
  (in ``train_blame.TUNED_PROBES`` since ``145f8b5``).
- ``blame_6``: P 0.889 R 0.444 / P 0.889 R 0.444 (at ``0d46f05``, the end of the round tuned on
  ``blame_5``; ``20fec7e`` scores P 0.875 R 0.389 / P 0.889 R 0.444). Not tuned on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.rules.corpus_loader import BlameCase, read_cases
from workflows.rules.blameless import lint_text

PROBES = Path(__file__).resolve().parent / "probes"


def score(cases: list[BlameCase], learned: bool) -> tuple[float, float, list[BlameCase]]:
    tp = fp = fn = 0
    wrong: list[BlameCase] = []
    for c in cases:
        flagged = bool(lint_text(c.text, c.responders, learned=learned))
        positive = c.label == "blame"
        tp += positive and flagged
        fp += flagged and not positive
        fn += positive and not flagged
        if flagged != positive:
            wrong.append(c)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args(argv)
    for path in sorted(PROBES.glob("blame_*.jsonl")):
        cases = read_cases(path, BlameCase)
        n_pos = sum(c.label == "blame" for c in cases)
        print(f"{path.name}: {len(cases)} sentences, {n_pos} blame")
        for learned in (False, True):
            p, r, wrong = score(cases, learned)
            name = "rules+model" if learned else "rules only "
            print(f"  {name}  P {p:.3f}  R {r:.3f}")
            if args.errors:
                for c in wrong:
                    print(f"    {c.label:5} {c.family}: {c.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
