"""Phrase patterns: how a pattern of the lexicons matches the tokens of a text."""

from __future__ import annotations

from tests.support.blame import spans
from workflows.rules import lint_text


def test_matching_ignores_case_and_curly_apostrophes() -> None:
    assert spans("THE ENGINEER SHOULD HAVE CHECKED") == ["SHOULD HAVE"]
    assert spans("We shouldn\u2019t have deployed") == ["shouldn\u2019t have"]


def test_a_phrase_may_break_across_spaces_but_not_paragraphs() -> None:
    assert spans("It was human\n  error") == ["human\n  error"]
    assert lint_text("It was human\n\nError budgets are fine.") == []
