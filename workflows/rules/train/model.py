"""Train the checks' linear models on the corpus's dev part: ``python -m workflows.rules.train.model``.

Only ``tests/rules/corpus/dev/`` is read (``--corpus`` adds more dev folders, e.g. a second batch);
the test part is never opened. For each check (blame, vague, symptom):

1. every case becomes a set of binary features (:mod:`workflows.rules.model`);
2. five-fold cross-validation (folds fixed by a hash of the case id) estimates how the model does
   on dev cases it was not trained on, alone and together with the rules: the figures it prints
   are the honest part of a dev-only estimate, since the rules were themselves tuned on all of dev;
3. the threshold is the lowest probability at which the model alone keeps a cross-validated
   precision of at least ``--precision`` (0.92 by default);
4. the model is refitted on all of dev and written, pruned of tiny weights, to
   ``workflows/rules/data/model_<check>.json``.

Fitting is full-batch gradient descent on the L2-regularised log loss, from zero weights, with a
fixed number of steps: the same corpus always gives the same weights (no random seed involved).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "workflows" / "rules" / "data"


@dataclass
class Sample:
    id: str
    label: bool
    features: list[str]
    rules: bool  # whether the rules flag it


def fit(samples: Sequence[Sample], l2: float, steps: int = 400, rate: float = 0.5) -> tuple[float, dict[str, float]]:
    index: dict[str, int] = {}
    rows: list[list[int]] = []
    for s in samples:
        row = sorted({index.setdefault(f, len(index)) for f in s.features})
        rows.append(row)
    w = [0.0] * len(index)
    b = 0.0
    n = len(samples)
    ys = [1.0 if s.label else 0.0 for s in samples]
    # Adagrad keeps rare features from dominating the step size; still deterministic.
    g2 = [1e-8] * len(index)
    gb2 = 1e-8
    for _ in range(steps):
        grad = [0.0] * len(index)
        gb = 0.0
        for row, y in zip(rows, ys, strict=True):
            z = b + sum(w[k] for k in row)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            d = (p - y) / n
            gb += d
            for k in row:
                grad[k] += d
        for k in range(len(w)):
            g = grad[k] + l2 * w[k]
            g2[k] += g * g
            w[k] -= rate * g / math.sqrt(g2[k])
        gb2 += gb * gb
        b -= rate * gb / math.sqrt(gb2)
    names = {k: f for f, k in index.items()}
    return b, {names[k]: w[k] for k in range(len(w))}


def prob(b: float, weights: dict[str, float], features: Sequence[str]) -> float:
    z = b + sum(weights.get(f, 0.0) for f in set(features))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def fold_of(case_id: str, folds: int) -> int:
    return int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % folds


def prf(pairs: Sequence[tuple[bool, bool]]) -> tuple[float, float, int, int, int]:
    tp = sum(1 for y, p in pairs if y and p)
    fp = sum(1 for y, p in pairs if not y and p)
    fn = sum(1 for y, p in pairs if y and not p)
    return (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, tp, fp, fn)


def crossval(samples: Sequence[Sample], l2: float, folds: int = 5) -> list[tuple[Sample, float]]:
    out: list[tuple[Sample, float]] = []
    for k in range(folds):
        train = [s for s in samples if fold_of(s.id, folds) != k]
        held = [s for s in samples if fold_of(s.id, folds) == k]
        b, w = fit(train, l2)
        out.extend((s, prob(b, w, s.features)) for s in held)
    return out


def threshold_for(scored: Sequence[tuple[Sample, float]], precision: float) -> float:
    """The lowest threshold whose cross-validated precision (model alone) is at least ``precision``
    and stays so for every higher threshold."""
    best = 0.99
    for t in [x / 100 for x in range(99, 29, -1)]:
        p, r, tp, _fp, _fn = prf([(s.label, q >= t) for s, q in scored])
        if tp >= 3 and p >= precision:
            best = t
        elif tp >= 3:
            break
    return best


def report(check: str, scored: Sequence[tuple[Sample, float]], t: float) -> None:
    rules = prf([(s.label, s.rules) for s, _ in scored])
    print(f"\n{check}: {len(scored)} dev cases, cross-validated (5 folds)")
    print(f"  rules alone (tuned on all of dev)  P={rules[0]:.3f} R={rules[1]:.3f}")
    for th in sorted({0.5, 0.6, 0.7, 0.8, 0.9, t}):
        m = prf([(s.label, q >= th) for s, q in scored])
        both = prf([(s.label, s.rules or q >= th) for s, q in scored])
        extra = sum(1 for s, q in scored if q >= th and not s.rules and not s.label)
        gain = sum(1 for s, q in scored if q >= th and not s.rules and s.label)
        mark = "  <- chosen" if th == t else ""
        print(
            f"  t={th:.2f} model P={m[0]:.3f} R={m[1]:.3f} | rules or model P={both[0]:.3f} "
            f"R={both[1]:.3f} (adds {gain} right, {extra} wrong){mark}"
        )


def write(check: str, b: float, weights: dict[str, float], t: float, n: int, prune: float) -> None:
    kept = {f: round(w, 4) for f, w in sorted(weights.items()) if abs(w) >= prune}
    data = {
        "about": (
            f"Logistic model of the {check} check, trained by python -m "
            f"workflows.rules.train.model on {n} dev cases; features: workflows/rules/model.py."
        ),
        "bias": round(b, 4),
        "threshold": t,
        "weights": kept,
    }
    (DATA / f"model_{check}.json").write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"  wrote model_{check}.json: {len(kept)} weights, threshold {t:.2f}")


def samples_for(check: str, folders: Sequence[Path]) -> list[Sample]:
    sys.path.insert(0, str(ROOT))
    from tests.rules.corpus_loader import load_split  # noqa: PLC0415

    from workflows import rules  # noqa: PLC0415
    from workflows.rules import model  # noqa: PLC0415
    from workflows.rules.people import names, names_key  # noqa: PLC0415
    from workflows.rules.text import split  # noqa: PLC0415

    out: list[Sample] = []
    for folder in folders:
        corpus = load_split("dev", folder)
        if check == "blame":
            cases: list[tuple[str, str, list[str], bool]] = [
                (c.id, c.text, list(c.responders), c.label == "blame") for c in corpus.blame
            ] + [(c.id, c.text, [], c.label == "blame") for c in corpus.prose]
            for cid, text, responders, label in cases:
                known = names(names_key(responders))
                feats: list[str] = []
                for sent in split(text):
                    if sent.words:
                        feats.extend(f for f, _ in model.sentence_features(sent, known))
                out.append(Sample(cid, label, feats, bool(rules.lint(text, responders))))
    return out


CHECKS: dict[str, Callable[[Sequence[Path]], list[Sample]]] = {
    "blame": lambda folders: samples_for("blame", folders),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", default=[], help="another corpus folder (its dev/ is read)")
    parser.add_argument("--check", choices=sorted(CHECKS), action="append")
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--precision", type=float, default=0.92)
    parser.add_argument("--prune", type=float, default=0.02)
    parser.add_argument("--dry-run", action="store_true", help="cross-validate only, write nothing")
    args = parser.parse_args(argv)
    folders = [ROOT / "tests" / "rules" / "corpus"] + [Path(p) for p in args.corpus]
    for check in args.check or sorted(CHECKS):
        samples = CHECKS[check](folders)
        scored = crossval(samples, args.l2)
        t = threshold_for(scored, args.precision)
        report(check, scored, t)
        if not args.dry_run:
            b, w = fit(samples, args.l2)
            write(check, b, w, t, len(samples), args.prune)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
