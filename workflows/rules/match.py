"""Token-sequence patterns (syntax in :mod:`workflows.rules.lexicon`), indexed by first element.

A pattern is tried only at tokens its first element can match (a dictionary look-up per candidate
lemma), and every element consumes a bounded number of tokens, so scanning a sentence costs a
constant per token: linear in the text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from workflows.rules.text import Token, fold

__all__ = ["Pattern", "PatternSet", "Predicate", "compile_pattern"]

Predicate = Callable[[Token], bool]


@dataclass(frozen=True)
class _Element:
    test: Predicate
    optional: bool = False
    gap: int = 0  # > 0: up to this many words, then the next element
    keys: frozenset[str] | None = None  # lemmas that can match, when known (for the index)


@dataclass(frozen=True)
class Pattern:
    """A compiled phrase pattern with whatever the check attaches to it (``info``)."""

    name: str
    source: str
    elements: tuple[_Element, ...]
    info: Mapping[str, object]


def _element(raw: str, classes: Mapping[str, frozenset[str]]) -> _Element:
    optional = raw.startswith("?") and len(raw) > 1
    body = raw[1:] if optional else raw
    if body.startswith("~") and body[1:].isdigit():
        return _Element(test=lambda t: t.word, gap=int(body[1:]))
    if body.startswith("=") and len(body) > 1:
        exact = frozenset(fold(w) for w in body[1:].split("|"))
        return _Element(test=lambda t: t.low in exact, optional=optional, keys=exact)
    if not any(ch.isalnum() for ch in body):
        return _Element(test=lambda t: t.text == body, optional=optional, keys=frozenset((body,)))
    alts: frozenset[str] = frozenset()
    for alt in body.split("|"):
        alts |= classes[alt[1:]] if alt.startswith("@") else frozenset((fold(alt),))
    return _Element(
        test=lambda t: t.word and not t.lem.isdisjoint(alts), optional=optional, keys=alts
    )


def compile_pattern(
    name: str, source: str, classes: Mapping[str, frozenset[str]], **info: object
) -> Pattern:
    elements = tuple(_element(raw, classes) for raw in source.split())
    if not elements or elements[0].optional or elements[0].gap or elements[0].keys is None:
        raise ValueError(f"pattern {name!r} must start with a required word: {source!r}")
    return Pattern(name=name, source=source, elements=elements, info=info)


class PatternSet:
    """Patterns indexed by the lemmas their first element accepts."""

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        self.patterns = tuple(patterns)
        self._index: dict[str, list[Pattern]] = {}
        for p in patterns:
            first = p.elements[0].keys
            assert first is not None
            for key in first:
                self._index.setdefault(key, []).append(p)

    def candidates(self, tok: Token) -> list[Pattern]:
        seen: list[Pattern] = []
        keys = tok.lem if tok.word else (tok.text,)
        for key in keys:
            for p in self._index.get(key, ()):
                if p not in seen:
                    seen.append(p)
        return seen

    def scan(self, tokens: Sequence[Token]) -> Iterator[tuple[Pattern, int, int]]:
        """Every (pattern, first token, last token) match in ``tokens``, left to right."""
        for i, tok in enumerate(tokens):
            for p in self.candidates(tok):
                end = _match(p.elements, tokens, i)
                if end is not None:
                    yield p, i, end


def _match(elements: tuple[_Element, ...], tokens: Sequence[Token], i: int) -> int | None:
    """Index of the last token of a match of ``elements`` at ``i``, or None (shortest gaps)."""
    return _at(elements, 0, tokens, i, i - 1)


def _at(
    elements: tuple[_Element, ...], k: int, tokens: Sequence[Token], i: int, last: int
) -> int | None:
    if k == len(elements):
        return last
    el = elements[k]
    if el.gap:
        # Try the rest after 0..gap words of the same clause.
        j = i
        for _ in range(el.gap + 1):
            found = _at(elements, k + 1, tokens, j, last)
            if found is not None:
                return found
            if j >= len(tokens) or not tokens[j].word:
                return None
            if last >= 0 and tokens[j].clause != tokens[last].clause:
                return None
            last, j = j, j + 1
        return None
    if i < len(tokens) and el.test(tokens[i]):
        found = _at(elements, k + 1, tokens, i + 1, i)
        if found is not None:
            return found
    if el.optional:
        return _at(elements, k + 1, tokens, i, last)
    return None
