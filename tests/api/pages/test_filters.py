"""The pages' template filters (api.pages.filters): findings marked and escaped, field anchors."""

from __future__ import annotations

from api.pages.filters import entries, field_anchor, highlight, room


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


def test_room_counts_the_characters_left_under_the_limit() -> None:
    assert room("abc", 10) == "7 characters left"
    assert room("abcdefghi", 10) == "1 character left"
    assert room(None, 10_000) == "10,000 characters left"


def test_room_says_plainly_how_far_over_the_limit_a_text_is() -> None:
    assert room("x" * 10_012, 10_000) == "12 characters over the limit of 10,000"


def test_room_counts_characters_not_bytes() -> None:
    assert room("é" * 3 + "\U0001f600", 10) == "6 characters left"


def test_room_names_a_line_break_in_a_one_line_field() -> None:
    assert (
        room("a\nb", 255, one_line=True)
        == "252 characters left · one line only: remove the line break"
    )
    assert room("a\nb", 255) == "252 characters left"


def test_entries_counts_a_list_against_its_limit() -> None:
    assert entries(3, 50, "action items") == "3 of 50 action items"
    assert entries(20, 20, "root causes") == "20 of 20 root causes: the limit"
