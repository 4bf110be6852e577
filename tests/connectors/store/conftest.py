"""Store fixtures: every store test runs on SQLite and on a real PostgreSQL cluster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.store import ReviewStore
from connectors.store.engine import make_engine, parse_url, upgrade
from tests.postgres import PostgresCluster

TEMPLATE = "store_template"


@pytest.fixture(scope="session")
def postgres_template(postgres: PostgresCluster) -> str:
    """A migrated database that new test databases are copied from (faster than migrating)."""
    url = postgres.create_database(TEMPLATE)
    engine = make_engine(parse_url(url))
    upgrade(engine)
    engine.dispose()
    return TEMPLATE


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL on each dialect (PostgreSQL already migrated from the template)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite3'}"
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.create_database(template=request.getfixturevalue("postgres_template"))


@pytest.fixture
def store(store_url: str) -> Iterator[ReviewStore]:
    opened = ReviewStore(store_url)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with nothing in it, not even the store's tables."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.create_database()
