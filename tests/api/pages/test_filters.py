"""The pages' template filters (api.pages.filters): findings marked and escaped, field anchors."""

from __future__ import annotations

from api.pages.filters import field_anchor, highlight


def test_highlight_marks_findings_and_escapes_everything_else() -> None:
    text = "<b>Bob</b> was careless"
    marked = str(highlight(text, [{"start": 15, "end": 23, "kind": "blame"}]))
    assert marked.startswith("&lt;b&gt;Bob&lt;/b&gt; was ")
    assert '<mark class="finding-blame">careless</mark>' in marked


def test_highlight_ignores_spans_outside_the_text() -> None:
    marked = str(highlight("short", [{"start": 2, "end": 50, "kind": "blame"}]))
    assert "<mark" not in marked


def test_violation_fields_link_to_the_field_or_its_section() -> None:
    assert field_anchor("whys.2") == "f-whys-2"
    assert field_anchor("action_items.3.due") == "f-action_items-3"
    assert field_anchor("five_whys") == "five-whys"
    assert field_anchor("phase") == "publish"
