"""How the symptom rules and the learned model combine.

The rules speak first: a verdict stands unless the model's probability is below the veto the
trainer chose by cross-validation on the development part (``meta["veto"]``; 0, no veto, when
vetoing did not help). When the rules find a root cause, the model adds a verdict if its
probability reaches its threshold; the verdict's family (effect, restatement, trigger, person) is
the one its strongest present features point to, its span that of the strongest of them. A
model the trainer chose to keep silent (threshold above 1, no veto: what dev CV chose so far, the
rules being tuned on dev) skips its features and costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.codes import Code
from workflows.rules.cause.learned import family_of, statement_features
from workflows.rules.cause.words import Verdict
from workflows.rules.learned import Feature, load_model
from workflows.rules.text import Token, squash

__all__ = ["MODEL_NAME", "combine"]

MODEL_NAME = "symptom"

_MESSAGES = {
    Code.ROOT_CAUSE_IS_SYMPTOM: "describes what was observed, not why it happened.",
    Code.ROOT_CAUSE_RESTATES_SYMPTOM: "restates the symptom instead of explaining it.",
    Code.ROOT_CAUSE_PROXIMATE_TRIGGER: "stops at what set the failure off, not at the condition "
    "that let it do harm.",
    Code.ROOT_CAUSE_STOPS_AT_PERSON: "stops at a person, not at the condition that made the "
    "action possible or likely.",
}


def combine(
    statement: str, toks: Sequence[Token], symptom: Sequence[Token], verdict: Verdict | None
) -> Verdict | None:
    """The verdict once the model has had its say (``toks``: the explaining tokens)."""
    model = load_model(MODEL_NAME)
    veto = float(model.meta.get("veto", 0.0))
    if (model.threshold > 1.0 or verdict is not None) and veto <= 0.0:
        return verdict  # nothing the model could say would change the answer
    feats = statement_features(toks, symptom)
    if not feats:
        return verdict
    p = model.probability(f.name for f in feats)
    if verdict is not None:
        return None if p < veto else verdict
    if p < model.threshold:
        return None
    weights = model.weights
    strong = sorted(
        (f for f in feats if weights.get(f.name, 0.0) > 0),
        key=lambda f: (-weights[f.name], f.start, f.name),
    )
    totals: dict[Code, float] = {}
    for f in strong:
        family = family_of(f.name)
        if family is not None:
            totals[family] = totals.get(family, 0.0) + weights[f.name]
    code = max(totals, key=lambda c: (totals[c], c.value), default=Code.ROOT_CAUSE_IS_SYMPTOM)
    at: Feature | None = next((f for f in strong if family_of(f.name) is code), None)
    at = at or (strong[0] if strong else feats[0])
    return Verdict(
        code,
        at.start,
        at.end,
        f'The root cause "{squash(statement)}" {_MESSAGES[code]} '
        f'(model: "{squash(statement[at.start : at.end])}")',
    )
