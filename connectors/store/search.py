"""Full-text search over a review's titles, five whys, root causes and items, on either database.

SQLite uses an FTS5 table (``review_search``, rowid = the review's id); PostgreSQL a ``tsvector``
column with a GIN index (``review_search.document``). Both index the same text, tokenised here
rather than by the database: words are runs of letters and digits, lower-cased. So "db-01",
"db_01" and "DB 01" are the same two words everywhere, and a query finds the same reviews on both
databases. Each query word matches as a prefix ("deploy" finds "deployment"); all words must
match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Connection, Integer, column, text
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.selectable import TextualSelect

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_QUERY_WORDS",
    "MAX_WORD_CHARS",
    "WORD",
    "PostgresSearch",
    "Search",
    "SearchQueryError",
    "SqliteSearch",
    "document",
    "for_dialect",
    "query_words",
    "words",
]

WORD = re.compile(r"[^\W_]+")
#: Query limits: a search is a few words, not a document.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
MAX_WORD_CHARS = 60


class SearchQueryError(ValueError):
    """A ``q`` the search cannot use; the message says why."""


def words(value: str) -> list[str]:
    """The words of a text as the index sees them."""
    return WORD.findall(value.casefold())


def document(parts: Iterable[str | None]) -> str:
    """The indexed text of a review: its words, space-separated."""
    return " ".join(w for part in parts if part for w in words(part))


def query_words(q: str) -> list[str]:
    """The words of a search, checked against the limits."""
    if len(q) > MAX_QUERY_CHARS:
        raise SearchQueryError(f"q is longer than {MAX_QUERY_CHARS} characters")
    found = words(q)
    if not found:
        raise SearchQueryError("q has no letters or digits to search for")
    if len(found) > MAX_QUERY_WORDS:
        raise SearchQueryError(f"q has more than {MAX_QUERY_WORDS} words")
    return [w[:MAX_WORD_CHARS] for w in dict.fromkeys(found)]


class Search:
    """One dialect's index: how to write a review's document and how to match a query."""

    def write(self, connection: Connection, review_id: int, body: str) -> None:
        raise NotImplementedError

    def matching(self, found: list[str]) -> TextualSelect:
        """A SELECT of the ids of the reviews that match every word."""
        raise NotImplementedError


class SqliteSearch(Search):
    # FTS5 takes REPLACE on its rowid: one statement instead of a DELETE and an INSERT (each
    # statement through SQLAlchemy costs more CPU than SQLite spends on it; one per store write).
    _replace: TextClause = text(
        "INSERT OR REPLACE INTO review_search (rowid, body) VALUES (:id, :body)"
    )

    def write(self, connection: Connection, review_id: int, body: str) -> None:
        connection.execute(self._replace, {"id": review_id, "body": body})

    def matching(self, found: list[str]) -> TextualSelect:
        # Words are letters and digits only, so quoting them cannot change the FTS5 syntax.
        expression = " ".join(f'"{w}"*' for w in found)
        return (
            text("SELECT rowid AS review_id FROM review_search WHERE review_search MATCH :fts")
            .bindparams(fts=expression)
            .columns(column("review_id", Integer))
        )


class PostgresSearch(Search):
    _upsert: TextClause = text(
        "INSERT INTO review_search (review_id, document) "
        "VALUES (:id, to_tsvector('simple', :body)) "
        "ON CONFLICT (review_id) DO UPDATE SET document = excluded.document"
    )

    def write(self, connection: Connection, review_id: int, body: str) -> None:
        connection.execute(self._upsert, {"id": review_id, "body": body})

    def matching(self, found: list[str]) -> TextualSelect:
        expression = " & ".join(f"{w}:*" for w in found)
        return (
            text("SELECT review_id FROM review_search WHERE document @@ to_tsquery('simple', :tsq)")
            .bindparams(tsq=expression)
            .columns(column("review_id", Integer))
        )


def for_dialect(name: str) -> Search:
    return PostgresSearch() if name == "postgresql" else SqliteSearch()
