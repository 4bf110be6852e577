"""JQL as the Jira imitation reads it (AND, IN, ORDER BY), its sort keys and page tokens."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

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


JQL_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<symbol>!=|=|\(|\)|,)|(?P<word>[^\s=!(),"]+))'
)


def jql_tokens(jql: str) -> Iterator[str]:
    position = 0
    while position < len(jql):
        if not jql[position:].strip():
            return
        match = JQL_TOKEN.match(jql, position)
        if match is None:
            raise JiraHttpError(
                400, error_body(f"Error in the JQL Query: unexpected '{jql[position:]}'.")
            )
        position = match.end()
        if match["string"] is not None:
            yield "\0" + re.sub(r"\\(.)", r"\1", match["string"][1:-1])  # \0 marks a literal
        else:
            yield match["symbol"] or match["word"]


def parse_jql(jql: str) -> tuple[list[tuple[str, str, list[str]]], list[tuple[str, bool]]]:
    """``a = x AND b in (y, z) ORDER BY created DESC`` -> clauses and ordering (AND only)."""
    tokens = list(jql_tokens(jql))
    clauses: list[tuple[str, str, list[str]]] = []
    order: list[tuple[str, bool]] = []

    def literal(token: str) -> str:
        return token[1:] if token.startswith("\0") else token

    def fail(reason: str) -> JiraHttpError:
        return JiraHttpError(
            400, error_body(f"Error in the JQL Query: {reason} (fake Jira: {jql})")
        )

    i = 0
    while i < len(tokens):
        word = tokens[i]
        if word.lower() == "order" and i + 1 < len(tokens) and tokens[i + 1].lower() == "by":
            i += 2
            while i < len(tokens):
                name = literal(tokens[i])
                descending = i + 1 < len(tokens) and tokens[i + 1].lower() == "desc"
                if i + 1 < len(tokens) and tokens[i + 1].lower() in ("asc", "desc"):
                    i += 1
                order.append((name, descending))
                i += 1
                if i < len(tokens) and tokens[i] == ",":
                    i += 1
            break
        if clauses:
            if word.lower() != "and":
                raise fail(f"expected AND or ORDER BY, found '{literal(word)}'")
            i += 1
        if i + 2 > len(tokens):
            raise fail("incomplete clause")
        name = literal(tokens[i])
        operator = tokens[i + 1].lower()
        i += 2
        if operator == "not" and i < len(tokens) and tokens[i].lower() == "in":
            operator, i = "not in", i + 1
        if operator in ("=", "!="):
            if i >= len(tokens):
                raise fail("a value is missing")
            values = [literal(tokens[i])]
            i += 1
        elif operator in ("in", "not in"):
            if i >= len(tokens) or tokens[i] != "(":
                raise fail("expected '(' after IN")
            values, i = [], i + 1
            while i < len(tokens) and tokens[i] != ")":
                if tokens[i] != ",":
                    values.append(literal(tokens[i]))
                i += 1
            i += 1
        else:
            raise fail(f"unsupported operator '{operator}'")
        clauses.append((name, operator, values))
    return clauses, order
