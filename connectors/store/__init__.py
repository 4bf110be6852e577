"""The review store: a relational read model of every review (SQLAlchemy 2, Alembic).

The workflows stay the authority; an activity writes each accepted change here, and lists,
search, the dashboard, trends, the digest and learning across reviews read from here.
"""

from connectors.store.engine import StoreConfigError, parse_url, sqlite_url
from connectors.store.records import RepeatQuery, ReviewFilter, ReviewRecord
from connectors.store.store import ReviewStore, StoreQueryError

__all__ = [
    "RepeatQuery",
    "ReviewFilter",
    "ReviewRecord",
    "ReviewStore",
    "StoreConfigError",
    "StoreQueryError",
    "parse_url",
    "sqlite_url",
]
