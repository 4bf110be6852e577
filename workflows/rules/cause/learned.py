"""The symptom model's features: the words of a root-cause statement (without its lead-in and
its listed consequences), its overlap with the symptom, and the parse cues the rules read.

Every feature knows its span and, through :func:`family_of`, the symptom family it points to, so
a model finding names its reason. One pass over the tokens per cue: linear in the text. The model
is ``data/models/symptom.json``, trained by ``python -m tests.rules.train_symptom``.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.codes import Code
from workflows.rules.cause.gap import gap_at, negated_passive, standing_condition
from workflows.rules.cause.person import person_at_the_end
from workflows.rules.cause.symptom import effect_at, measured
from workflows.rules.cause.trigger import indefinite_trigger, trigger_at
from workflows.rules.cause.words import NEG_FOR_GAP, C
from workflows.rules.learned import Feature, word_features
from workflows.rules.names import C as PEOPLE
from workflows.rules.names import person_word
from workflows.rules.text import Token, has

__all__ = ["family_of", "statement_features"]

FIELD = "statement"

_ABSENCE_STARTS = frozenset(
    {"no", "lack", "missing", "insufficient", "without", "absence", "inadequate", "nobody"}
)
_GAP_NOUNS = frozenset(
    {
        "process",
        "checklist",
        "review",
        "tool",
        "tooling",
        "test",
        "tests",
        "testing",
        "limit",
        "quota",
        "cap",
        "documentation",
        "runbook",
        "doc",
        "docs",
        "owner",
        "ownership",
        "role",
        "rotation",
        "staging",
        "environment",
        "alert",
        "alerting",
        "monitoring",
        "policy",
        "procedure",
        "guideline",
        "guidelines",
    }
)

#: Which family a cue points to when the model flags the statement.
_CUE_FAMILY = {
    "c#person_subject": Code.ROOT_CAUSE_STOPS_AT_PERSON,
    "r#person": Code.ROOT_CAUSE_STOPS_AT_PERSON,
    "c#person": Code.ROOT_CAUSE_STOPS_AT_PERSON,
    "sym#overlap_hi": Code.ROOT_CAUSE_RESTATES_SYMPTOM,
    "sym#overlap_mid": Code.ROOT_CAUSE_RESTATES_SYMPTOM,
    "c#effect": Code.ROOT_CAUSE_IS_SYMPTOM,
    "r#measured": Code.ROOT_CAUSE_IS_SYMPTOM,
    "r#effect": Code.ROOT_CAUSE_IS_SYMPTOM,
    "c#trigger": Code.ROOT_CAUSE_PROXIMATE_TRIGGER,
    "c#bad": Code.ROOT_CAUSE_PROXIMATE_TRIGGER,
    "r#trigger": Code.ROOT_CAUSE_PROXIMATE_TRIGGER,
    "r#indefinite": Code.ROOT_CAUSE_PROXIMATE_TRIGGER,
}


def family_of(name: str) -> Code | None:
    """The symptom family a feature points to, or None for a feature that names none."""
    return _CUE_FAMILY.get(name)


def _span(toks: Sequence[Token], pair: tuple[int, int]) -> tuple[int, int]:
    """Character offsets of a rule's (first, last) token indices."""
    return toks[pair[0]].start, toks[pair[1]].end


