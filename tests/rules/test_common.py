"""The rule modules' shared helpers: a violation, plurals, blank text."""

from __future__ import annotations

from workflows.codes import Code
from workflows.rules.common import blank, plural, v


def test_a_violation_carries_the_codes_value_and_what_it_was_given() -> None:
    got = v(Code.TITLE_MISSING, "action_items.0.title", "No title.", "Name the change.")
    assert (got.code, got.field, got.message, got.hint) == (
        Code.TITLE_MISSING.value,
        "action_items.0.title",
        "No title.",
        "Name the change.",
    )


def test_one_takes_the_singular_and_any_other_count_the_plural() -> None:
    assert [plural(n, "day", "days") for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]


def test_none_empty_and_whitespace_are_blank_and_a_word_is_not() -> None:
    assert [blank(t) for t in (None, "", " \n\t ", "x")] == [True, True, True, False]
