"""Titles that name an outcome or a quality instead of a change, or a condition with no
threshold: "Add resilience to the checkout service", "99.99% uptime for the auth API", "Page the
storage on-call when replication lags".

Each reading looks at a bounded window after one token, so a title costs time linear in its
length. :func:`workflows.rules.vague.title.title_findings` reports what these return.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.rules.text import Token, has
from workflows.rules.vague.facts import Facts
from workflows.rules.vague.words import C, numeric

__all__ = ["Outcome", "outcome_spans"]

#: (first token, last token, message, suggestion key)
Outcome = tuple[int, int, str, str]

#: Verbs that bring something into being: with a quality as their object they name no change.
_GIVING = frozenset(
    {"add", "bring", "build", "increase", "introduce", "boost", "raise", "give", "provide"}
)

#: Words between such a verb and its object.
_DETERMINERS = frozenset({"a", "an", "the", "some", "more", "extra", "better", "real", "proper"})

#: What may follow a quality that is the head of its phrase ("resilience to the checkout
#: service"), as against a quality modifying a thing ("security headers").
_AFTER_HEAD = frozenset({"to", "for", "in", "on", "of", "across", "around", "into", "at", "and"})

#: Comparisons that make a number a target rather than a setting.
_TARGET_WORDS = frozenset({"under", "below", "above", "over", "within", "least", "<", ">", "%"})

_CONDITIONS = frozenset({"when", "whenever", "if", "once", "as"})


def outcome_spans(
    toks: Sequence[Token], heads: Sequence[int], facts: Facts, has_verb: bool
) -> list[Outcome]:
    """Outcome, quality and threshold-less condition spans of a title's tokens."""
    out: list[Outcome] = []
    has_number = facts.number[0]
    for h in heads:
        quality = _quality_object(toks, h, facts)
        if quality is not None and not has_number:
            out.append((h, quality, "it names a quality to add, not the change.", "improve"))
    words = [t for t in toks if t.word]
    if words and has_number and not has_verb:
        target = _target(toks)
        if target is not None:
            out.append((target[0], target[1], "it states a goal, not the change.", "goal"))
    if not has_number:
        for k, t in enumerate(toks):
            if t.low not in _CONDITIONS:
                continue
            for m in range(k + 1, min(len(toks), k + 6)):
                if not toks[m].word:
                    break
                if _trend_at(toks, m):
                    out.append((k, m, "the threshold is left undefined.", "undefined"))
                    break
    return out


_STATE_VERBS = frozenset({"is", "are", "gets", "get", "becomes", "become", "looks", "goes"})


def _trend_at(toks: Sequence[Token], m: int) -> bool:
    """A trend or a state with no value: "replication lags", "latency is elevated", "the queue
    gets too long"."""
    t = toks[m]
    if m > 0 and toks[m - 1].low == "to":
        return False  # "if you need to jump through a box": an act someone takes, not a trend
    if has(t, C["trend_verbs"]) and t.low not in ("drop", "fall"):
        return True
    return (
        m > 0
        and toks[m - 1].low in _STATE_VERBS
        and has(t, C["undefined_values"])
        and t.low not in ("some", "certain", "necessary", "needed", "required", "normal")
    )


def _quality_object(toks: Sequence[Token], h: int, facts: Facts) -> int | None:
    """ "Add resilience to…", "bring more visibility into…": the object is a quality."""
    if not has(toks[h], _GIVING):
        return None
    k = h + 1
    while k < len(toks) and toks[k].low in _DETERMINERS and k - h < 3:
        k += 1
    if k >= len(toks) or not has(toks[k], C["quality_nouns"]):
        return None
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    if nxt is not None and nxt.word and nxt.low not in _AFTER_HEAD:
        return None  # "add security headers": the quality names a thing
    if facts.rescued("vague", k):
        return None  # "add redundancy by running a second NAT gateway in eu-west-1b"
    return k


def _target(toks: Sequence[Token]) -> tuple[int, int] | None:
    """A verbless title whose number is a target for a metric: "99.99% uptime for the auth
    API", "p99 under 300 ms for search"."""
    metric = next((k for k, t in enumerate(toks) if t.word and has(t, C["goal_metrics"])), None)
    if metric is None:
        return None
    for k, t in enumerate(toks):
        if not numeric(t):
            continue
        near = toks[max(0, k - 2) : k + 2]
        if any(x.low in _TARGET_WORDS or x.text.endswith("%") for x in near):
            first = min(k, metric)
            return first, max(k, metric)
    return None
