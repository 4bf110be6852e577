"""The root-cause readings' shared words: the negations that mark a gap, the lexicon's classes."""

from __future__ import annotations

from workflows.rules.cause.words import NEG_FOR_GAP, C


def test_every_contraction_that_marks_a_gap_is_known_without_its_apostrophe_too() -> None:
    contractions = {w for w in NEG_FOR_GAP if "'" in w}
    assert contractions
    assert {w.replace("'", "") for w in contractions} <= NEG_FOR_GAP


def test_the_root_cause_lexicon_classes_are_folded() -> None:
    assert C
    assert all(w == w.casefold() for words in C.values() for w in words)
