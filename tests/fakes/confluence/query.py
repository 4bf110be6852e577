"""Query parameters and CQL as the Confluence imitation reads them (400 for what it cannot)."""

from __future__ import annotations

import re

from tests.fakes.confluence.model import ConfluenceHttpError

__all__ = ["body_format_param", "first_param", "flag_param", "int_param", "parse_cql"]


def int_param(query: dict[str, list[str]], name: str, default: int, low: int, high: int) -> int:
    raw = (query.get(name) or [str(default)])[0]
    try:
        value = int(raw)
    except ValueError:
        raise ConfluenceHttpError(400, f"{name} must be an integer") from None
    if not low <= value <= high:
        raise ConfluenceHttpError(400, f"{name} must be between {low} and {high}")
    return value


def first_param(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def flag_param(query: dict[str, list[str]], name: str) -> bool:
    return (query.get(name) or ["false"])[0].lower() == "true"


def body_format_param(query: dict[str, list[str]], allowed: tuple[str, ...]) -> str | None:
    wanted = first_param(query, "body-format")
    if wanted is not None and wanted not in allowed:
        raise ConfluenceHttpError(400, f"Invalid body-format: {wanted}")
    return wanted


CQL_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<symbol>!=|=|~|\(|\)|,)|(?P<word>[^\s=!~(),"]+))'
)


def parse_cql(cql: str) -> list[tuple[str, str, list[str]]]:
    """``a = x AND b in (y, "z") AND c ~ w`` (AND only) into clauses; ORDER BY is ignored."""
    tokens: list[str] = []
    position = 0
    while position < len(cql) and cql[position:].strip():
        match = CQL_TOKEN.match(cql, position)
        if match is None:
            raise ConfluenceHttpError(400, f"Could not parse cql : {cql}")
        position = match.end()
        if match["string"] is not None:
            tokens.append("\0" + re.sub(r"\\(.)", r"\1", match["string"][1:-1]))
        else:
            tokens.append(match["symbol"] or match["word"])

    def literal(token: str) -> str:
        return token[1:] if token.startswith("\0") else token

    clauses: list[tuple[str, str, list[str]]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].lower() == "order":
            break
        if clauses:
            if tokens[i].lower() != "and":
                raise ConfluenceHttpError(
                    400, f"Could not parse cql : {cql} (the fake supports AND)"
                )
            i += 1
        if i + 1 >= len(tokens):
            raise ConfluenceHttpError(400, f"Could not parse cql : {cql}")
        name = literal(tokens[i])
        operator = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
        i += 2
        if operator == "not" and i < len(tokens) and tokens[i].lower() == "in":
            operator, i = "not in", i + 1
        if operator in ("=", "!=", "~"):
            if i >= len(tokens):
                raise ConfluenceHttpError(400, f"Could not parse cql : {cql}")
            values = [literal(tokens[i])]
            i += 1
        elif operator in ("in", "not in"):
            if i >= len(tokens) or tokens[i] != "(":
                raise ConfluenceHttpError(400, f"Could not parse cql : {cql}")
            values, i = [], i + 1
            while i < len(tokens) and tokens[i] != ")":
                if tokens[i] != ",":
                    values.append(literal(tokens[i]))
                i += 1
            i += 1
        else:
            raise ConfluenceHttpError(400, f"Could not parse cql : {cql}")
        clauses.append((name, operator, values))
    return clauses
