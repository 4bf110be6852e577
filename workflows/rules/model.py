"""Small linear models over interpretable features: a second opinion beside the rules.

The rules in :mod:`.blameless`, :mod:`.smart` and :mod:`.root_cause` recognise the constructions
their authors wrote down. Text written by other people says the same things in other ways: "the
QA lead signed off on a build that had never run the migration" blames without a single phrase of
the rules. A logistic model over *abstracted* features — a token's word class rather than the
word ("a role, then a sign-off verb, then a negation"), who the subject of each verb is, whether a
sentence has a number, a system name, a failure event — weighs the evidence a sentence carries
as a whole, and generalises from the corpus's dev part to sentences it has never seen.

How the checks use it (each check says so in its docstring): a text the rules leave alone gets a
model finding only when the model's probability clears the threshold stored with the weights
*and* the text holds the kind of evidence the finding must point at (a person, a vague verb, an
effect word). The finding's span is that evidence, and its message names the words that weighed
most, so a person sees why, as with every other finding.

Weights are JSON in ``data/model_<check>.json``, written by ``python -m workflows.rules.train.model``
from the dev part only (full-batch gradient descent from zero weights: deterministic, no random
seed involved). They are read once at import; scoring a text is one dictionary look-up per
feature, so it is linear in the text and reads no clock, file or randomness (workflow-safe).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workflows.rules.lexicon import read_json
from workflows.rules.people import C, Names, name_at, subject_of
from workflows.rules.text import Sentence, Token, has

#: A feature and the token it was read at (``-1``: the text as a whole).
Feature = tuple[str, int]


@dataclass(frozen=True)
class Model:
    """Weights of one check's logistic model and the probability a finding needs."""

    bias: float
    weights: dict[str, float]
    threshold: float

    def score(self, features: Iterable[Feature]) -> tuple[float, list[tuple[float, str, int]]]:
        """The probability, and each feature's contribution (largest first, each once)."""
        total = self.bias
        seen: set[str] = set()
        parts: list[tuple[float, str, int]] = []
        for name, at in features:
            if name in seen:
                continue
            seen.add(name)
            w = self.weights.get(name)
            if w is not None:
                total += w
                parts.append((w, name, at))
        parts.sort(key=lambda p: (-p[0], p[1]))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total)))), parts


def load(check: str) -> Model | None:
    """The committed model of ``check`` (``blame``, ``vague``, ``symptom``), if one is trained."""
    try:
        data = read_json(f"model_{check}.json")
    except FileNotFoundError:
        return None
    return Model(
        bias=float(data["bias"]),
        weights={str(k): float(v) for k, v in data["weights"].items()},
        threshold=float(data["threshold"]),
    )


# --- word classes ---------------------------------------------------------------------------

_RAW = read_json("blame.json")
_SHOULD = frozenset(_RAW["should_forms"])
_WOULD = frozenset(_RAW["would_forms"])
_HAVE = frozenset(_RAW["have_forms"])

_SELF = frozenset({"i", "we", "me", "us", "my", "our", "myself", "ourselves", "mine", "ours"})
_THIRD = frozenset({"he", "she", "they", "him", "her", "them", "his", "hers", "their"})
_ANYONE = frozenset(
    {"someone", "somebody", "anyone", "anybody", "whoever", "nobody", "no-one", "everyone"}
)
#: Function words kept as themselves: they carry the construction ("by", "if", "without").
_FUNCTION = frozenset(
    (
        "the a an this that these those it its is was were be been being are has had have "
        "do did does to of on in at for from with without by as and or but because so when "
        "after before despite instead while if unless though although again always still just "
        "also even only yet another more less too very all any no not never nothing none "
        "should would could must might may can will shall which who whom what there here "
        "then than up down off out over into through about against once twice"
    ).split()
)

# Classes in the order they are tried: a token gets the first that fits, and its word.
_CLASSES: tuple[tuple[str, frozenset[str]], ...] = (
    ("HUMAN", C["human_only"]),
    ("FAIL", C["strong_fail"]),
    ("DESTROY", C["destructive"]),
    ("HARM", C["harm_verbs"]),
    ("CAUSE", C["cause_verbs"]),
    ("BAD", C["bad"]),
    ("PRAISE", C["praise"] | C["credit"]),
    ("TECH", C["technical_fault"]),
    ("REJECT", C["rejection"]),
    ("EVENT", C["failure_events"] | C["sarcasm_events"]),
    ("RECOVER", C["recovery_words"]),
    ("RECEIVE", C["receiving"]),
    ("OMIT", C["omission_verbs"]),
    ("ACT", C["weak_fail"]),
    ("CHANGE", C["change_nouns"]),
    ("ALERT", C["alert_nouns"]),
)
_ROLE = C["person_nouns"] - _SELF - _THIRD - _ANYONE
_TEAM = C["team_names"] | C["group_heads"]
_USERS = C["not_agents"]


