"""Dashboard and digest figures over every review, on a set small enough to compute by hand.

The set (team payments unless said), resolved at T0+0/10/20/30 days:
- R1 closed, published T0+1: item 1 done T0+3 (2 days), item 2 done T0+7 (6 days), item 3
  dropped T0+11.
- R2 tracking, published T0+11: item 1 done T0+15 (4 days); item 2 open, due T0+20 (ana);
  item 3 re-planned at the follow-up (was done, open again, due T0+100).
- R3 follow-up, team discovery, published T0+21: item 1 done T0+31 (10 days); item 2 open, due
  T0+40 (bo); item 3 dropped T0+25.
- R4 drafting: one open item due T0+5 (a draft tracks nothing, so it is counted nowhere).

By hand at NOW = T0+60: open 3, done 4, dropped 2, overdue 2 (R2/2, R3/2); completion 4/7;
median days to close of 2, 4, 6, 10 = 5.0.
"""

from __future__ import annotations

import pytest

from connectors.store import ReviewStore
from tests.connectors.store.build import at, item, review

NOW = at(60)
WEEKS = [(at(7), at(14)), (at(14), at(21)), (at(21), at(28))]


@pytest.fixture
def known(store: ReviewStore) -> ReviewStore:
    store.write(
        review(
            "R1",
            resolved_at=at(0),
            published_at=at(1),
            phase="closed",
            items=[
                item(1, status="done", closed_at=at(3)),
                item(2, status="done", closed_at=at(7)),
                item(3, status="dropped", closed_at=at(11), reason="superseded"),
            ],
        )
    )
    store.write(
        review(
            "R2",
            resolved_at=at(10),
            published_at=at(11),
            items=[
                item(1, status="done", closed_at=at(15)),
                item(2, owner="ana@example.com", due_at=at(20)),
                item(3, due_at=at(100), replans=1),
            ],
        )
    )
    store.write(
        review(
            "R3",
            resolved_at=at(20),
            published_at=at(21),
            phase="follow_up",
            team="discovery",
            items=[
                item(1, status="done", closed_at=at(31)),
                item(2, owner="bo@example.com", due_at=at(40)),
                item(3, status="dropped", closed_at=at(25), reason="not needed"),
            ],
        )
    )
    store.write(review("R4", resolved_at=at(30), phase="drafting", items=[item(1, due_at=at(5))]))
    return store  # fmt: skip


def test_dashboard_counts_items_of_tracked_reviews_by_status(known: ReviewStore) -> None:
    figures = known.dashboard(NOW, WEEKS)
    assert (figures.open, figures.done, figures.dropped, figures.overdue) == (3, 4, 2, 2)


def test_dashboard_completion_rate_leaves_dropped_items_out(known: ReviewStore) -> None:
    assert known.dashboard(NOW, WEEKS).completion_rate == pytest.approx(4 / 7)


def test_dashboard_median_days_to_close_over_every_review(known: ReviewStore) -> None:
    assert known.dashboard(NOW, WEEKS).median_days_to_close == 5.0


def test_dashboard_median_of_an_odd_count_is_the_middle_value(known: ReviewStore) -> None:
    known.write(review("R5", resolved_at=at(40), published_at=at(41),
                       items=[item(1, status="done", closed_at=at(41.5))]))  # fmt: skip
    # 0.5, 2, 4, 6, 10
    assert known.dashboard(NOW, WEEKS).median_days_to_close == 4.0


def test_dashboard_counts_reviews_per_phase(known: ReviewStore) -> None:
    figures = known.dashboard(NOW, WEEKS)
    assert figures.reviews == 4
    assert figures.by_phase == {"drafting": 1, "tracking": 1, "follow_up": 1, "closed": 1}
    assert {p: [r.incident_id for r in rows] for p, rows in figures.newest.items()} == {
        "drafting": ["R4"], "tracking": ["R2"], "follow_up": ["R3"], "closed": ["R1"],
    }  # fmt: skip


def test_dashboard_groups_overdue_items_by_team_then_owner(known: ReviewStore) -> None:
    groups = known.dashboard(NOW, WEEKS).overdue_by_team
    assert [(g.team, [(o.owner, o.count) for o in g.owners]) for g in groups] == [
        ("discovery", [("bo@example.com", 1)]),
        ("payments", [("ana@example.com", 1)]),
    ]
    ana = groups[1].owners[0].items[0]
    assert (ana.incident_id, ana.item_id, ana.days_overdue) == ("R2", "2", 40)


def test_dashboard_counts_every_overdue_item_but_lists_only_the_most_overdue(
    known: ReviewStore,
) -> None:
    figures = known.dashboard(NOW, WEEKS, overdue_items=1)
    listed = [i.item_id for g in figures.overdue_by_team for o in g.owners for i in o.items]
    assert figures.overdue == 2 and listed == ["2"]  # R2's item, due first
    assert figures.overdue_by_team[0].owners[0].items == []  # discovery: counted, not listed


def test_dashboard_weeks_give_cumulative_completion_at_each_week_end(known: ReviewStore) -> None:
    # End T0+14: published R1+R2 (6) less R1/3 dropped = 5; done R1/1, R1/2 = 2; R1/2 in week.
    # End T0+21: R3 published at T0+21 is not before the end: 5; done +R2/1 = 3; 1 in week.
    # End T0+28: 9 less 2 dropped = 7; done 3; none in week.
    points = known.dashboard(NOW, WEEKS).weeks
    assert [(p.done, p.total, p.closed_in_week) for p in points] == [
        (2, 5, 1),
        (3, 5, 1),
        (3, 7, 0),
    ]
    assert points[0].rate == pytest.approx(2 / 5)


def test_dashboard_of_an_empty_store_has_no_rates(store: ReviewStore) -> None:
    figures = store.dashboard(NOW, WEEKS)
    assert (figures.reviews, figures.completion_rate, figures.median_days_to_close) == (
        0,
        None,
        None,
    )
    assert [p.rate for p in figures.weeks] == [None, None, None]


def test_digest_figures_per_team(known: ReviewStore) -> None:
    digest = known.digest(at(28), at(42))
    assert [
        (t.team, t.open, t.overdue, t.closed_this_period, t.done, t.completion_rate,
         t.median_days_to_close)
        for t in digest.teams
    ] == [
        ("discovery", 1, 1, 1, 1, 0.5, 10.0),
        ("payments", 2, 1, 0, 3, 0.6, 4.0),
    ]  # fmt: skip


def test_digest_lists_every_overdue_item_oldest_due_first(known: ReviewStore) -> None:
    for n in range(30):  # more than any page or sample would show
        known.write(review(f"X{n:02d}", resolved_at=at(1), items=[item(1, due_at=at(2 + n / 10))]))
    overdue = known.digest(at(28), at(42)).overdue
    assert len(overdue) == 32
    assert [o.due_at for o in overdue] == sorted(o.due_at for o in overdue)
    assert (overdue[-1].incident_id, overdue[-2].incident_id) == ("R3", "R2")
