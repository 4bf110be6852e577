"""Training and cross-validation for the checks' linear models (``workflows/rules/learned.py``).

Plain Python, no numerical library: the models are small (a few thousand features, about a
thousand cases), so stochastic gradient descent over sparse binary features takes seconds, and a
fixed seed makes the weights the same on every machine that runs the same Python. Only the
development part of the corpus is ever passed in; the test part is never read here.

Defaults: 40 epochs, learning rate 0.2 decaying as 1/sqrt(epoch), L2 penalty 1e-3, features seen in
fewer than 2 training cases dropped, weights rounded to 4 decimals when saved.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "Fit",
    "Sample",
    "choose_threshold",
    "choose_veto",
    "combined_flags",
    "cross_validated_scores",
    "pick_threshold",
    "precision_recall",
    "save_model",
    "train",
]

Sample = tuple[frozenset[str], int]
"""One case: its feature names and its label (1 positive, 0 negative)."""


@dataclass(frozen=True)
class Fit:
    """A trained model's parameters."""

    bias: float
    weights: dict[str, float]

    def probability(self, features: frozenset[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def train(
    samples: Sequence[Sample],
    *,
    epochs: int = 40,
    rate: float = 0.2,
    l2: float = 1e-3,
    min_count: int = 2,
    seed: int = 0,
    positive_weight: float = 1.0,
) -> Fit:
    """Logistic regression by SGD with a fixed shuffle seed; deterministic for equal inputs."""
    counts = Counter(f for feats, _ in samples for f in feats)
    vocab = {f for f, c in counts.items() if c >= min_count}
    data = [(sorted(feats & vocab), label) for feats, label in samples]
    rng = random.Random(seed)
    order = list(range(len(data)))
    weights: dict[str, float] = dict.fromkeys(sorted(vocab), 0.0)
    bias = 0.0
    for epoch in range(epochs):
        rng.shuffle(order)
        step = rate / math.sqrt(epoch + 1)
        for i in order:
            feats, label = data[i]
            z = bias + sum(weights[f] for f in feats)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = (p - label) * (positive_weight if label else 1.0)
            bias -= step * g
            for f in feats:
                weights[f] -= step * (g + l2 * weights[f])
    return Fit(bias=bias, weights={f: w for f, w in weights.items() if abs(w) >= 1e-4})


def cross_validated_scores(
    samples: Sequence[Sample],
    *,
    folds: int = 5,
    seed: int = 0,
    fit: Callable[[Sequence[Sample]], Fit] = train,
) -> list[float]:
    """Out-of-fold probabilities, one per sample in input order (folds by a seeded shuffle)."""
    order = list(range(len(samples)))
    random.Random(seed).shuffle(order)
    scores = [0.0] * len(samples)
    for k in range(folds):
        held = set(order[k::folds])
        model = fit([s for i, s in enumerate(samples) if i not in held])
        for i in held:
            scores[i] = model.probability(samples[i][0])
    return scores


def pick_threshold(
    scores: Sequence[float], labels: Sequence[int], *, min_precision: float
) -> float:
    """The lowest threshold whose cross-validated precision is at least ``min_precision``.

    Returns 1.01 (never positive) when no threshold reaches it.
    """
    best = 1.01
    for t in sorted(set(scores), reverse=True):
        flagged = [lab for s, lab in zip(scores, labels, strict=True) if s >= t]
        if flagged and sum(flagged) / len(flagged) >= min_precision:
            best = t
    return best


def save_model(path: Path, fit: Fit, threshold: float, meta: dict[str, Any]) -> None:
    """Write the model as ``workflows.rules.learned.load_model`` reads it (sorted, rounded)."""
    body = {
        "bias": round(fit.bias, 4),
        "threshold": round(threshold, 4),
        "meta": meta,
        "weights": {f: round(w, 4) for f, w in sorted(fit.weights.items()) if round(w, 4) != 0},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body, indent=0, sort_keys=False) + "\n", encoding="utf-8")


def combined_flags(
    scores: Sequence[float], rules: Sequence[bool], threshold: float, veto: float
) -> list[bool]:
    """The combined decision per case: a rule hit stands unless p < veto; else p >= threshold."""
    return [(p >= veto) if hit else (p >= threshold) for p, hit in zip(scores, rules, strict=True)]


def precision_recall(flags: Sequence[bool], labels: Sequence[int]) -> tuple[float, float]:
    """Precision and recall of binary decisions (1.0 when nothing is flagged or positive)."""
    tp = sum(1 for f, lab in zip(flags, labels, strict=True) if f and lab)
    flagged = sum(1 for f in flags if f)
    positive = sum(labels)
    return (tp / flagged if flagged else 1.0, tp / positive if positive else 1.0)


def choose_threshold(
    scores: Sequence[float], rules: Sequence[bool], labels: Sequence[int], veto: float = 0.0
) -> float:
    """The adding threshold with the best F1 of rules and model together, from 0.5 to 1 in steps
    of 0.025, or 1.01 (never add) when none beats the rules alone; ties keep the higher one."""
    best_t, best_f1 = 1.01, -1.0
    for t in [*(step / 40 for step in range(20, 41)), 1.01]:
        p, r = precision_recall(combined_flags(scores, rules, t, veto), labels)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 >= best_f1 - 1e-9:
            best_t, best_f1 = t, max(f1, best_f1)
    return best_t


def choose_veto(
    scores: Sequence[float],
    rules: Sequence[bool],
    labels: Sequence[int],
    *,
    vetoes: Sequence[float] = (0.02, 0.05, 0.1),
) -> float:
    """The probability below which a rule hit is dropped, or 0 (never) unless one raises F1.

    Only rule hits are looked at (no model additions), so the answer is about the veto alone.
    """

    def f1(veto: float) -> float:
        p, r = precision_recall(combined_flags(scores, rules, 1.01, veto), labels)
        return 2 * p * r / (p + r) if p + r else 0.0

    base = f1(0.0)
    best = max(vetoes, key=lambda v: (f1(v), -v))
    return best if f1(best) > base + 1e-9 else 0.0
