"""The symptom check on the honest probe batches: precision and recall, overall and per family.

    .venv/bin/python -m tests.rules.probe_symptom                 # every batch in tests/rules/probes/
    .venv/bin/python -m tests.rules.probe_symptom --errors        # and every misjudged statement
    .venv/bin/python -m tests.rules.probe_symptom symptom_2.jsonl # one batch

Each batch (``probes/symptom_<N>.jsonl``: id, statement, symptom, label, family, hard, source) is
written and labelled before the check it measures is tuned, and never tuned on once scored: a new
round gets a new batch. Probe ids (``probe<N>-cause-<family>-<NNN>``) are not corpus ids, so the
lines are read with their own model here rather than the corpus's ``RootCauseCase``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tests.rules.corpus_loader import SymptomNegative, SymptomPositive
from workflows.rules.root_cause import lint_root_cause

PROBES = Path(__file__).resolve().parent / "probes"


class SymptomProbe(BaseModel):
    """One probe line: a root-cause statement, the symptom it explains, and its label."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="probe<N>-cause-<family>-<NNN>")
    statement: str = Field(min_length=1, description="The root cause as written.")
    symptom: str = Field(description="The chain's symptom.")
    label: Literal["symptom", "ok"] = Field(description="symptom: to be flagged; ok: not.")
    family: SymptomPositive | SymptomNegative = Field(description="The corpus family it tests.")
    hard: bool = Field(description="Written to be hard for the check.")
    source: str = Field(description='"written", or the URL it is quoted from.')
    note: str = Field(default="", description="Why the label, when it is not obvious.")


def read_probes(path: Path) -> list[SymptomProbe]:
    """Every line of one batch; a bad line raises with its line number."""
    out: list[SymptomProbe] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                out.append(SymptomProbe.model_validate(json.loads(line)))
            except ValueError as exc:
                raise ValueError(f"{path.name}:{n}: {exc}") from exc
    return out


def _pr(tp: int, fp: int, fn: int) -> tuple[float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r


def report(cases: list[SymptomProbe], errors: bool) -> list[str]:
    """Overall P/R and per family the share judged right (recall for a flag family,
    specificity for a do-not-flag one)."""
    tp = fp = fn = 0
    fam: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong: list[SymptomProbe] = []
    for c in cases:
        flagged = bool(lint_root_cause(c.statement, c.symptom))
        positive = c.label == "symptom"
        tp += positive and flagged
        fp += flagged and not positive
        fn += positive and not flagged
        fam[c.family][0] += flagged == positive
        fam[c.family][1] += 1
        if flagged != positive:
            wrong.append(c)
    p, r = _pr(tp, fp, fn)
    lines = [f"  P {p:.3f}  R {r:.3f}  (tp {tp} fp {fp} fn {fn})"]
    for name in sorted(fam):
        right, total = fam[name]
        lines.append(f"    {name:18} {right}/{total} = {right / total:.2f}")
    if errors:
        for c in wrong:
            lines.append(f"    {c.label:7} {c.family}: {c.statement}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("batches", nargs="*", help="file names in tests/rules/probes/")
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args(argv)
    paths = [PROBES / b for b in args.batches] or sorted(PROBES.glob("symptom_*.jsonl"))
    for path in paths:
        cases = read_probes(path)
        n_pos = sum(c.label == "symptom" for c in cases)
        print(f"{path.name}: {len(cases)} statements, {n_pos} symptom")
        print("\n".join(report(cases, args.errors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