def _word_cues(words: Sequence[Token]) -> list[Feature]:
    """Lexical classes of each word, each a feature on that word."""
    out: list[Feature] = []
    classes = (
        ("c#effect", C["effect_verbs"]),
        ("c#trigger", C["trigger_nouns"]),
        ("c#bad", C["bad"]),
        ("c#gap_word", C["gap_words"]),
        ("c#system", C["system_nouns"]),
        ("c#safeguard", C["safeguards"]),
        ("c#design", C["design_words"]),
        ("c#past", C["past_markers"]),
        ("c#present", C["present_aux"] | C["present_verbs"]),
        ("c#gap_noun", _GAP_NOUNS),
    )
    for k, t in enumerate(words):
        for name, words_of in classes:
            if has(t, words_of):
                out.append(Feature(name, FIELD, t.start, t.end))
        if t.low in NEG_FOR_GAP or t.low == "no":
            out.append(Feature("c#neg", FIELD, t.start, t.end))
            nxt = words[k + 1] if k + 1 < len(words) else None
            if nxt is not None and has(nxt, frozenset({"require", "have", "check", "cover"})):
                out.append(Feature(f"c#neg_{sorted(nxt.lem)[0]}", FIELD, t.start, nxt.end))
        if has(t, frozenset({"lack", "miss", "allow", "rely"})):
            out.append(Feature("c#lacks", FIELD, t.start, t.end))
        if person_word(t) or has(t, PEOPLE["person_nouns"]):
            out.append(Feature("c#person", FIELD, t.start, t.end))
    if words:
        first = words[0]
        if first.low in _ABSENCE_STARTS:
            out.append(Feature("c#starts_absence", FIELD, first.start, first.end))
        head = words[1] if first.low in ("the", "a", "an", "our") and len(words) > 2 else first
        if person_word(head) or (head.cap and not head.first and head.text.isalpha()):
            out.append(Feature("c#person_subject", FIELD, head.start, head.end))
        elif head is first and first.cap and len(words) > 1 and words[1].low.endswith("ed"):
            out.append(Feature("c#person_subject", FIELD, first.start, words[1].end))
    return out


def _rule_cues(toks: Sequence[Token]) -> list[Feature]:
    """What the rules' readings say about the statement, before their order decides."""
    out: list[Feature] = []
    whole = (toks[0].start, toks[-1].end)
    if gap_at(toks):
        out.append(Feature("r#gap", FIELD, *whole))
    if standing_condition(toks):
        out.append(Feature("r#standing", FIELD, *whole))
    if negated_passive(toks):
        out.append(Feature("r#negated_passive", FIELD, *whole))
    reading = measured(toks)
    if reading is not None:
        out.append(Feature("r#measured", FIELD, reading.start, reading.end))
    effect = effect_at(toks)
    if effect is not None:
        out.append(Feature("r#effect", FIELD, effect.start, effect.end))
    for name, pair in (
        ("r#trigger", trigger_at(toks)),
        ("r#indefinite", indefinite_trigger(toks)),
        ("r#person", person_at_the_end(toks)),
    ):
        if pair is not None:
            out.append(Feature(name, FIELD, *_span(toks, pair)))
    return out


def _overlap(words: Sequence[Token], symptom: Sequence[Token]) -> list[Feature]:
    """How much of the statement's content the symptom already says."""
    content = [t for t in words if t.low not in _STOP]
    if not content or not symptom:
        return []
    seen = {lem for t in symptom if t.word for lem in t.lem}
    share = sum(1 for t in content if t.lem & seen) / len(content)
    bucket = "hi" if share >= 0.6 else "mid" if share >= 0.3 else "lo"
    return [Feature(f"sym#overlap_{bucket}", FIELD, content[0].start, content[-1].end)]


_STOP = frozenset(
    {"the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "was", "were", "is", "are", "by"}
)


def statement_features(
    toks: Sequence[Token], symptom: Sequence[Token], rule_codes: Sequence[str] = ()
) -> list[Feature]:
    """The features of one statement.

    Args:
        toks: The statement's explaining tokens (``trigger.explanation``: no lead-in, no listed
            consequences).
        symptom: The symptom's tokens (empty when the chain has none).
        rule_codes: The codes the rules gave (a ``rule:<code>`` feature each; the trainer reports
            the model with and without them).
    """
    words = [t for t in toks if t.word]
    if not words:
        return []
    out = [Feature(f"rule:{code}", FIELD, words[0].start, words[-1].end) for code in rule_codes]
    out += word_features("w", FIELD, words)
    out += _word_cues(words)
    out += _rule_cues(toks)
    out += _overlap(words, symptom)
    return out
