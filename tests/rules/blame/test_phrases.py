"""Judgement words and idioms of ``data/blame.json``, where their conditions hold."""

from __future__ import annotations

import pytest

from tests.support.blame import NAMES, blamed, negative, positive, spans
from workflows.codes import Code
from workflows.rules import lint_text


@pytest.mark.parametrize(("text", "span"), positive("judgement"))
def test_a_judgement_word_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("human error"))
def test_human_error_and_its_euphemisms_are_blame(text: str, span: str | None) -> None:
    codes = [f.code for f in lint_text(text, NAMES)]
    assert Code.BLAME_HUMAN_ERROR in codes
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("insinuation"))
def test_insinuation_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize("text", negative("blameless process"))
def test_a_statement_about_the_blameless_process_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize("text", negative("technical senses"))
def test_technical_senses_of_trigger_words_are_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []
