"""JQL as the Jira imitation reads it (AND, IN, ORDER BY), its sort keys and page tokens."""

from __future__ import annotations

import base64
from typing import Any

from tests.fakes.clauses import Clause, literal, parse_clauses, tokens
from tests.fakes.jira.model import FakeIssue, JiraHttpError, error_body

__all__ = ["decode_token", "encode_token", "parse_jql", "sort_key"]


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"fake-jira:{offset}".encode()).decode()


def decode_token(token: str) -> int:
    try:
        prefix, _, offset = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if prefix != "fake-jira":
            raise ValueError(token)
        return int(offset)
    except ValueError:
        raise JiraHttpError(400, error_body("The nextPageToken is invalid.")) from None


def sort_key(issue: FakeIssue, name: str) -> Any:
    if name in ("created", "createdDate"):
        return (issue.created, issue.id)
    if name in ("updated", "updatedDate"):
        return (issue.updated, issue.id)
    if name in ("key", "issuekey", "id"):
        return issue.id
    raise JiraHttpError(400, error_body(f"Not able to sort using field '{name}'."))


def parse_jql(jql: str) -> tuple[list[Clause], list[tuple[str, bool]]]:
    """``a = x AND b in (y, z) ORDER BY created DESC`` -> clauses and ordering (AND only)."""

    def unexpected(rest: str) -> JiraHttpError:
        return JiraHttpError(400, error_body(f"Error in the JQL Query: unexpected '{rest}'."))

    def fail(reason: str) -> JiraHttpError:
        return JiraHttpError(
            400, error_body(f"Error in the JQL Query: {reason} (fake Jira: {jql})")
        )

    def order_by(found: list[str], i: int) -> bool:
        return found[i].lower() == "order" and i + 1 < len(found) and found[i + 1].lower() == "by"

    found = tokens(jql, ("=", "!="), unexpected)
    clauses, i = parse_clauses(found, ("=", "!="), fail, order_by)
    order: list[tuple[str, bool]] = []
    if i < len(found):  # ORDER BY name [ASC|DESC], ...
        i += 2
        while i < len(found):
            name = literal(found[i])
            descending = i + 1 < len(found) and found[i + 1].lower() == "desc"
            if i + 1 < len(found) and found[i + 1].lower() in ("asc", "desc"):
                i += 1
            order.append((name, descending))
            i += 1
            if i < len(found) and found[i] == ",":
                i += 1
    return clauses, order
