"""Migrations from an empty database, on SQLite and PostgreSQL, and the URLs the store accepts."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from connectors.store import ReviewStore
from connectors.store.engine import (
    StoreConfigError,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    parse_url,
    safe_url,
    upgrade,
)
from connectors.store.schema import Base
from tests.connectors.store.build import review

TABLES = {
    "reviews",
    "root_causes",
    "action_items",
    "follow_up_outcomes",
    "review_search",
    "web_sessions",
}


def test_upgrade_from_empty_creates_every_table_at_head(empty_url: str) -> None:
    engine = make_engine(parse_url(empty_url))
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_upgrade_twice_changes_nothing(empty_url: str) -> None:
    store = ReviewStore(empty_url)
    store.write(review("P1"))
    store.upgrade()
    assert store.count() == 1
    store.close()


def test_migrated_schema_matches_the_models(empty_url: str) -> None:
    engine = make_engine(parse_url(empty_url))
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_object": lambda _obj, name, type_, _reflected, _other: (
                    not (type_ == "table" and str(name).startswith("review_search"))
                )
            },
        )
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_to_base_removes_the_store_and_upgrade_restores_it(empty_url: str) -> None:
    engine = make_engine(parse_url(empty_url))
    upgrade(engine)
    downgrade(engine, "base")
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


@pytest.mark.parametrize(
    "raw",
    [
        "postgresql://u:pw@db.example/store",
        "postgres://u:pw@db.example/store",
        "postgresql+psycopg://u:pw@db.example/store",
    ],
)
def test_postgresql_urls_use_psycopg_3(raw: str) -> None:
    assert parse_url(raw).drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("mysql://u@db/store", "mysql database"),
        ("postgresql+asyncpg://u@db/store", "asyncpg driver"),
        ("postgresql+psycopg://u@db", "names no database"),
        ("not a url", "not a database URL"),
    ],
)
def test_unusable_urls_are_refused_with_the_reason(raw: str, says: str) -> None:
    with pytest.raises(StoreConfigError, match=says):
        parse_url(raw)


def test_errors_and_reprs_never_show_the_password() -> None:
    url = parse_url("postgresql+psycopg://u:s3cr3t@db.example/store")
    assert "s3cr3t" not in safe_url(url)
    with pytest.raises(StoreConfigError) as caught:
        parse_url("postgresql+pg8000://u:s3cr3t@db.example/store")
    assert "s3cr3t" not in str(caught.value)


def _linked_history(store: ReviewStore) -> None:
    from tests.connectors.store.build import at, cause, item

    store.write(
        review(
            "M1",
            items=[
                item(1, status="done", closed_at=at(3), due_at=at(10)),
                item(2, status="done", closed_at=at(20), due_at=at(10)),
                item(3, due_at=at(5)),
            ],
        )
    )
    store.write(
        review(
            "M2",
            resolved_at=at(40),
            service_id="OTHER",
            root_causes=[cause(1, same_as={"incident_id": "M1", "root_cause_id": "rc1"})],
        )
    )


def test_migration_0002_keeps_every_row_and_fills_the_trend_counts(empty_url: str) -> None:
    from datetime import timedelta

    from tests.connectors.store.build import at

    store = ReviewStore(empty_url)
    _linked_history(store)
    start, end, now = at(-1), at(100), at(100)
    before = store.trends(start, end, now, window=timedelta(days=10))
    records = store.records()
    downgrade(store.engine, "0001")  # drops the columns: a store as 0001 left it
    assert current_revision(store.engine) == "0001"
    store.upgrade()
    after = store.trends(start, end, now, window=timedelta(days=10))
    assert (store.records(), after) == (records, before)
    # M1: 1 of 2 done items on time, 1 open past due; M2 repeats M1 only by its linked cause.
    assert (after.closed_by_due_rate, [q.count for q in after.repeats]) == (1 / 3, [1])
    store.close()
