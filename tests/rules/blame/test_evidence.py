"""What the readings of blame share: where a span starts, how names are folded, whose "they"."""

from __future__ import annotations

from workflows.rules.blame.evidence import fold_name, span_start, users_pronoun
from workflows.rules.people import Phrase
from workflows.rules.text import split


def test_a_span_starts_at_the_first_content_word_of_the_subject() -> None:
    (sent,) = split("Then the DBA forgot the flag")
    words = [t.text for t in sent.tokens]
    assert words[span_start(sent.tokens, Phrase(0, 2, "person"))] == "DBA"


def test_a_span_starts_at_a_family_name_written_first() -> None:
    (sent,) = split("Petrenko, Oksana forgot the flag")
    at = span_start(sent.tokens, Phrase(2, 2, "person", "Oksana Petrenko"))
    assert sent.tokens[at].text == "Petrenko"


def test_a_comma_before_a_name_that_is_not_theirs_stays_out_of_the_span() -> None:
    (sent,) = split("Sadly, Oksana forgot the flag")
    at = span_start(sent.tokens, Phrase(2, 2, "person", "Oksana Petrenko"))
    assert sent.tokens[at].text == "Oksana"


def test_a_folded_name_ignores_case_accents_and_dots() -> None:
    assert fold_name("J.R. García") == fold_name("jr garcia")


def test_they_after_users_stands_for_the_users() -> None:
    (sent,) = split("Customers retried and they flooded the queue")
    k = next(i for i, t in enumerate(sent.tokens) if t.low == "they")
    assert users_pronoun(sent.tokens, Phrase(k, k, "person"))


def test_they_with_no_users_before_it_is_no_users_pronoun() -> None:
    (sent,) = split("The engineers retried and they flooded the queue")
    k = next(i for i, t in enumerate(sent.tokens) if t.low == "they")
    assert not users_pronoun(sent.tokens, Phrase(k, k, "person"))
