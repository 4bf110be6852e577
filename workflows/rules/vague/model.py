"""How the vague-item rules and the learned model combine.

The rules speak first: when one fires, its findings stand, unless the model's probability is
below the veto the trainer chose by cross-validation on the development part (``meta["veto"]``,
0 when vetoing did not help, so no rule hit is dropped). When no rule fires, the model adds one
finding if its probability reaches its threshold; the finding sits in the field and on the span
its strongest features point to, with that family's message and hint.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.codes import Code
from workflows.rules.common import SMART_QUESTION, squash
from workflows.rules.learned import Feature, LinearModel, load_model
from workflows.rules.vague.learned import item_features
from workflows.rules.vague.title import verb_kind
from workflows.rules.vague.words import (
    DONE_WHEN_HINT,
    KIND_MESSAGES,
    SUGGESTIONS,
    Vague,
    default_suggestion,
    word_tokens,
)

__all__ = ["MODEL_NAME", "combine"]

MODEL_NAME = "vague"


def combine(
    title: str, done_when: str | None, title_hits: Sequence[Vague], done_hits: Sequence[Vague]
) -> tuple[list[Vague], list[Vague]]:
    """The title's and the done-when's findings once the model has had its say."""
    model = load_model(MODEL_NAME)
    veto = float(model.meta.get("veto", 0.0))
    if (model.threshold > 1.0 and veto <= 0.0) or ((title_hits or done_hits) and veto <= 0.0):
        # Nothing the model could say would change the answer (it can neither add nor veto
        # here): skip the features, so a model the trainer chose to keep silent costs nothing.
        return list(title_hits), list(done_hits)
    feats = item_features(title, done_when, title_hits, done_hits)
    p = model.probability(f.name for f in feats)
    if title_hits or done_hits:
        if p < veto:
            return [], []
        return list(title_hits), list(done_hits)
    if p < model.threshold:
        return [], []
    found = _finding(model, feats, title, done_when or "")
    return ([found], []) if found.code is Code.TITLE_VAGUE else ([], [found])


def _finding(model: LinearModel, feats: Sequence[Feature], title: str, done_when: str) -> Vague:
    """The finding for a model call: the field whose present features weigh most towards vague
    (a blank done-when cannot hold one), the strongest feature's span in it."""
    weights = model.weights
    by_field: dict[str, float] = {}
    best: dict[str, Feature] = {}
    for f in feats:
        w = weights.get(f.name, 0.0)
        if w <= 0 or f.end <= f.start:
            continue
        by_field[f.field] = by_field.get(f.field, 0.0) + w
        if f.field not in best or w > weights.get(best[f.field].name, 0.0):
            best[f.field] = f
    field = max(by_field, key=lambda k: (by_field[k], k == "title"), default="title")
    if field == "done_when" and done_when.strip():
        f = best[field]
        span = done_when[f.start : f.end]
        return Vague(
            f.start,
            f.end,
            Code.DONE_WHEN_NOT_MEASURABLE,
            f'The done-when criterion "{squash(done_when)}" is not measurable '
            f'("{squash(span)}"): nobody else could check it.',
            DONE_WHEN_HINT,
            SUGGESTIONS["done_when"],
        )
    words = [t for t in word_tokens(title) if t.word]
    f = best.get("title") or Feature("t", "title", words[0].start, words[-1].end)
    span = title[f.start : f.end]
    kind = verb_kind(words[0]) if words else "vague"
    message = KIND_MESSAGES.get(kind, KIND_MESSAGES["vague"])
    suggestion = SUGGESTIONS.get(kind)
    return Vague(
        f.start,
        f.end,
        Code.TITLE_VAGUE,
        f'The title "{squash(title)}" is vague ("{squash(span)}"): {message}',
        f"{SMART_QUESTION} {suggestion or default_suggestion(span)}",
        suggestion,
    )
