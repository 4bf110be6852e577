"""The dashboard's charts (api.pages.charts): inline SVG without scripts, built from figures."""

from __future__ import annotations

from datetime import timedelta

from api.pages.charts import completion_chart, overdue_chart
from api.pages.figures import completion_by_week, overdue_by_team
from tests.support.statuses import NOW, item, review
from workflows.review import ItemStatus


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
