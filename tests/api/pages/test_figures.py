"""The dashboard's figures (api.pages.figures): pure, built from review statuses, no Temporal."""

from __future__ import annotations

from datetime import timedelta

from api.pages.figures import (
    completion_by_week,
    overdue_by_team,
    review_rows,
    totals,
)
from tests.support.statuses import NOW, item, review
from workflows.review import ItemStatus, Phase


def test_completion_rate_per_week_is_cumulative_and_leaves_out_items_once_dropped() -> None:
    statuses = [
        review(
            "P1",
            [
                item("1", ItemStatus.DONE, NOW + timedelta(days=5), closed=NOW - timedelta(days=8)),
                item(
                    "2", ItemStatus.DONE, NOW + timedelta(days=5), closed=NOW - timedelta(hours=1)
                ),
                item("3", ItemStatus.OPEN, NOW + timedelta(days=5)),
                item(
                    "4", ItemStatus.DROPPED, NOW + timedelta(days=5), closed=NOW - timedelta(days=9)
                ),
            ],
        )
    ]
    weeks = completion_by_week(statuses, NOW, "UTC", weeks=4)
    # published Sunday 8 June; item 4 dropped on the 9th, items 1 and 2 done on the 10th and 18th
    assert [w.start.isoformat() for w in weeks] == [
        "2025-05-26",
        "2025-06-02",
        "2025-06-09",
        "2025-06-16",
    ]
    assert [(w.done, w.total) for w in weeks] == [(0, 0), (0, 4), (1, 3), (2, 3)]
    assert weeks[0].rate is None
    assert [w.closed_in_week for w in weeks] == [0, 0, 1, 1]


def test_overdue_items_are_grouped_by_team_then_owner_most_overdue_first() -> None:
    statuses = [
        review("P1", [item("1", ItemStatus.OPEN, NOW - timedelta(days=3), owner="b@example.com")]),
        review(
            "P2",
            [
                item("1", ItemStatus.OPEN, NOW - timedelta(days=1), owner="b@example.com"),
                item("2", ItemStatus.OPEN, NOW + timedelta(days=1)),
                item("3", ItemStatus.DONE, NOW - timedelta(days=9), closed=NOW),
            ],
        ),
        review("P3", [item("1", ItemStatus.OPEN, NOW - timedelta(days=2))], team=None),
    ]
    groups = overdue_by_team(statuses, NOW, "UTC")
    assert [(g.team, g.count) for g in groups] == [("Payments", 2), ("No team", 1)]
    owner = groups[0].owners[0]
    assert owner.owner == "b@example.com"
    assert [i.incident_id for i in owner.items] == ["P1", "P2"]


def test_draft_items_are_never_overdue() -> None:
    statuses = [
        review("P1", [item("1", ItemStatus.OPEN, NOW - timedelta(days=3))], phase=Phase.DRAFTING)
    ]
    assert overdue_by_team(statuses, NOW, "UTC") == []
    assert totals(statuses, NOW, "UTC").open == 0


def test_totals_give_the_digest_completion_rate() -> None:
    statuses = [
        review(
            "P1",
            [
                item("1", ItemStatus.DONE, NOW, closed=NOW - timedelta(days=7)),
                item("2", ItemStatus.OPEN, NOW - timedelta(days=1)),
                item("3", ItemStatus.DROPPED, NOW, closed=NOW),
            ],
        )
    ]
    result = totals(statuses, NOW, "UTC")
    assert (result.open, result.overdue, result.done, result.dropped) == (1, 1, 1, 1)
    assert result.completion_rate == 0.5
    assert result.median_days_to_close == 3.0


def test_reviews_are_listed_under_every_phase() -> None:
    rows = review_rows([review("P1", []), review("P2", [], phase=Phase.DRAFTING)], NOW, "UTC")
    assert list(rows) == ["drafting", "tracking", "follow_up", "closed"]
    assert [r.incident_id for r in rows["tracking"]] == ["P1"]
