"""The dashboard's two charts, pygal SVG rendered on the server. pygal's inline script is removed
so the pages run under a strict Content-Security-Policy."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pygal
from pygal.style import Style

from api.pages.figures import TeamGroup, WeekPoint
from connectors.store.records import CATEGORIES, CategoryQuarter, QuarterCount

__all__ = [
    "CHART_STYLE",
    "OVERDUE_STYLE",
    "categories_chart",
    "completion_chart",
    "overdue_chart",
    "repeats_chart",
]

FONT_STACK = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif'
)


def _style(**overrides: Any) -> Style:
    """The charts' look: the page's font stack and muted colours, transparent backgrounds."""
    fonts = {
        f"{part}font_family": FONT_STACK
        for part in ("", "label_", "major_label_", "value_", "value_label_", "title_", "legend_")
    }
    sizes = {
        f"{part}font_size": 14
        for part in ("label_", "major_label_", "value_", "value_label_", "legend_")
    }
    settings: dict[str, Any] = {
        **fonts,
        **sizes,
        "tooltip_font_family": FONT_STACK,
        "title_font_size": 15,
        "background": "transparent",
        "plot_background": "transparent",
        "foreground": "#3d4451",
        "foreground_strong": "#252a33",
        "foreground_subtle": "#e3e6eb",
        "guide_stroke_color": "#e3e6eb",
        "major_guide_stroke_color": "#d5d9e0",
        "opacity": "0.9",
        "opacity_hover": "1",
        "colors": ("#4a6f8a",),
        **overrides,
    }
    return Style(**settings)


CHART_STYLE = _style()
#: One muted colour per root-cause category, in CATEGORIES' order.
CATEGORY_STYLE = _style(colors=("#4a6f8a", "#7a9a5a", "#a8603a", "#8a6fa0", "#c49a3a", "#8a8f98"))
#: Overdue bars in a muted terracotta, their counts in white on the bar.
OVERDUE_STYLE = _style(colors=("#a8603a",), value_colors=("#ffffff",))


# --- charts ------------------------------------------------------------------------------------------


def _svg(chart: Any) -> str:
    """The chart as inline SVG, without pygal's inline script (blocked by our CSP anyway)."""
    tree: ElementTree.Element = chart.render_tree()
    for parent in tree.iter():
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return ElementTree.tostring(tree, encoding="unicode")


#: What every chart shares: no script, no XML declaration, sized by the page's CSS.
BASE: dict[str, Any] = {"js": [], "disable_xml_declaration": True, "explicit_size": False}


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def completion_chart(points: list[WeekPoint]) -> str:
    """Line chart of the cumulative completion rate per week ("" before anything is published).

    Values are not printed on the points (they collide with the axis near 0%); each point keeps
    its value in the SVG's ``<desc>``, and the page shows the current rate and a table beside it.
    """
    if all(p.rate is None for p in points):
        return ""
    chart = pygal.Line(
        style=CHART_STYLE,
        **BASE,
        width=520,
        height=300,
        show_legend=False,
        print_values=False,
        range=(0, 1),
        include_x_axis=True,
        show_y_guides=True,
        show_x_guides=False,
        dots_size=4,
        stroke_style={"width": "3px"},
        margin=18,
        margin_right=40,
        value_formatter=_percent,
        truncate_label=-1,
        no_data_text="Nothing published yet",
    )
    chart.x_labels = [p.label for p in points]
    chart.y_labels = [0, 0.25, 0.5, 0.75, 1]
    chart.add("Completion rate", [p.rate for p in points])
    return _svg(chart)


def overdue_chart(groups: list[TeamGroup]) -> str:
    """Horizontal bars: overdue items per team ("" when nothing is overdue)."""
    if not groups:
        return ""
    chart = pygal.HorizontalBar(
        style=OVERDUE_STYLE,
        **BASE,
        width=520,
        height=max(160, 80 + 48 * len(groups)),
        show_legend=False,
        print_values=True,
        margin=18,
        show_x_guides=True,
        show_y_guides=False,
        value_formatter=lambda v: f"{int(v)}",
        truncate_label=-1,
        no_data_text="No overdue items",
    )
    chart.x_labels = [g.team for g in groups]
    top = max(g.count for g in groups)
    step = max(1, -(-top // 5))
    chart.y_labels = list(range(0, top + step, step))
    chart.add("Overdue items", [g.count for g in groups])
    return _svg(chart)


def categories_chart(quarters: list[CategoryQuarter]) -> str:
    """Stacked bars: root causes per category, quarter by quarter ("" when there are none)."""
    if not any(sum(q.counts.values()) for q in quarters):
        return ""
    chart = pygal.StackedBar(
        style=CATEGORY_STYLE,
        **BASE,
        width=640,
        height=320,
        legend_at_bottom=True,
        margin=18,
        show_x_guides=False,
        value_formatter=lambda v: f"{int(v)}",
        truncate_label=-1,
    )
    chart.x_labels = [q.quarter for q in quarters]
    for category in CATEGORIES:
        chart.add(category, [q.counts.get(category, 0) for q in quarters])
    return _svg(chart)


def repeats_chart(points: list[QuarterCount]) -> str:
    """Bars: repeat incidents per quarter ("" when there are none)."""
    if not any(p.count for p in points):
        return ""
    chart = pygal.Bar(
        style=OVERDUE_STYLE,
        **BASE,
        width=520,
        height=260,
        show_legend=False,
        print_values=True,
        margin=18,
        value_formatter=lambda v: f"{int(v)}",
    )
    chart.x_labels = [p.quarter for p in points]
    chart.add("Repeat incidents", [p.count for p in points])
    return _svg(chart)
