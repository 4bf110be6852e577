"""The features of one sentence that the blame model weighs, each with the span it stands for.

The hand rules see the forms their authors listed; the model sees the same parse more loosely, so
ordinary variants count too: the words (every candidate lemma), the lexicon's word classes
("c:strong_fail", "c:omission_verbs"), word pairs with people and systems replaced by
placeholders ("b:PERSON forgot", "b:SYSTEM failed", "b:by PERSON"), what follows a person
within a few words ("pc:PERSON>strong_fail"), class words inside a negation's clause
("nc:strong_fail": "nobody ignored…"), and the rule hits themselves ("r:omission").

Quoted words give no word features (reported speech or a term under discussion), only "quoted".
Each feature is returned with the character span it comes from (the first occurrence), so a
finding made by the model can name where and why. One pass over the tokens, a bounded look-ahead
after each person, a fixed number of class tests per token: linear in the sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.rules.blame.context import Context
from workflows.rules.blame.evidence import Hit
from workflows.rules.names import SYSTEMS, C
from workflows.rules.text import Sentence, Token, has

__all__ = ["CLASSES", "PERSON", "SELF", "SYSTEM", "Features", "features"]

PERSON = "PERSON"
SELF = "SELF"
SYSTEM = "SYSTEM"

#: The lexicon's word classes a token may count for ("c:<name>"); chosen as the classes that
#: describe acts, failures, judgements and frames rather than grammar.
CLASSES: tuple[str, ...] = (
    "accident_adverbs",
    "bad",
    "strong_fail",
    "human_only",
    "cause_verbs",
    "cause_objects",
    "weak_fail",
    "omission_verbs",
    "negators",
    "did_not",
    "rejection",
    "reject_frames",
    "praise",
    "sarcasm_events",
    "alert_nouns",
    "destructive",
    "loaded_roles",
    "harm_verbs",
    "error_handling",
    "credit",
    "permissive",
    "receiving",
    "care_words",
    "new_modifiers",
    "causal_links",
    "failure_events",
    "recovery_words",
    "wrongness",
    "as_planned",
    "fix_nouns",
    "not_agents",
    "deciding",
    "change_nouns",
)

_SYSTEM_WORDS = SYSTEMS | C["technical_fault"] | C["ephemeral_objects"]
_NEGATORS = C["negators"] | frozenset({"not", "never", "nobody", "no", "no-one", "none", "neither"})
_LOOK_AHEAD = 4  # words after a person whose classes pair with it
_FAILURE_CLASSES = frozenset(
    {"strong_fail", "human_only", "bad", "omission_verbs", "destructive", "accident_adverbs"}
)

#: Each class word to the classes it belongs to, in ``CLASSES`` order: one look-up per lemma
#: instead of one set test per class.
_CLASSES_OF_WORD: dict[str, tuple[str, ...]] = {}
for _name in CLASSES:
    for _word in C[_name]:
        _CLASSES_OF_WORD[_word] = (*_CLASSES_OF_WORD.get(_word, ()), _name)


def _classes_of(tok: Token) -> list[str]:
    """The classes of ``CLASSES`` one of the token's lemmas belongs to, in ``CLASSES`` order
    (what ``[c for c in CLASSES if has(tok, C[c])]`` gives)."""
    found: set[str] = set()
    for lemma in tok.lem:
        found.update(_CLASSES_OF_WORD.get(lemma, ()))
    return [c for c in CLASSES if c in found] if found else []


Span = tuple[int, int]
Features = dict[str, Span]
"""Feature name to the character span of its first occurrence in the sentence."""


def features(sent: Sentence, ctx: Context, rule_hits: Sequence[Hit] = ()) -> Features:
    """The features of ``sent`` (see the module docstring), with ``rule_hits`` as "r:" features.

    ``ctx`` is the sentence's :class:`Context` (its people are the "PERSON" placeholders).
    """
    out: Features = {}
    toks = sent.tokens

    def add(name: str, start: int, end: int) -> None:
        if name not in out:
            out[name] = (start, end)

    person_at: dict[int, int] = {}  # first token of a mention -> its last token
    for m in ctx.people:
        person_at[m.start] = m.end
    units: list[tuple[str, int, int, int, Token]] = []  # (unit, clause, start, end, head token)
    i = 0
    while i < len(toks):
        tok = toks[i]
        if not tok.word:
            i += 1
            continue
        if tok.quoted:
            add("quoted", tok.start, tok.end)
            i += 1
            continue
        end = person_at.get(i)
        if end is not None:
            unit = SELF if tok.low in C["self_subjects"] else PERSON
            units.append((unit, tok.clause, tok.start, toks[end].end, tok))
            add(f"has:{unit}", tok.start, toks[end].end)
            if tok.poss or toks[end].poss:
                add(f"poss:{unit}", tok.start, toks[end].end)
            i = end + 1
            continue
        unit = SYSTEM if tok.low in _SYSTEM_WORDS else tok.low
        units.append((unit, tok.clause, tok.start, tok.end, tok))
        if unit == SYSTEM:
            add("has:SYSTEM", tok.start, tok.end)
        for lemma in tok.lem:
            add(f"w:{lemma}", tok.start, tok.end)
        i += 1

    negated_clause = -1
    for k, (unit, clause, start, end, tok) in enumerate(units):
        classes = _classes_of(tok) if unit not in (PERSON, SELF) else []
        for c in classes:
            add(f"c:{c}", start, end)
        if tok.low in _NEGATORS:
            negated_clause = clause
            add("neg", start, end)
        elif clause == negated_clause:
            for c in classes:
                if c in _FAILURE_CLASSES:
                    add(f"nc:{c}", start, end)
        if k == 0:
            add(f"first:{unit if unit in (PERSON, SELF, SYSTEM) else 'word'}", start, end)
        if k + 1 < len(units) and units[k + 1][1] == clause:
            nxt = units[k + 1]
            add(f"b:{unit} {nxt[0]}", start, nxt[3])
        if unit in (PERSON, SELF):
            for ahead in units[k + 1 : k + 1 + _LOOK_AHEAD]:
                if ahead[1] != clause or ahead[0] in (PERSON, SELF):
                    break
                for c in CLASSES:
                    if c in _FAILURE_CLASSES and has(ahead[4], C[c]):
                        add(f"pc:{unit}>{c}", start, ahead[3])
    for h in rule_hits:
        add(f"r:{h.family}", h.start, h.end)
        add("r:any", h.start, h.end)
    return out
