"""Train the symptom model on the development part: ``python -m tests.rules.train_symptom``
(``--check`` verifies that ``data/models/symptom.json`` is what a fresh run writes).

A case's features are those of :func:`workflows.rules.cause.learned.statement_features` on the
statement's explaining part (no lead-in, no listed consequences) with the symptom's tokens; the
rule hit is :func:`workflows.rules.root_cause.lint_root_cause` with ``learned=False``. The shared
trainer (``tests/rules/train_check.py``: 5 folds, seed 0) chooses by cross-validation whether the
model adds findings where no rule fires and whether it vetoes any rule hit. The test part of the
corpus is never read.
"""

from __future__ import annotations

import sys

from tests.rules.corpus_loader import load_split
from tests.rules.train_check import Row, run
from workflows.rules.cause.learned import statement_features
from workflows.rules.root_cause import explaining_tokens, lint_root_cause, tokens


def rows() -> list[Row]:
    out: list[Row] = []
    for case in load_split("dev").root_causes:
        found = lint_root_cause(case.statement, case.symptom, learned=False)
        feats = statement_features(
            explaining_tokens(case.statement), tokens(case.symptom), [f.code for f in found]
        )
        names = frozenset(f.name for f in feats)
        words = frozenset(n for n in names if not n.startswith("rule:"))
        out.append(Row(names, words, bool(found), int(case.label == "symptom"), case.family))
    return out


if __name__ == "__main__":
    sys.exit(run("symptom", rows(), sys.argv[1:]))
