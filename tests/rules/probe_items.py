"""Vague and symptom on the honest probe batches: precision and recall, rules alone against rules and model.

    .venv/bin/python -m tests.rules.probe_items                  # every vague_N and symptom_N batch
    .venv/bin/python -m tests.rules.probe_items --errors         # and every misjudged line
    .venv/bin/python -m tests.rules.probe_items --only vague_2   # one batch (stem of the file)

Each batch (``probes/vague_<N>.jsonl`` or ``probes/symptom_<N>.jsonl``) is written and labelled
before the check it measures is tuned, and never tuned on once scored: a new round gets a new
batch. A line is flagged as the lint benchmark flags it (``benchmarks/lint_quality_scores.py``):
an action item when its title or done-when gives a vague finding, a root cause when it gives a
symptom finding or a blame finding. "Rules only" runs the blame model off too (``learned=False``).

Probe ids are ``probe<N>-item-<family>-[h|n]<NNN>`` or ``probe<N>-cause-<family>-[h|n]<NNN>`` (the
``h``/``n`` mark, when given, must agree with ``hard``), not corpus ids
(they have no split), so the lines are validated here: the family must be one the corpus knows,
and it fixes the label.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tests.rules.corpus_loader import (
    SYMPTOM_NEGATIVE,
    SYMPTOM_POSITIVE,
    VAGUE_NEGATIVE,
    VAGUE_POSITIVE,
)
from workflows.rules.blameless import lint_text
from workflows.rules.lint import lint, root_cause_findings
from workflows.rules.smart import lint_action_wording

PROBES = Path(__file__).resolve().parent / "probes"

_PROBE_ID = re.compile(r"^probe\d+-(item|cause)-([a-z_]+)-([hn]?)(\d{3})$")


class _Probe(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="probe<N>-<kind>-<family>-<NNN>.")
    family: str = Field(description="A family of the corpus (tests/rules/corpus_loader.py).")
    hard: bool = Field(description="Ordinary text where trigger words mislead.")
    source: str = Field(min_length=1, description='URL quoted from, or "written".')
    note: str | None = None

    def _check(
        self, kind: str, positive: frozenset[str], negative: frozenset[str], label: str
    ) -> None:
        match = _PROBE_ID.match(self.id)
        if match is None or match.group(1) != kind or match.group(2) != self.family:
            raise ValueError(f"id {self.id!r} is not probe<N>-{kind}-{self.family}-[h|n]<NNN>")
        if match.group(3) and (match.group(3) == "h") != self.hard:
            raise ValueError(f"id {self.id!r} disagrees with hard={self.hard}")
        if self.family not in positive | negative:
            raise ValueError(f"unknown family {self.family!r}")
        if (label != "ok") != (self.family in positive):
            raise ValueError(f"family {self.family!r} disagrees with label {label!r}")


class ItemProbe(_Probe):
    """An action item of a vague_N batch."""

    title: str = Field(min_length=1)
    done_when: str = Field(description='The done-when; "" when none.')
    label: Literal["vague", "ok"]

    @model_validator(mode="after")
    def _consistent(self) -> ItemProbe:
        self._check("item", VAGUE_POSITIVE, VAGUE_NEGATIVE, self.label)
        return self

    @property
    def positive(self) -> bool:
        return self.label == "vague"

    def flagged(self, learned: bool) -> bool:
        found = lint_action_wording(self.title, self.done_when or None, learned=learned)
        return any(f.kind == "vague" for f in found)

    def shown(self) -> str:
        return f"{self.title!r} / done when {self.done_when!r}"


class CauseProbe(_Probe):
    """A root-cause statement of a symptom_N batch."""

    statement: str = Field(min_length=1)
    symptom: str = Field(min_length=1)
    label: Literal["symptom", "ok"]

    @model_validator(mode="after")
    def _consistent(self) -> CauseProbe:
        self._check("cause", SYMPTOM_POSITIVE, SYMPTOM_NEGATIVE, self.label)
        return self

    @property
    def positive(self) -> bool:
        return self.label == "symptom"

    def flagged(self, learned: bool) -> bool:
        if learned:
            return bool(lint(self.statement, (), "root_cause", symptom=self.symptom))
        blame = lint_text(self.statement, (), learned=False)
        return bool(blame) or bool(
            root_cause_findings(self.statement, self.symptom, (), None, blame=blame)
        )

    def shown(self) -> str:
        return f"{self.statement!r} / symptom {self.symptom!r}"


Probe = ItemProbe | CauseProbe
KINDS: dict[str, type[ItemProbe] | type[CauseProbe]] = {"vague": ItemProbe, "symptom": CauseProbe}


def read_batch(path: Path) -> list[Probe]:
    """Every line of one batch, validated by the model its file name implies."""
    model = KINDS[path.stem.split("_")[0]]
    probes: list[Probe] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            probes.append(model.model_validate(json.loads(line)))
        except ValueError as error:
            raise SystemExit(f"{path}:{number}: {error}") from error
    return probes


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.3f}" if den else "  -  "


def score(
    probes: Sequence[Probe], learned: bool
) -> tuple[str, str, list[tuple[Probe, bool]], dict[str, tuple[int, int]]]:
    """Precision and recall (as text), the misjudged lines with their verdict, and per family
    (right, total)."""
    tp = fp = fn = 0
    wrong: list[tuple[Probe, bool]] = []
    families: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in probes:
        flagged = p.flagged(learned)
        tp += p.positive and flagged
        fp += flagged and not p.positive
        fn += p.positive and not flagged
        families[p.family][0] += flagged == p.positive
        families[p.family][1] += 1
        if flagged != p.positive:
            wrong.append((p, flagged))
    per_family = {k: (v[0], v[1]) for k, v in sorted(families.items())}
    return _ratio(tp, tp + fp), _ratio(tp, tp + fn), wrong, per_family


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="print every misjudged line")
    parser.add_argument("--families", action="store_true", help="accuracy per family")
    parser.add_argument("--only", default=None, help="one batch, by file stem (vague_2)")
    args = parser.parse_args(argv)
    paths = [p for kind in KINDS for p in sorted(PROBES.glob(f"{kind}_*.jsonl"))]
    if args.only:
        paths = [p for p in paths if p.stem == args.only]
    for path in paths:
        probes = read_batch(path)
        n_pos = sum(p.positive for p in probes)
        print(f"{path.name}: {len(probes)} lines, {n_pos} positive")
        for learned in (False, True):
            p, r, wrong, families = score(probes, learned)
            name = "rules+model" if learned else "rules only "
            print(f"  {name}  P {p}  R {r}")
            if args.families:
                for family, (right, total) in families.items():
                    print(f"    {family:38} {right}/{total}")
            if args.errors:
                for probe, verdict in wrong:
                    miss = "FP" if verdict else "FN"
                    print(f"    {miss} {probe.family}: {probe.shown()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
