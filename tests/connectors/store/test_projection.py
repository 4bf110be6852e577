"""The projection: one upsert per review keyed by incident and revision, never going backwards."""

from __future__ import annotations

import itertools
import threading
from datetime import datetime

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from connectors.errors import ConnectorError
from connectors.store import ReviewStore
from connectors.store.records import ReviewRecord
from connectors.store.schema import action_items
from tests.connectors.store.build import T0, at, cause, item, review


def _revisions(n: int) -> list[ReviewRecord]:
    """Revision k of one review: k items, the newest one done."""
    return [
        review(
            "P1",
            revision=k,
            title=f"Title at revision {k}",
            items=[item(j, status="done" if j == k else "open", closed_at=at(2) if j == k else None)
                   for j in range(1, k + 1)],
        )
        for k in range(1, n + 1)
    ]  # fmt: skip


def test_a_written_review_reads_back_as_the_record(store: ReviewStore) -> None:
    record = review(
        "P1",
        items=[item(1, ticket_key="OPS-1", ticket_url="https://t/OPS-1", replans=1)],
        root_causes=[cause(1), cause(2, category="process", same_as={"incident_id": "P0",
                                                                    "root_cause_id": "rc9"})],
        follow_up=[{"item_id": "1", "status": "replanned", "due": "2026-03-01", "reason": "late"}],
        follow_up_notes="Moved one item.",
    )  # fmt: skip
    assert store.write(record) is True
    assert store.get("P1") == record


def test_a_repeated_write_changes_nothing(store: ReviewStore) -> None:
    record = review("P1", revision=4, items=[item(1)])
    store.write(record)
    assert store.write(record) is False
    assert store.get("P1") == record


def test_an_older_revision_after_a_newer_one_is_ignored(store: ReviewStore) -> None:
    older, newer = _revisions(2)
    store.write(newer)
    assert store.write(older) is False
    assert store.get("P1") == newer


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_any_arrival_order_keeps_the_newest_revision(store: ReviewStore, order: tuple[int]) -> None:
    versions = _revisions(4)
    for index in order:
        store.write(versions[index])
    assert store.get("P1") == versions[-1]


def test_an_item_status_change_is_written(store: ReviewStore) -> None:
    store.write(review("P1", revision=1, items=[item(1)]))
    store.write(review("P1", revision=2, items=[item(1, status="done", closed_at=at(3))]))
    stored = store.get("P1")
    assert stored is not None
    assert [(i.status, i.closed_at) for i in stored.items] == [("done", at(3))]


def test_removed_items_and_causes_leave_the_store(store: ReviewStore) -> None:
    store.write(
        review("P1", revision=1, items=[item(1), item(2)], root_causes=[cause(1), cause(2)])
    )
    store.write(review("P1", revision=2, items=[item(2)], root_causes=[cause(2)]))
    stored = store.get("P1")
    assert stored is not None
    assert [i.id for i in stored.items] == ["2"] and [c.id for c in stored.root_causes] == ["rc2"]
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(action_items)).scalar() == 1


def test_concurrent_writers_of_one_review_end_on_the_newest(store: ReviewStore) -> None:
    versions = _revisions(12)
    gate = threading.Barrier(4)
    failures: list[BaseException] = []

    def writer(mine: list[ReviewRecord]) -> None:
        gate.wait()
        try:
            for record in mine:
                store.write(record)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(versions[k::4][::-1],)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert store.get("P1") == versions[-1]


def test_a_record_with_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        review("P1", resolved_at=datetime(2026, 1, 1, 9, 0))


def test_a_record_with_two_items_of_one_id_is_refused() -> None:
    with pytest.raises(ValidationError, match="items: the same id appears twice"):
        review("P1", items=[item(1), item(1)])


def test_times_come_back_in_utc_whatever_offset_went_in(store: ReviewStore) -> None:
    from datetime import timedelta, timezone

    shifted = T0.astimezone(timezone(timedelta(hours=-5)))
    store.write(review("P1", resolved_at=shifted))
    stored = store.get("P1")
    assert stored is not None
    assert stored.resolved_at == T0 and stored.resolved_at.utcoffset() == timedelta(0)


def test_an_unreachable_database_is_a_retryable_connector_error() -> None:
    store = ReviewStore("postgresql+psycopg://nobody:pw@127.0.0.1:9/none", migrate=False)
    with pytest.raises(ConnectorError) as caught:
        store.write(review("P1"))
    assert caught.value.system == "store" and caught.value.retryable
    assert "pw@" not in caught.value.message
    store.close()


def test_a_batch_write_counts_only_the_newer_reviews(store: ReviewStore) -> None:
    first, second = _revisions(2)
    store.write(second)
    written = store.write_many([first, review("P2"), review("P3")])
    assert written == 2
    assert [r.incident_id for r in store.records()] == ["P1", "P2", "P3"]
    assert store.get("P1") == second
