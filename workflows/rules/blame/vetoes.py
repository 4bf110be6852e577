"""What takes evidence back: a negation that rejects it, a denial or a framing before it, a word
named rather than used.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.rules.names import C
from workflows.rules.text import Sentence, Token, has

__all__ = [
    "denied_before",
    "framed_rejection",
    "mentioned",
    "negated_before",
    "negation_start",
    "rejected",
    "retracts",
]


_WORDS_FOR_WORDS = frozenset(
    {
        "word",
        "words",
        "term",
        "terms",
        "language",
        "phrase",
        "phrases",
        "phrasing",
        "vocabulary",
        "adjective",
        "adjectives",
        "label",
        "labels",
        "wording",
    }
)


def mentioned(toks: Sequence[Token], i: int) -> bool:
    """Token ``i`` is named as a word, not used: "words such as careless", "terms like…"."""
    for k in range(i - 1, max(-1, i - 6), -1):
        if toks[k].low in _WORDS_FOR_WORDS:
            return True
        if toks[k].text in (".", ";", ":"):
            return False
    return False


def negation_start(sent: Sentence, i: int) -> int:
    """Start of "was not paying attention": back over the negator and its auxiliary."""
    toks = sent.tokens
    k = i - 1
    while k >= 0 and i - k <= 4 and toks[k].word:
        if has(toks[k], C["negators"]):
            if k > 0 and toks[k - 1].low in ("was", "were", "is", "are", "be", "been"):
                return k - 1
            return k
        k -= 1
    return i


def negated_before(sent: Sentence, i: int, window: int) -> bool:
    toks = sent.tokens
    for k in range(i - 1, max(-1, i - 1 - window), -1):
        if has(toks[k], C["negators"]):
            return True
        if not toks[k].word:
            return False
    return False


def rejected(sent: Sentence, i: int, j: int) -> bool:
    """Whether the phrase at ``i..j`` sits in a clause that rejects it.

    "not", "no one", "rather than", "instead of", "without", "it is tempting to" before it in its
    clause (or in the clause of the verb that introduces it: "we chose not to call this a
    mistake"), or "is not the cause", "misses the point" after it.
    """
    toks = sent.tokens
    clause = toks[i].clause
    k = i - 1
    steps = 0
    while k >= 0 and steps < 10:
        t = toks[k]
        if t.clause != clause:
            # "not to call this, as some would, human error": only through a framing verb.
            break
        if (
            has(t, C["rejection"])
            and not (t.low == "drop" and k + 1 < len(toks) and toks[k + 1].low == "the")
            and not _gerund_subject(toks, k, i)
        ):
            return True
        k -= 1
        steps += 1
    return _rejected_after(toks, j) or _retracted_after(toks, j)


def _gerund_subject(toks: Sequence[Token], k: int, i: int) -> bool:
    """The rejection word is a gerund that is the subject of the phrase's copula ("Removing it
    was a dumb idea"): it names the act being judged, it does not reject the judgement."""
    opens = k == 0 or toks[k - 1].clause != toks[k].clause or not toks[k - 1].word
    return (
        opens
        and toks[k].low.endswith("ing")
        and any(toks[m].low in ("was", "were") for m in range(k + 1, i + 1))
    )


_RETRACT = frozenset(
    {"removed", "dropped", "struck", "withdrew", "retracted", "rewrote", "reworded", "replaced"}
    | {"deleted", "rejected", "corrected", "amended"}
)
_WORDING = frozenset(
    {"wording", "label", "labels", "phrase", "phrasing", "framing", "term", "words", "verdict"}
    | {"sentence", "description", "characterisation", "characterization", "claim"}
)


def retracts(sent: Sentence) -> bool:
    """The sentence opens by taking back the wording of the one before: "(…an operator mistake;)
    we removed that wording because…", "That label was dropped from the final draft"."""
    toks = [t for t in sent.tokens[:8] if t.word]
    for k, t in enumerate(toks[:5]):
        if t.low in _RETRACT:
            return any(x.low in _WORDING for x in toks[max(0, k - 2) : k + 4])
    return False


def _retracted_after(toks: Sequence[Token], j: int) -> bool:
    """The phrase is taken back right after it: "the first draft called this an operator
    mistake; we removed that wording because the console gave no warning"."""
    for k in range(j + 1, min(len(toks) - 1, j + 10)):
        if toks[k].low in _RETRACT:
            words = toks[k + 1 : k + 4]
            return any(x.low in _WORDING for x in words)
    return False


_REJECT_AFTER = frozenset(
    {
        "miss",
        "misses",
        "missed",
        "unhelpful",
        "misleading",
        "cop-out",
        "lazy",
        "unfair",
        "wrong",
        "inaccurate",
        "incorrect",
        "simplistic",
        "oversimplification",
        "reductive",
        "hide",
        "hides",
        "obscure",
        "obscures",
        "conceal",
        "conceals",
        "distract",
        "distracts",
        "ignores",
        "overlooks",
    }
)


_EXPLAIN_NOTHING = frozenset({"nothing", "little", "none"})


_CAUSE_WORDS = frozenset(
    {
        "cause",
        "reason",
        "explanation",
        "answer",
        "story",
        "problem",
        "issue",
        "root",
        "why",
        "what",
        "it",
        "here",
        "culprit",
        "point",
        "factor",
        "whole",
    }
)


_BE = frozenset({"is", "was", "are", "were", "be", "been", "'s"})


def _rejected_after(toks: Sequence[Token], j: int) -> bool:
    """ "… is not the cause", "… misses the point", "… explains nothing", "… is misleading"."""
    n = len(toks)
    for k in range(j + 1, min(n, j + 7)):
        t = toks[k]
        if t.clause != toks[j].clause and t.low != "but":
            return False
        if t.low in _REJECT_AFTER:
            return True
        if t.low in ("explains", "explain", "explained") and k + 1 < n:
            return toks[k + 1].low in _EXPLAIN_NOTHING or (
                k + 2 < n and toks[k + 1].low == "very" and toks[k + 2].low == "little"
            )
        negated_be = t.low in ("isn't", "wasn't", "aren't", "weren't", "isnt", "wasnt") or (
            t.low == "not" and k > 0 and toks[k - 1].low in _BE
        )
        if negated_be:
            rest = [x for x in toks[k + 1 : k + 4] if x.word]
            return not rest or any(x.low in _CAUSE_WORDS for x in rest)
    return False


def denied_before(sent: Sentence, i: int) -> bool:
    """A denial just before a person's failure: "it was not the on-call's fault", "this wasn't
    a case of someone forgetting a step", "nobody thinks the DBA forgot"."""
    toks = sent.tokens
    clause = toks[i].clause if i < len(toks) else -1
    for k in range(i - 1, max(-1, i - 6), -1):
        t = toks[k]
        if t.clause != clause:
            return False
        if t.low in _DENIALS:
            return True
    return False


_DENIALS = frozenset(
    {
        "not",
        "n't",
        "wasn't",
        "isn't",
        "wasnt",
        "isnt",
        "weren't",
        "aren't",
        "nobody",
        "no-one",
        "none",
        "never",
        "rather",
        "instead",
    }
)


def framed_rejection(sent: Sentence, i: int) -> bool:
    """A counterfactual introduced as what not to say: "it is tempting to say…", "rather than"."""
    toks = sent.tokens
    clause = toks[i].clause
    for k in range(i - 1, max(-1, i - 12), -1):
        t = toks[k]
        if t.clause != clause and t.text not in (",",):
            return False
        if t.low in _FRAMES and (
            t.low not in _FRAMES_BEFORE_TO or (k + 1 < i and toks[k + 1].low in ("to", "that"))
        ):
            return True  # "it is wrong to say…"; not "the wrong bucket was deleted by…"
        if t.low in _DENIERS and any(has(x, _SAYING) for x in toks[k + 1 : min(i, k + 4)]):
            return True  # "we chose not to say that…", "nobody here thinks…"
    return False


_DENIERS = frozenset({"not", "n't", "never", "nobody", "no-one", "none"})


_FRAMES_BEFORE_TO = frozenset({"wrong", "easy", "unfair", "misleading", "tempting"})


_SAYING = C["reject_frames"] | frozenset(
    {"say", "claim", "suggest", "imply", "think", "believe", "mean", "argue", "assert", "feel"}
)


_FRAMES = frozenset(
    {
        "tempting",
        "easy",
        "rather",
        "instead",
        "unfair",
        "wrong",
        "misleading",
        "avoid",
        "resist",
        "refuse",
        "hindsight-bias",
    }
)
