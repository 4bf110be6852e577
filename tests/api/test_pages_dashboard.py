"""Dashboard figures and charts (pure: built from review statuses, no Temporal)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.pages_dashboard import (
    completion_by_week,
    completion_chart,
    overdue_by_team,
    overdue_chart,
    review_rows,
    totals,
)
from workflows.contracts import ReviewStatus
from workflows.review import ActionItem, Incident, ItemStatus, Phase, ReviewState

NOW = datetime(2025, 6, 18, 12, 0, tzinfo=UTC)  # a Wednesday


def item(
    item_id: str,
    status: ItemStatus,
    due: datetime,
    closed: datetime | None = None,
    owner: str = "a@example.com",
) -> ActionItem:
    return ActionItem(
        id=item_id,
        title=f"Item {item_id}",
        owner=owner,
        due=due.isoformat(),
        done_when="Measured",
        root_cause="rc1",
        status=status,
        closed_at=closed,
    )


def review(
    incident_id: str,
    items: list[ActionItem],
    *,
    team: str | None = "Payments",
    phase: Phase = Phase.TRACKING,
    published: datetime | None = NOW - timedelta(days=10),
) -> ReviewStatus:
    return ReviewStatus(
        state=ReviewState(
            incident=Incident(
                id=incident_id,
                title=f"Incident {incident_id}",
                resolved_at=NOW - timedelta(days=11),
            ),
            phase=phase,
            team=team,
            facilitator="f@example.com",
            leadership=["l@example.com"],
            action_items=items,
            published_at=published if phase != Phase.DRAFTING else None,
        )
    )


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


def test_charts_are_inline_svg_without_scripts_or_external_references() -> None:
    statuses = [review("P1", [item("1", ItemStatus.OPEN, NOW - timedelta(days=3))])]
    for svg in (
        completion_chart(completion_by_week(statuses, NOW, "UTC")),
        overdue_chart(overdue_by_team(statuses, NOW, "UTC")),
    ):
        assert svg.startswith("<svg")
        assert "<script" not in svg
        assert "href=" not in svg


def test_completion_chart_prints_the_rate() -> None:
    statuses = [
        review(
            "P1",
            [
                item("1", ItemStatus.DONE, NOW, closed=NOW - timedelta(hours=1)),
                item("2", ItemStatus.OPEN, NOW + timedelta(days=3)),
            ],
        )
    ]
    assert ">50%<" in completion_chart(completion_by_week(statuses, NOW, "UTC"))


def test_empty_charts_render_nothing() -> None:
    assert completion_chart(completion_by_week([], NOW, "UTC")) == ""
    assert overdue_chart([]) == ""
