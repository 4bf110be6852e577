"""The checks' word lists and phrase patterns, read once at import from ``data/``.

The data files are the part of the checks people tune: JSON for word classes and phrase patterns,
plain text (one entry a line, ``#`` comments) for long name lists. They are read here, at import,
which happens outside the workflow sandbox (``workflow.unsafe.imports_passed_through``): at call
time nothing is read.

Phrase patterns are sequences of space-separated elements, matched token by token:

* ``a|b|c`` — a token one of whose candidate lemmas is a, b or c (so ``forget`` matches "forgot",
  "forgotten", "forgets");
* ``=word`` — the folded token itself, no lemmas;
* ``@class`` — a token in a word class of the same file (``@bad`` is ``classes.bad``);
* ``?elem`` — the element may be absent;
* ``~N`` — up to N further words of the same clause;
* punctuation stands for itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = ["LEX", "classes", "read_json", "read_list"]

_DATA = resources.files("workflows.rules") / "data"


def read_json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_DATA / name).read_text(encoding="utf-8"))
    return data


def read_list(name: str) -> frozenset[str]:
    """A file of words separated by spaces or lines, folded; ``#`` starts a comment."""
    from workflows.rules.text import fold

    out: set[str] = set()
    for line in (_DATA / name).read_text(encoding="utf-8").splitlines():
        for entry in line.split("#", 1)[0].split():
            out.add(fold(entry))
    return frozenset(out)


@dataclass(frozen=True)
class _Words:
    irregular: dict[str, str]
    contractions: frozenset[str]
    abbreviations: frozenset[str]
    clause_words: frozenset[str]


def _words() -> _Words:
    data = read_json("words.json")
    irregular: dict[str, str] = {}
    for base, forms in data["irregular"].items():
        for form in forms:
            irregular[form] = base
    return _Words(
        irregular=irregular,
        contractions=frozenset(data["contractions"]),
        abbreviations=frozenset(data["abbreviations"]),
        clause_words=frozenset(data["clause_words"]),
    )


LEX = _words()


def classes(data: dict[str, Any]) -> dict[str, frozenset[str]]:
    """The ``classes`` of a data file as frozensets of folded words."""
    return {name: frozenset(w.casefold() for w in words) for name, words in data["classes"].items()}
