"""What the wording checks share: the lexicon of ``data/smart.json``, its phrases and suggestions, a
vague finding, and what makes a token concrete (a number, an identifier, a quantity).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from workflows.codes import Code
from workflows.rules.common import SMART_QUESTION, squash
from workflows.rules.lexicon import classes, read_json
from workflows.rules.match import PatternSet, compile_pattern
from workflows.rules.text import Token, has, split

__all__ = [
    "DONE_WHEN_HINT",
    "KIND_MESSAGES",
    "LEAD_INS",
    "MECHANISM_PREPS",
    "PHRASES",
    "RAW",
    "SUGGESTIONS",
    "WITH_TOPIC",
    "C",
    "Vague",
    "all_concrete",
    "concrete_token",
    "default_suggestion",
    "has_threshold",
    "identifier",
    "numeric",
    "quantity",
    "suggestion_key",
    "value_quantity",
    "word_tokens",
]


RAW = read_json("smart.json")


C = classes(RAW)


PHRASES = PatternSet(
    [
        compile_pattern(
            p["name"],
            p["pattern"],
            C,
            kind=p["kind"],
            veto_next=p.get("veto_next", []),
            veto_prev=p.get("veto_prev", []),
        )
        for p in RAW["phrases"]
    ]
)


SUGGESTIONS: dict[str, str] = dict(RAW["suggestions"])


DONE_WHEN_HINT = (
    f"{SMART_QUESTION} State an observable check someone else can verify, e.g. "
    '"the alert fires in staging when replica lag exceeds 30 s" or '
    '"the runbook page is linked from the alert".'
)


LEAD_INS = frozenset(
    {
        "we",
        "we're",
        "we\u2019re",
        "we'll",
        "we\u2019ll",
        "still",
        "currently",
        "both",
        "should",
        "will",
        "must",
        "to",
        "please",
        "let's",
        "lets",
        "need",
        "needs",
        "i",
        "the",
        "team",
        "action",
        "todo",
        "ai",
        "item",
        "task",
        "owner",
        "then",
        "also",
        "and",
        "first",
        "next",
        "finally",
        "immediately",
        "urgently",
        "quickly",
        "-",
        "*",
    }
)


MECHANISM_PREPS = frozenset({"by", "via", "through", "using", "with"})


WITH_TOPIC = frozenset(
    {"happened", "happens", "wrong", "problem", "problems", "issue", "issues", "going", "up"}
)


@dataclass(slots=True)
class Vague:
    start: int
    end: int
    code: Code
    message: str
    hint: str
    suggestion: str | None = None


def word_tokens(text: str) -> list[Token]:
    out: list[Token] = []
    for sent in split(text):
        out.extend(sent.tokens)
    return out


def numeric(tok: Token) -> bool:
    """A number, in digits or in words ("two approvals", "once a week")."""
    return tok.digit or tok.low in C["number_words"]


def identifier(tok: Token) -> bool:
    """A name of a concrete thing: search-3, orders.created_at, payments-api, FooService, `x`."""
    t = tok.text
    if not tok.word:
        return False
    if any(c.isdigit() for c in t) or "_" in t or "/" in t or ("." in t and not t.endswith(".")):
        return True
    if len(t) > 2 and t[-1] == "s" and t[:-1].isupper():
        return False  # "VMs", "APIs", "SLOs": the plural of a common acronym, not a name
    inner_caps = sum(1 for c in t[1:] if c.isupper())
    return inner_caps >= 1 and any(c.islower() for c in t)


def quantity(toks: Sequence[Token], k: int) -> bool:
    """A number that sets a value: not a ticket reference ("#4669") or a version ("v2")."""
    t = toks[k]
    if not numeric(t):
        return False
    if k > 0 and toks[k - 1].text == "#":
        return False
    if t.low.endswith("xx") or (t.low.endswith("s") and t.low[:-1].isdigit()):
        return False  # "5xx", "500s": a class of responses, not a value
    return not (t.low[:1] == "v" and t.low[1:2].isdigit())


def value_quantity(toks: Sequence[Token], k: int) -> bool:
    """A :func:`quantity` written as a value: its digits come first, after a sign at most ("40",
    "2.5", "90%", "10ms", "$5", "~30"). A name with a digit in it ("orders-db-2", "S3",
    "INC-4471", "sev-3") makes a title concrete but gives no value: "raise the pool size on
    orders-db-2 to a reasonable number" still leaves the value undefined."""
    if not quantity(toks, k):
        return False
    text = toks[k].text
    if not toks[k].digit:
        return True  # a number word: "two approvals"
    head = text[1:] if text[:1] in "$€£+-~<>≤≥." else text
    if _DATE.fullmatch(text):
        return False  # "the 2026-03-14 outage": a date names an event, it sets no value
    return head[:1].isdigit()


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def concrete_token(t: Token) -> bool:
    return numeric(t) or identifier(t) or t.quoted or (t.word and has(t, C["artifacts"]))


def all_concrete(toks: Sequence[Token]) -> bool:
    return any(concrete_token(t) for t in toks)


def has_threshold(toks: Sequence[Token]) -> bool:
    return any(numeric(t) for t in toks)


KIND_MESSAGES = {
    "investigate": "it asks for an investigation with no concrete step or pass condition.",
    "monitor": "it names no metric threshold or alert.",
    "care": "it asks people for care instead of changing the system.",
    "ensure": "it names no check that makes sure.",
    "discussion": "it asks for a discussion with no output.",
    "vague": "it names no concrete change.",
    "need": "it states a need, not the change that meets it.",
    "goal": "it states a goal, not the change that will reach it.",
}


def suggestion_key(name: str, kind: str) -> str:
    return name if name in SUGGESTIONS else kind


def default_suggestion(span: str) -> str:
    return f'Replace "{squash(span)}" with the concrete change you will make.'
