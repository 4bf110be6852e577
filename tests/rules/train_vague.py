"""Train the vague-item model on the development part: ``python -m tests.rules.train_vague``
(``--check`` verifies that ``data/models/vague.json`` is what a fresh run writes)."""

from __future__ import annotations

import sys

from tests.rules.corpus_loader import load_split
from tests.rules.train_check import Row, run
from workflows.rules.vague.done_when import done_when_findings
from workflows.rules.vague.learned import item_features
from workflows.rules.vague.title import title_findings


def rows() -> list[Row]:
    out: list[Row] = []
    for case in load_split("dev").action_items:
        th = title_findings(case.title, case.done_when)
        dh = done_when_findings(case.done_when, case.title) if case.done_when.strip() else []
        feats = item_features(case.title, case.done_when, th, dh)
        names = frozenset(f.name for f in feats)
        words = frozenset(n for n in names if not n.startswith("rule:"))
        out.append(Row(names, words, bool(th or dh), int(case.label == "vague"), case.family))
    return out


if __name__ == "__main__":
    sys.exit(run("vague", rows(), sys.argv[1:]))
