"""Phrase patterns: how a pattern of the lexicons matches the tokens of a text."""

from __future__ import annotations

import pytest

from tests.support.blame import spans
from workflows.rules import lint_text
from workflows.rules.match import PatternSet, compile_pattern
from workflows.rules.text import split


def test_matching_ignores_case_and_curly_apostrophes() -> None:
    assert spans("THE ENGINEER SHOULD HAVE CHECKED") == ["SHOULD HAVE"]
    assert spans("We shouldn\u2019t have deployed") == ["shouldn\u2019t have"]


def test_a_phrase_may_break_across_spaces_but_not_paragraphs() -> None:
    assert spans("It was human\n  error") == ["human\n  error"]
    assert lint_text("It was human\n\nError budgets are fine.") == []


# --- compiled patterns, on their own ----------------------------------------------------------

CLASSES = {"bad": frozenset({"sloppy", "careless"})}


def matches(source: str, text: str) -> list[str]:
    """The text of every match of one pattern in the first sentence of ``text``."""
    pattern = compile_pattern("p", source, CLASSES)
    (sent, *_) = split(text)
    return [
        text[sent.tokens[i].start : sent.tokens[j].end]
        for _, i, j in PatternSet([pattern]).scan(sent.tokens)
    ]


def test_a_word_element_matches_any_form_of_its_lemma() -> None:
    assert matches("forget to", "She forgot to renew it") == ["forgot to"]


def test_an_exact_element_matches_the_word_itself_and_no_other_form() -> None:
    assert matches("=forget to", "She forgot to renew it") == []
    assert matches("=forgot to", "She forgot to renew it") == ["forgot to"]


def test_a_class_element_matches_the_words_of_its_class() -> None:
    assert matches("@bad work", "That was careless work") == ["careless work"]
    assert matches("@bad work", "That was good work") == []


def test_an_optional_element_may_be_absent() -> None:
    assert matches("drop ?the ball", "We dropped the ball") == ["dropped the ball"]
    assert matches("drop ?the ball", "We dropped ball") == ["dropped ball"]


def test_a_gap_takes_up_to_its_count_of_words_and_no_more() -> None:
    assert matches("blame ~2 on", "They blamed it all on DNS") == ["blamed it all on"]
    assert matches("blame ~1 on", "They blamed it all on DNS") == []


def test_a_gap_stays_inside_its_clause() -> None:
    assert matches("blame ~3 on", "They blamed it, but on DNS") == []


def test_punctuation_stands_for_itself() -> None:
    assert matches("nice one ,", "Nice one, Lars") == ["Nice one,"]
    assert matches("nice one ,", "Nice one Lars") == []


def test_every_match_is_found_left_to_right() -> None:
    assert matches("human error", "Human error, then human error again") == [
        "Human error",
        "human error",
    ]


def test_a_pattern_must_start_with_a_required_word() -> None:
    for source in ("?the ball", "~2 ball", ""):
        with pytest.raises(ValueError, match="must start with a required word"):
            compile_pattern("bad start", source, CLASSES)


def test_a_pattern_carries_what_the_check_attached_to_it() -> None:
    pattern = compile_pattern("p", "human error", CLASSES, family="human_error")
    assert (pattern.name, pattern.source, pattern.info) == (
        "p",
        "human error",
        {"family": "human_error"},
    )
