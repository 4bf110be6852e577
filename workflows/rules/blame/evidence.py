"""What the readings of blame share: a hit, the lexicon's raw data, the words for acts that end a
failure, and where a span starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workflows.rules.lexicon import read_json
from workflows.rules.names import C
from workflows.rules.people import Phrase
from workflows.rules.text import Token, fold

__all__ = [
    "CREDIT",
    "CREDIT_ACTS",
    "HAVE",
    "PASSIVE_AUX",
    "RAW",
    "TAKE_FAMILY",
    "Hit",
    "fold_name",
    "span_start",
    "users_pronoun",
]


RAW = read_json("blame.json")


HAVE = frozenset(RAW["have_forms"])


CREDIT = C["credit"]


@dataclass(slots=True)
class Hit:
    start: int  # character offsets
    end: int
    family: str
    name: str | None = None  # the responder or given name, for person findings
    rank_bonus: int = 0


PASSIVE_AUX = frozenset({"was", "were", "been", "is", "are", "be", "got", "get", "gets"})


# Acts that end a failure rather than start it: "the outage ended when Lars rolled back".
CREDIT_ACTS = frozenset(
    {
        "roll",
        "revert",
        "restore",
        "fix",
        "recover",
        "mitigate",
        "resolve",
        "page",
        "escalate",
        "notice",
        "spot",
        "detect",
        "join",
        "declare",
        "open",
        "acknowledge",
        "ack",
        "investigate",
    }
)


TAKE_FAMILY = frozenset(
    {"take", "took", "taken", "takes", "bring", "brought", "brings", "knock", "knocked"}
)


def users_pronoun(toks: Sequence[Token], phrase: Phrase) -> bool:
    """ "they" standing for users or customers named shortly before."""
    return toks[phrase.end].low in ("they", "them") and any(
        t.low in C["not_agents"] for t in toks[max(0, phrase.start - 12) : phrase.start]
    )


_LEADING = frozenset({"the", "a", "an", "then", "our", "so", "and"})


def span_start(toks: Sequence[Token], subject: Phrase) -> int:
    """Where the span people read starts: the phrase's first content word ("The" is left out),
    and back over a name written family name first ("Petrenko, Oksana")."""
    start = subject.start
    while start < subject.end and toks[start].low in _LEADING:
        start += 1
    if (
        subject.name
        and start >= 2
        and toks[start - 1].text == ","
        and toks[start - 2].word
        and toks[start - 2].cap
        and fold_name(toks[start - 2].low) in fold_name(subject.name)
    ):
        start -= 2
    return start


def fold_name(name: str) -> str:
    return fold(name).replace(".", "")
