"""Forms of "should" and "should have" (``workflows.rules.blame.should``)."""

from __future__ import annotations

import pytest

from workflows.rules.blame.should import bare_should_have, should_word


@pytest.mark.parametrize("word", ["should", "shoud", "sould", "shuold", "shoudl", "shoudnt"])
def test_should_and_its_one_edit_misspellings_are_should(word: str) -> None:
    assert should_word(word)


@pytest.mark.parametrize("word", ["shoulder", "shout", "sold", "shall", "soul", "scold"])
def test_words_further_from_should_are_not_should(word: str) -> None:
    assert not should_word(word)


@pytest.mark.parametrize("word", ["shoulda", "shoud've", "sholda", "shouldve"])
def test_should_with_a_glued_have_is_should_have(word: str) -> None:
    assert bare_should_have(word)


@pytest.mark.parametrize("word", ["should", "shoud", "shoulder"])
def test_should_without_a_glued_have_is_not_should_have(word: str) -> None:
    assert not bare_should_have(word)
