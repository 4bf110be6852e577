"""The review store: a relational read model of every review (SQLAlchemy 2, Alembic).

The workflows stay the authority; an activity writes each accepted change here, and lists,
search, the dashboard, trends, the digest and learning across reviews read from here.

- ``store``: :class:`ReviewStore`, the one object over the database.
- ``engine``: URLs, engine settings per dialect, migrations (``migrations/``).
- ``schema``: the tables. ``records``: what the store takes; ``answers``: what it gives back.
- ``writes``: the idempotent upsert. ``lists``: the list, search and cursors (``search``).
- ``dashboard``, ``trends``, ``digest``: the figures. ``repeats``: learning across reviews.
- ``common``: column shorthands, time keys, percentiles.
- ``sessions``: the rows of the API's web sessions (``web_sessions``), shared by its processes.
"""

from connectors.store.common import StoreQueryError
from connectors.store.engine import StoreConfigError, parse_url, sqlite_url
from connectors.store.records import RepeatQuery, ReviewFilter, ReviewRecord
from connectors.store.store import ReviewStore

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