def token_class(sent: Sentence, i: int, known: Names) -> str:
    """The abstract class of token ``i``: a person kind, a lexicon class, a function word, W."""
    tok = sent.tokens[i]
    if not tok.word:
        return tok.text if tok.text in ",:;()\"'?!" else "P"
    low = tok.low
    if tok.quoted:
        return "Q"
    if low in _SELF:
        return "SELF"
    if low in _THIRD:
        return "PRON"
    if low in _ANYONE:
        return "ANYONE"
    if has(tok, _USERS) and not tok.cap:
        return "USER"
    if name_at(sent, i, known) is not None:
        return "NAME"
    if has(tok, _ROLE):
        return "ROLE"
    if low in _TEAM or has(tok, _TEAM):
        return "TEAM"
    if low in _SHOULD:
        return "SHOULD"
    if low in _WOULD:
        return "WOULD"
    if has(tok, C["did_not"]) or low in ("not", "never", "no", "n't"):
        return "NEG"
    if low in _FUNCTION:
        return low
    if low in _HAVE:
        return "HAVE"
    for name, words in _CLASSES:
        if has(tok, words):
            return name
    if tok.digit:
        return "NUM"
    if tok.cap and not tok.first:
        return "CAP"
    return "W"


_PERSONS = frozenset({"SELF", "PRON", "ANYONE", "NAME", "ROLE", "TEAM"})
_VERBS = frozenset({"HUMAN", "FAIL", "DESTROY", "HARM", "CAUSE", "OMIT", "ACT", "RECEIVE", "RECOVER"})


def sentence_features(sent: Sentence, known: Names) -> list[Feature]:
    """The blame features of one sentence: classes, class n-grams, words, subjects of verbs."""
    toks = sent.tokens
    classes = [token_class(sent, i, known) for i in range(len(toks))]
    out: list[Feature] = [("BIAS_SENT", -1)]
    words = [i for i, t in enumerate(toks) if t.word]
    if sent.shouted:
        out.append(("SHOUTED", -1))
    people = [i for i in words if classes[i] in _PERSONS]
    if not people:
        out.append(("NO_PERSON", -1))
    for i in words:
        c = classes[i]
        out.append((f"c:{c}", i))
        if c not in ("Q", "NAME", "NUM", "CAP"):
            out.append((f"w:{min(toks[i].lem, key=len)}", i))
    # class bigrams and trigrams over words (punctuation kept as a boundary class)
    seq = [(classes[i], i) for i in range(len(toks))]
    for k in range(len(seq)):
        a, ia = seq[k]
        if k + 1 < len(seq):
            b, _ = seq[k + 1]
            out.append((f"b:{a}_{b}", ia))
            if k + 2 < len(seq):
                c3, _ = seq[k + 2]
                out.append((f"t:{a}_{b}_{c3}", ia))
    # who is the subject of each verb-like word
    for i in words:
        c = classes[i]
        if c not in _VERBS:
            continue
        subj = subject_of(sent, i, known)
        kind = subj.kind
        if kind == "person" and subj.start <= subj.end and classes[subj.end] == "SELF":
            kind = "self"
        out.append((f"s:{kind}_{c}", i))
        negated = i > 0 and classes[i - 1] == "NEG" or (i > 1 and classes[i - 2] == "NEG")
        if negated:
            out.append((f"sn:{kind}_{c}", i))
    return out


def evidence(sent: Sentence, parts: Sequence[tuple[float, str, int]], limit: int = 3) -> list[str]:
    """The words behind the heaviest positive features, for a finding's message."""
    toks = sent.tokens
    out: list[str] = []
    for w, _, at in parts:
        if w <= 0:
            break
        if 0 <= at < len(toks):
            word = toks[at].text
            if word not in out:
                out.append(word)
        if len(out) >= limit:
            break
    return out


def person_span(sent: Sentence, known: Names) -> tuple[Token, Token] | None:
    """The first person of the sentence to the end of its clause: what a model finding marks."""
    toks = sent.tokens
    for i, t in enumerate(toks):
        if not t.word:
            continue
        c = token_class(sent, i, known)
        if c in _PERSONS:
            j = i
            while j + 1 < len(toks) and toks[j + 1].clause == t.clause:
                j += 1
            while j > i and not toks[j].word:
                j -= 1
            return t, toks[j]
    return None
