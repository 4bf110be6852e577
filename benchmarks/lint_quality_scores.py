"""Running the checks of ``POST /api/lint`` on the corpus and scoring them: precision, recall
and F1 per check, per family, by hardness and origin, and the false-alarm rate on real prose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.lint_quality_corpus import Case

TARGET_P = TARGET_R = 0.9
TARGET_FAMILY = 0.8
TARGET_PROSE = 0.03


def flagged(case: Case) -> bool:
    from workflows import rules

    if case.check == "vague":
        found = rules.lint(case.text, case.responders, "action_item", done_when=case.done_when)
        return any(f.kind == "vague" for f in found)
    if case.check == "symptom":
        found = rules.lint(case.text, case.responders, "root_cause", symptom=case.symptom)
        return bool(found)
    return bool(rules.lint(case.text, case.responders))


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, positive: bool, predicted: bool) -> None:
        if positive and predicted:
            self.tp += 1
        elif positive:
            self.fn += 1
        elif predicted:
            self.fp += 1
        else:
            self.tn += 1

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def f1(self) -> float | None:
        p, r = self.precision(), self.recall()
        return (
            2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        )

    def accuracy(self) -> float | None:
        return (self.tp + self.tn) / self.n if self.n else None


def _f(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def _mark(value: float | None, target: float) -> str:
    return "" if value is None else ("" if value >= target else "  < target")


def quality(cases: Sequence[Case], show_errors: bool) -> dict[str, Any]:
    per_check: dict[str, Tally] = defaultdict(Tally)
    per_family: dict[tuple[str, str], Tally] = defaultdict(Tally)
    errors: list[tuple[Case, bool]] = []
    predictions = [flagged(case) for case in cases]
    for case, predicted in zip(cases, predictions, strict=True):
        per_check[case.check].add(case.positive, predicted)
        per_family[(case.check, case.family)].add(case.positive, predicted)
        if predicted != case.positive:
            errors.append((case, predicted))
    print("\nper check (a case is flagged when its check gives a finding)")
    print(f"  {'check':<10} {'n':>5} {'pos':>5} {'P':>7} {'R':>7} {'F1':>7}  tp/fp/fn/tn")
    for check in ("blame", "vague", "symptom"):
        t = per_check.get(check, Tally())
        print(
            f"  {check:<10} {t.n:5d} {t.tp + t.fn:5d} {_f(t.precision())} {_f(t.recall())} "
            f"{_f(t.f1())}  {t.tp}/{t.fp}/{t.fn}/{t.tn}"
            f"{_mark(t.precision(), TARGET_P) or _mark(t.recall(), TARGET_R)}"
        )
    print("\nper family (positive families: recall; negative families: share left unflagged)")
    print(f"  {'check':<8} {'family':<40} {'n':>4}  {'score':>6}  P/R when mixed")
    for (check, family), t in sorted(per_family.items()):
        if check == "prose":
            continue
        positives = t.tp + t.fn
        if positives and t.fp + t.tn:
            score, extra = t.f1(), f"  P={_f(t.precision())} R={_f(t.recall())}"
        elif positives:
            score, extra = t.recall(), ""
        else:
            score, extra = t.accuracy(), ""
        print(
            f"  {check:<8} {family[:40]:<40} {t.n:4d}  {_f(score)}{extra}"
            f"{_mark(score, TARGET_FAMILY)}"
        )
    print("\nby hardness and origin (hard: ordinary text where trigger words mislead)")
    for check in ("blame", "vague", "symptom"):
        for label, keep in (
            ("hard", lambda c: c.hard),
            ("not hard", lambda c: not c.hard),
            ("verbatim", lambda c: c.source not in ("", "written")),
            ("written", lambda c: c.source == "written"),
        ):
            t = Tally()
            for case, predicted in zip(cases, predictions, strict=True):
                if case.check == check and keep(case):
                    t.add(case.positive, predicted)
            if t.n:
                print(
                    f"  {check:<8} {label:<9} n={t.n:4d}  P={_f(t.precision())} "
                    f"R={_f(t.recall())} F1={_f(t.f1())}"
                )
    prose = per_check.get("prose", Tally())
    rate = (prose.fp / (prose.fp + prose.tn)) if prose.fp + prose.tn else None
    print(
        f"\nfalse alarms on real post-mortem prose: "
        f"{prose.fp}/{prose.fp + prose.tn} = {_f(rate)}"
        f"{'' if rate is None or rate <= TARGET_PROSE else '  > target 0.03'}"
    )
    if prose.tp + prose.fn:
        print(f"blaming sentences in that prose caught: {prose.tp}/{prose.tp + prose.fn}")
    if show_errors:
        print("\nerrors (expected -> got)")
        for case, predicted in errors:
            extra = f" || {case.done_when}" if case.done_when else ""
            extra += f" || symptom: {case.symptom}" if case.symptom else ""
            print(
                f"  [{case.check}/{case.family}] {'+' if case.positive else '-'} -> "
                f"{'+' if predicted else '-'}  {case.text}{extra}"
            )
            if predicted:
                for f in _findings(case):
                    print(f"      {f}")
    return {"per_check": per_check, "prose_rate": rate}


def _findings(case: Case) -> list[str]:
    from workflows import rules

    kind = {"vague": "action_item", "symptom": "root_cause"}.get(case.check)
    found = rules.lint(
        case.text,
        case.responders,
        kind,  # type: ignore[arg-type]
        done_when=case.done_when,
        symptom=case.symptom,
    )
    return [f"{f.code} {f.field or ''} {f.text!r}" for f in found]
