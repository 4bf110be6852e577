"""Alembic environment: run on the connection the store hands over (see engine.upgrade).

For a new migration: ``alembic -x url=sqlite:///tmp/x.sqlite3 revision --autogenerate -m "..."``
from this folder's parent with ``-c`` pointing at a config whose script_location is this folder;
the full-text tables are created by hand per dialect and left out of autogenerate.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from connectors.store.schema import Base

config = context.config


def _include(_obj: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any) -> bool:
    """Alembic's include_object hook (called positionally): the search tables are the dialect's."""
    return not (type_ == "table" and name is not None and name.startswith("review_search"))


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = context.get_x_argument(as_dictionary=True).get("url")
        if not url:
            raise SystemExit("pass -x url=... or run through connectors.store.engine.upgrade")
        with create_engine(url).connect() as conn:
            _migrate(conn)
        return
    _migrate(connection)


def _migrate(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=_include,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run()
