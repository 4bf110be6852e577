"""What the readings of a root cause share: the lexicon of ``data/root_cause.json``, the negations
that mark a gap, and a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflows.codes import Code
from workflows.rules.lexicon import classes, read_json

__all__ = ["NEG_FOR_GAP", "C", "Verdict"]


C = classes(read_json("root_cause.json"))


NEG_FOR_GAP = frozenset(
    {
        "not",
        "never",
        "doesn't",
        "don't",
        "isn't",
        "aren't",
        "hasn't",
        "haven't",
        "hadn't",
        "hadnt",
        "didn't",
        "wasn't",
        "weren't",
        "cannot",
        "can't",
        "won't",
        "doesnt",
        "dont",
        "isnt",
        "arent",
        "hasnt",
        "havent",
        "didnt",
        "wasnt",
        "werent",
        "cant",
        "wont",
        "nobody",
        "no-one",
    }
)


@dataclass(slots=True)
class Verdict:
    code: Code
    start: int
    end: int
    message: str
