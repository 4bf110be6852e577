"""Query parameters and CQL as the Confluence imitation reads them (400 for what it cannot)."""

from __future__ import annotations

from tests.fakes.clauses import Clause, parse_clauses, tokens
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


def parse_cql(cql: str) -> list[Clause]:
    """``a = x AND b in (y, "z") AND c ~ w`` (AND only) into clauses; ORDER BY is ignored."""

    def fail(reason: str) -> ConfluenceHttpError:
        only_and = " (the fake supports AND)" if reason.startswith("expected AND") else ""
        return ConfluenceHttpError(400, f"Could not parse cql : {cql}{only_and}")

    found = tokens(cql, ("=", "!=", "~"), lambda _: fail("unexpected"))
    clauses, _ = parse_clauses(
        found, ("=", "!=", "~"), fail, lambda found, i: found[i].lower() == "order"
    )
    return clauses
