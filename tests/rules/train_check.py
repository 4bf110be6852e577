"""What the per-check trainers share: cross-validate with and without the rule-hit features,
pick the combination, train on the whole development part and write (or ``--check``) the model.

Defaults: 5 folds, seed 0; the threshold for adding a finding is the one (0.5 to 1, or never)
with the best out-of-fold F1 of rules and model together; a veto only where it raised that F1.
The model alone is reported at the lowest threshold reaching out-of-fold precision 0.95.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.rules.training import (
    Sample,
    choose_threshold,
    choose_veto,
    combined_flags,
    cross_validated_scores,
    pick_threshold,
    precision_recall,
    save_model,
    train,
)

MODELS = Path(__file__).resolve().parents[2] / "workflows" / "rules" / "data" / "models"
SEED = 0
FOLDS = 5
#: The out-of-fold precision at which the model alone is reported.
MODEL_PRECISION = 0.95


@dataclass(frozen=True)
class Row:
    """One development case as a trainer sees it."""

    with_rules: frozenset[str]
    words_only: frozenset[str]
    rule_hit: bool
    label: int
    family: str


def run(name: str, rows: Sequence[Row], argv: list[str] | None = None) -> int:
    """Train, print the cross-validated figures, write ``data/models/<name>.json`` (or check it)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true", help="verify the committed weights")
    args = parser.parse_args(argv)
    labels = [r.label for r in rules_first(rows)]
    hits = [r.rule_hit for r in rows]
    p, r = precision_recall(hits, labels)
    print(f"{name}: {len(rows)} dev cases, {sum(labels)} positive")
    print(f"  rules only          P {p:.3f} R {r:.3f}")
    chosen: dict[str, tuple[float, float]] = {}
    for config in ("with_rules", "words_only"):
        samples: list[Sample] = [(getattr(row, config), row.label) for row in rows]
        scores = cross_validated_scores(samples, folds=FOLDS, seed=SEED)
        alone = max(0.5, pick_threshold(scores, labels, min_precision=MODEL_PRECISION))
        mp, mr = precision_recall([s >= alone for s in scores], labels)
        veto = choose_veto(scores, hits, labels)
        t = choose_threshold(scores, hits, labels, veto)
        cp, cr = precision_recall(combined_flags(scores, hits, t, veto), labels)
        print(
            f"  CV {config:<11} model alone t {alone:.3f} P {mp:.3f} R {mr:.3f}; "
            f"with the rules t {t:.3f} veto {veto:.2f} P {cp:.3f} R {cr:.3f}"
        )
        _families(rows, combined_flags(scores, hits, t, veto))
        chosen[config] = (t, veto)
        if config == "words_only":
            missed = [s >= t for s, hit in zip(scores, hits, strict=True) if not hit]
            added = [
                lab for s, hit, lab in zip(scores, hits, labels, strict=True) if not hit and s >= t
            ]
            print(
                f"      where no rule fires: model adds {sum(missed)}, "
                f"{sum(added)} of them vague/symptom"
            )
    # The model keeps only the words: on dev the rules are nearly perfect (they were tuned on
    # it), so a rule-hit feature would be learned as certain and the model would never speak
    # where the rules are silent -- which is the only place it is needed.
    config = "words_only"
    threshold, veto = chosen[config]
    samples = [(getattr(row, config), row.label) for row in rows]
    fit = train(samples, seed=SEED)
    combo_p, combo_r = precision_recall(
        combined_flags(
            cross_validated_scores(samples, folds=FOLDS, seed=SEED), hits, threshold, veto
        ),
        labels,
    )
    meta = {
        "seed": SEED,
        "cases": len(rows),
        "features": config,
        "veto": veto,
        "cv_precision": round(combo_p, 4),
        "cv_recall": round(combo_r, 4),
        "trainer": f"python -m tests.rules.train_{name}",
    }
    target = MODELS / f"{name}.json"
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "m.json"
            save_model(fresh, fit, threshold, meta)
            same = fresh.read_text(encoding="utf-8") == target.read_text(encoding="utf-8")
        print(f"  {target.name}: {'reproduced exactly' if same else 'DIFFERS from a fresh run'}")
        return 0 if same else 1
    save_model(target, fit, threshold, meta)
    size = target.stat().st_size
    weights = len(json.loads(target.read_text(encoding="utf-8"))["weights"])
    print(f"  kept {config}; wrote {target.name}: {weights} weights, {size / 1024:.1f} KB")
    return 0


def rules_first(rows: Sequence[Row]) -> Sequence[Row]:
    """The rows in corpus order (a seam for the figures printed)."""
    return rows


def _families(rows: Sequence[Row], flags: Sequence[bool]) -> None:
    """Per-family share judged right (recall for a positive family, 1 - false alarms else)."""
    right: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row, flag in zip(rows, flags, strict=True):
        right[row.family][0] += int(flag == bool(row.label))
        right[row.family][1] += 1
    line = ", ".join(f"{fam} {ok / n:.2f}" for fam, (ok, n) in sorted(right.items()))
    print(f"      families: {line}")
