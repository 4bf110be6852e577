"""Opening the store's database: URL checks, engine settings per dialect, and migrations.

Two databases are supported: SQLite (the default, a file under the data folder) and PostgreSQL
through psycopg 3 (``postgresql+psycopg://user:pass@host/db``). ``postgresql://`` and
``postgres://`` mean the same driver; any other database or driver is refused with an error that
names the problem. The password never appears in an error or a log line.

Migrations are Alembic's, run in-process (no ``alembic.ini``): ``upgrade`` takes a lock first, a
PostgreSQL advisory lock or a lock file beside the SQLite file, so a worker and an API starting
together migrate once.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

__all__ = [
    "ADVISORY_LOCK_ID",
    "MIGRATIONS",
    "SQLITE_FILE",
    "StoreConfigError",
    "current_revision",
    "downgrade",
    "head_revision",
    "make_engine",
    "parse_url",
    "safe_url",
    "sqlite_url",
    "upgrade",
]

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_FILE = "store.sqlite3"
#: Any constant works: it only has to be the same in every process that migrates this database.
ADVISORY_LOCK_ID = 0x466F6C6C  # "Foll"


class StoreConfigError(ValueError):
    """A database URL the store cannot use; the message names the problem, never the password."""


def sqlite_url(data_dir: Path) -> str:
    """The default store: a SQLite file in the data folder."""
    return f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}"


def parse_url(raw: str) -> URL:
    """The URL as SQLAlchemy reads it, with the PostgreSQL driver made explicit (psycopg 3)."""
    text_url = raw.strip()
    if text_url.startswith("postgres://"):
        text_url = "postgresql://" + text_url.removeprefix("postgres://")
    try:
        url = make_url(text_url)
    except ArgumentError as exc:
        raise StoreConfigError(
            "FOLLOWTHROUGH_DATABASE_URL is not a database URL "
            "(expected sqlite:///path or postgresql+psycopg://user@host/db)"
        ) from exc
    backend, driver = url.get_backend_name(), url.get_driver_name()
    if backend == "postgresql":
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        elif driver != "psycopg":
            raise StoreConfigError(
                f"FOLLOWTHROUGH_DATABASE_URL uses the {driver} driver; the store speaks "
                "psycopg 3: write postgresql+psycopg://..."
            )
        if not url.database:
            raise StoreConfigError("FOLLOWTHROUGH_DATABASE_URL names no database")
        return url
    if backend == "sqlite":
        if driver != "pysqlite":
            raise StoreConfigError(
                f"FOLLOWTHROUGH_DATABASE_URL uses the {driver} driver; use sqlite:///path"
            )
        return url
    raise StoreConfigError(
        f"FOLLOWTHROUGH_DATABASE_URL is a {backend} database; the store runs on SQLite or "
        "PostgreSQL"
    )


def safe_url(url: URL) -> str:
    """The URL for messages: the password masked."""
    return url.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers (the API) never wait for the writer (the worker); NORMAL is durable across
    # process crashes in WAL mode, which is what a read model rebuilt by `reindex` needs.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: URL) -> Engine:
    """An engine with the store's settings for its dialect."""
    if url.get_backend_name() == "sqlite":
        memory = url.database in (None, "", ":memory:")
        if not memory:
            assert url.database is not None
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            poolclass=StaticPool if memory else None,
            connect_args={"check_same_thread": False, "timeout": 10},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={"connect_timeout": 10, "application_name": "followthrough"},
    )


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration this code knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database
    if database in (None, "", ":memory:"):
        yield
        return
    assert database is not None
    lock_path = Path(database).expanduser().with_suffix(".migrate.lock")
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (default: the newest); a no-op when it is there."""
    config = _config()
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            # Held to the end of this transaction; PostgreSQL's DDL is transactional, so a
            # failed migration leaves the database as it was.
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        return
    with _file_lock(engine), engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate down to ``revision`` (``base`` empties the database of the store's tables)."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
