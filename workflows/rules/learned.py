"""A small linear model over named features: the learned part of the method checks.

Hand rules catch the forms their authors thought of; a logistic model over the words and parse cues
of a sentence catches the ordinary variants they did not. Each check builds its own feature names
(``"w:forgot"``, ``"agent:person"``, ``"neg"``…) and asks its model for a probability; the model
never makes a finding alone without a span and a reason: the check turns the highest-weighted
features into the span and picks the message of the family the features point to.

Weights live in ``data/models/<name>.json``, written by the check's trainer
(``python -m tests.rules.train_<check>``) from the corpus's development part with a fixed seed, and
committed. They are read once, at first use, in the worker process outside the workflow sandbox (the
rules are imported passed through), so a workflow task pays a dictionary lookup per feature: linear
in the text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from workflows.rules.text import Token

__all__ = ["Feature", "LinearModel", "load_model", "word_features"]

_MODELS = resources.files("workflows.rules") / "data" / "models"


@dataclass(frozen=True, slots=True)
class Feature:
    """One named cue of a text and where it sits, so a model finding can point at its cause.

    Attributes:
        name: The feature's name as the model's weights know it (``"t:discuss"``).
        field: The field the cue was read from (``"title"``, ``"done_when"``, ``"statement"``).
        start: Offset of the cue's first character in that field.
        end: Offset just past the cue's last character.
    """

    name: str
    field: str
    start: int
    end: int


def word_features(prefix: str, field_name: str, words: Sequence[Token]) -> list[Feature]:
    """Lemmas (``<prefix>:<lemma>``), word pairs (``<prefix>2:<a>_<b>``) and the first word
    (``<prefix>0:<word>``) of one field, each with its span; one pass, linear in the words.
    """
    out: list[Feature] = []
    for k, t in enumerate(words):
        for lem in t.lem:
            out.append(Feature(f"{prefix}:{lem}", field_name, t.start, t.end))
        if k:
            a = words[k - 1]
            out.append(Feature(f"{prefix}2:{a.low}_{t.low}", field_name, a.start, t.end))
    if words:
        out.append(Feature(f"{prefix}0:{words[0].low}", field_name, words[0].start, words[0].end))
    return out


@dataclass(frozen=True)
class LinearModel:
    """Logistic regression over binary features.

    Attributes:
        name: The file stem the model was read from.
        bias: The intercept (log-odds with no feature present).
        weights: Log-odds contribution of each feature present (absent features weigh 0).
        threshold: Probability at or above which the check counts the text as positive; chosen by
            cross-validation on the development part (the trainer records how).
        meta: What the trainer recorded (seed, corpus size, cross-validated figures).
    """

    name: str
    bias: float
    weights: dict[str, float]
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)

    def logit(self, features: Iterable[str]) -> float:
        """The log-odds for a set of features; each distinct feature counts once."""
        w = self.weights
        return self.bias + sum(w.get(f, 0.0) for f in set(features))

    def probability(self, features: Iterable[str]) -> float:
        """The model's probability that the text is positive."""
        z = self.logit(features)
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def positive(self, features: Iterable[str]) -> bool:
        """Whether the probability reaches the model's threshold."""
        return self.probability(features) >= self.threshold

    def strongest(self, features: Iterable[str], n: int = 3) -> list[tuple[str, float]]:
        """The ``n`` present features that push hardest towards positive, strongest first.

        The check uses them to say why and where: each feature it builds knows its span.
        """
        w = self.weights
        present = sorted({f for f in features if w.get(f, 0.0) > 0}, key=lambda f: (-w[f], f))
        return [(f, w[f]) for f in present[:n]]


@cache
def load_model(name: str) -> LinearModel:
    """The committed model ``data/models/<name>.json``, read once per process."""
    data = json.loads((_MODELS / f"{name}.json").read_text(encoding="utf-8"))
    return LinearModel(
        name=name,
        bias=float(data["bias"]),
        weights={str(k): float(v) for k, v in data["weights"].items()},
        threshold=float(data["threshold"]),
        meta=dict(data.get("meta", {})),
    )
