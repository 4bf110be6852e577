"""Trends over reviews resolved in a range: categories by quarter, services, repeats, time to
close, and the share of items closed by their due date. Values computed by hand in comments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.store import ReviewStore
from tests.connectors.store.build import cause, item, review

START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def day(month: int, dom: int, year: int = 2026) -> datetime:
    return datetime(year, month, dom, 12, 0, tzinfo=UTC)


@pytest.fixture
def history(store: ReviewStore) -> ReviewStore:
    s1 = {"service_id": "S1", "service_name": "checkout", "team": "payments"}
    s2 = {"service_id": "S2", "service_name": "search", "team": "discovery"}
    s3 = {"service_id": "S3", "service_name": "catalog", "team": "discovery"}
    p = day(1, 11)  # X1 published
    store.write(
        review(
            "X1",
            resolved_at=day(1, 10),
            published_at=p,
            **s1,
            root_causes=[cause(1, category="tooling"), cause(2, category="process")],
            items=[
                item(1, status="done", closed_at=p + timedelta(days=2), due_at=day(2, 1)),
                item(2, status="done", closed_at=p + timedelta(days=10), due_at=day(1, 15)),
                item(3, due_at=day(3, 1)),
                item(4, status="dropped", closed_at=day(2, 1)),
            ],
        )
    )
    store.write(
        review(
            "X2",
            resolved_at=day(2, 20),
            published_at=day(2, 21),
            **s1,
            root_causes=[cause(1, category="tooling")],
            items=[item(1, status="done", closed_at=day(2, 25), due_at=day(3, 20))],
        )
    )
    store.write(
        review(
            "X3",
            resolved_at=day(4, 15),
            published_at=day(4, 16),
            **s2,
            root_causes=[cause(1, category="documentation")],
            items=[item(1, due_at=day(7, 1))],
        )
    )
    store.write(
        review(
            "X4",
            resolved_at=day(5, 1),
            published_at=day(5, 2),
            **s3,
            root_causes=[
                cause(1, category="process", same_as={"incident_id": "X1", "root_cause_id": "rc1"})
            ],
        )
    )
    store.write(review("X5", resolved_at=day(1, 1, 2025), **s2))  # before the range
    return store  # fmt: skip


def test_root_cause_categories_by_quarter(history: ReviewStore) -> None:
    quarters = history.trends(START, END, NOW).root_cause_categories
    assert [(q.quarter, {k: v for k, v in q.counts.items() if v}) for q in quarters] == [
        ("2026-Q1", {"tooling": 2, "process": 1}),
        ("2026-Q2", {"documentation": 1, "process": 1}),
    ]
    assert set(quarters[0].counts) == {
        "process", "documentation", "tooling", "roles", "environment", "other",
    }  # fmt: skip


def test_quarters_without_root_causes_show_as_zeros(store: ReviewStore) -> None:
    store.write(review("A", resolved_at=day(1, 5)))
    store.write(review("B", resolved_at=day(8, 5)))
    quarters = store.trends(START, END, NOW).root_cause_categories
    assert [(q.quarter, sum(q.counts.values())) for q in quarters] == [
        ("2026-Q1", 1), ("2026-Q2", 0), ("2026-Q3", 1),
    ]  # fmt: skip


def test_services_with_their_incidents_and_open_items(history: ReviewStore) -> None:
    services = history.trends(START, END, NOW).services
    assert [(s.service, s.incidents, s.open_items) for s in services] == [
        ("checkout", 2, 1), ("search", 1, 1), ("catalog", 1, 0),
    ]  # fmt: skip


def test_repeats_per_quarter_count_same_service_and_linked_causes(history: ReviewStore) -> None:
    # Q1: X2 repeats X1 (same service, 41 days). Q2: X4 links a cause of X1. X3's earlier
    # review of its service (X5) is 469 days back, outside the default 365-day window.
    repeats = history.trends(START, END, NOW).repeats
    assert [(r.quarter, r.count) for r in repeats] == [("2026-Q1", 1), ("2026-Q2", 1)]


def test_a_longer_window_finds_older_repeats(history: ReviewStore) -> None:
    repeats = history.trends(START, END, NOW, window=timedelta(days=500)).repeats
    assert [(r.quarter, r.count) for r in repeats] == [("2026-Q1", 1), ("2026-Q2", 2)]


def test_time_to_close_median_and_p90_by_team(history: ReviewStore) -> None:
    # payments: 2, 10 and 4 days -> median 4; p90 = 4 + (10 - 4) * 0.8 = 8.8.
    rows = history.trends(START, END, NOW).time_to_close
    assert [(t.team, t.items, t.median_days, t.p90_days) for t in rows] == [
        ("payments", 3, 4.0, 8.8)
    ]


def test_closed_by_due_rate(history: ReviewStore) -> None:
    # Measured: X1/1 (on time), X1/2 (late), X1/3 (open, past due), X2/1 (on time) = 4;
    # X1/4 is dropped and X3/1 is not due yet. Kept: 2.
    assert history.trends(START, END, NOW).closed_by_due_rate == 0.5


def test_trends_of_one_team(history: ReviewStore) -> None:
    trends = history.trends(START, END, NOW, team="discovery")
    assert [q.quarter for q in trends.root_cause_categories] == ["2026-Q2"]
    assert [s.service for s in trends.services] == ["search", "catalog"]
    assert [(r.quarter, r.count) for r in trends.repeats] == [("2026-Q2", 1)]
    assert trends.time_to_close == [] and trends.closed_by_due_rate is None


def test_trends_keep_to_the_range(history: ReviewStore) -> None:
    trends = history.trends(START, day(4, 1), NOW)
    assert [s.service for s in trends.services] == ["checkout"]
    assert [q.quarter for q in trends.root_cause_categories] == ["2026-Q1"]


def _pair(store: ReviewStore, first: datetime, second: datetime) -> None:
    for incident_id, moment in (("B", second), ("A", first)):  # the later one written first
        store.write(review(incident_id, resolved_at=moment, root_causes=[cause(1)]))


def test_a_review_exactly_one_window_after_the_last_is_a_repeat(store: ReviewStore) -> None:
    _pair(store, day(1, 10), day(1, 10) + timedelta(days=365))
    repeats = store.trends(START, day(2, 1, 2027), NOW).repeats
    assert [(r.quarter, r.count) for r in repeats] == [("2027-Q1", 1)]


def test_a_review_one_millisecond_past_the_window_is_not_a_repeat(store: ReviewStore) -> None:
    late = day(1, 10) + timedelta(days=365, milliseconds=1)
    _pair(store, day(1, 10), late)
    assert store.trends(START, day(2, 1, 2027), NOW).repeats == []


def test_reviews_resolved_at_the_same_moment_do_not_repeat_each_other(store: ReviewStore) -> None:
    _pair(store, day(3, 1), day(3, 1))
    assert store.trends(START, END, NOW).repeats == []


@pytest.mark.parametrize("count", [1, 2, 7, 24])
def test_time_to_close_percentiles_read_at_their_ranks_match_the_sorted_list(
    store: ReviewStore, count: int
) -> None:
    import random

    from connectors.store.common import percentile

    rng = random.Random(count)
    published = day(1, 2)
    days = [round(rng.uniform(0.5, 60), 3) for _ in range(count)]
    store.write(
        review(
            "XP",
            resolved_at=day(1, 1),
            published_at=published,
            items=[
                item(n, status="done", closed_at=published + timedelta(days=d))
                for n, d in enumerate(days)
            ],
        )
    )
    (row,) = store.trends(START, END, NOW).time_to_close
    ordered = sorted(days)
    assert (row.items, row.median_days, row.p90_days) == (
        count,
        round(percentile(ordered, 50), 1),
        round(percentile(ordered, 90), 1),
    )
