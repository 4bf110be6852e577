"""The query languages the Atlassian imitations read (Jira's JQL, Confluence's CQL), as far as they
read them: AND-joined clauses ``field = value``, ``field != value`` (and CQL's ``field ~ text``),
``field in (a, "b")`` and ``field not in (...)``, up to where the language's ordering starts.

A quoted string is one token marked with a leading ``\\0`` (:func:`literal` takes the mark off),
so ``"and"`` in quotes is a value, never the keyword.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

__all__ = ["Clause", "literal", "parse_clauses", "tokens"]

#: (field, operator in lower case, values)
Clause = tuple[str, str, list[str]]


def tokens(
    text: str, operators: Sequence[str], unexpected: Callable[[str], Exception]
) -> list[str]:
    """``text`` as tokens: quoted strings, the operator symbols, parentheses, commas and words;
    ``unexpected(rest)`` is raised where none of them starts."""
    symbols = sorted({*operators, "!=", "=", "(", ")", ","}, key=len, reverse=True)
    stops = re.escape("".join(sorted({c for s in symbols for c in s} | {'"'})))
    pattern = re.compile(
        r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")'
        rf"|(?P<symbol>{'|'.join(re.escape(s) for s in symbols)})"
        rf"|(?P<word>[^\s{stops}]+))"
    )
    found: list[str] = []
    position = 0
    while position < len(text) and text[position:].strip():
        match = pattern.match(text, position)
        if match is None:
            raise unexpected(text[position:])
        position = match.end()
        if match["string"] is not None:
            found.append("\0" + re.sub(r"\\(.)", r"\1", match["string"][1:-1]))
        else:
            found.append(match["symbol"] or match["word"])
    return found


def literal(token: str) -> str:
    """A token's text, a quoted string's without its mark."""
    return token[1:] if token.startswith("\0") else token


def parse_clauses(
    found: list[str],
    single: Sequence[str],
    fail: Callable[[str], Exception],
    stop: Callable[[list[str], int], bool],
) -> tuple[list[Clause], int]:
    """The AND-joined clauses at the start of ``found``, and the index where ``stop`` said the
    clauses end (or the end). ``single`` are the one-value operators (``=``, ``!=``...); ``in``
    and ``not in`` take a parenthesised list. ``fail(reason)`` is raised for what does not parse."""
    clauses: list[Clause] = []
    i = 0
    while i < len(found):
        if stop(found, i):
            break
        if clauses:
            if found[i].lower() != "and":
                raise fail(f"expected AND or ORDER BY, found '{literal(found[i])}'")
            i += 1
        if i + 1 >= len(found):
            raise fail("incomplete clause")
        name = literal(found[i])
        operator = found[i + 1].lower()
        i += 2
        if operator == "not" and i < len(found) and found[i].lower() == "in":
            operator, i = "not in", i + 1
        if operator in single:
            if i >= len(found):
                raise fail("a value is missing")
            values = [literal(found[i])]
            i += 1
        elif operator in ("in", "not in"):
            if i >= len(found) or found[i] != "(":
                raise fail("expected '(' after IN")
            values, i = [], i + 1
            while i < len(found) and found[i] != ")":
                if found[i] != ",":
                    values.append(literal(found[i]))
                i += 1
            i += 1
        else:
            raise fail(f"unsupported operator '{operator}'")
        clauses.append((name, operator, values))
    return clauses, i
