"""Sentence analysis: tokens, lemmas, sentences, clauses and quotation marks."""

from __future__ import annotations

import random
import unicodedata

import pytest

from workflows.rules.text import fold, lemmas, normalise, split, squash, tokenize


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split(text)]


def quoted(text: str) -> list[str]:
    """The quoted words, folded."""
    return [t.low for t in tokenize_marked(text) if t.quoted and t.word]


def tokenize_marked(text: str) -> list:  # type: ignore[type-arg]
    return [t for s in split(text) for t in s.tokens]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The pool drained. Alice paged Bob.", ["The pool drained.", "Alice paged Bob."]),
        ("Is it down? Yes!", ["Is it down?", "Yes!"]),
        ("It failed; we rolled back", ["It failed;", "we rolled back"]),
        ("See e.g. the runbook. Then page.", ["See e.g. the runbook.", "Then page."]),
        ("J.R. forgot the flag. It broke.", ["J.R. forgot the flag.", "It broke."]),
        ("We upgraded to v1.2 today.", ["We upgraded to v1.2 today."]),
        ("Wait... then it crashed.", ["Wait... then it crashed."]),
    ],
    ids=[
        "full stop",
        "question and bang",
        "semicolon",
        "abbreviation",
        "initials",
        "version",
        "dots",
    ],
)
def test_sentences_end_at_their_punctuation_only(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_a_line_break_ends_a_sentence_when_the_next_line_starts_a_new_one() -> None:
    assert sentences("Timeline\nThe DBA forgot the replica") == [
        "Timeline",
        "The DBA forgot the replica",
    ]


def test_a_wrapped_line_goes_on_in_the_same_sentence() -> None:
    assert sentences("The DBA forgot\nthe replica") == ["The DBA forgot\nthe replica"]


def test_a_blank_line_always_ends_a_sentence() -> None:
    assert sentences("It was human\n\nerror budgets") == ["It was human", "error budgets"]


def test_a_list_item_marker_starts_a_new_sentence() -> None:
    assert sentences("- the DBA forgot\n- the alert was silent") == [
        "- the DBA forgot",
        "- the alert was silent",
    ]


def test_commas_and_conjunctions_separate_clauses() -> None:
    (sent,) = split("The alert fired, but nobody was paged because the route was stale")
    clauses = {t.clause for t in sent.tokens if t.word}
    assert len(clauses) == 3


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ('He called it "operator error" twice', ["operator", "error"]),
        ("He called it \u201coperator error\u201d twice", ["operator", "error"]),
        ("The status 'Needs review' is new", ["needs", "review"]),
        ("Run `git blame` on it", ["git", "blame"]),
    ],
    ids=["straight", "curly", "single", "backticks"],
)
def test_words_between_quotation_marks_are_quoted(text: str, inside: list[str]) -> None:
    assert quoted(text) == inside


@pytest.mark.parametrize(
    "text",
    [
        "The engineers' laptops didn't sync",
        "Erin O'Neil's change and Dave's fix",
        'He said "it was fine',
        "It's the DBA's job, isn't it",
    ],
    ids=["plural possessive", "names", "unclosed", "contractions"],
)
def test_apostrophes_and_unclosed_quotes_mark_nothing(text: str) -> None:
    assert quoted(text) == []


def test_a_quotation_does_not_run_across_lines() -> None:
    assert quoted('It said "human\nerror" in the log') == []


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("dropped", "drop"),
        ("forgotten", "forget"),
        ("forgot", "forget"),
        ("ignoring", "ignore"),
        ("carelessness", "careless"),
        ("deploys", "deploy"),
        ("tried", "try"),
    ],
)
def test_a_word_carries_its_base_form_among_its_lemmas(word: str, base: str) -> None:
    assert base in lemmas(word)


def test_a_possessive_is_folded_away_and_remembered() -> None:
    (token,) = [t for t in tokenize("Oksana's") if t.word]
    assert (token.low, token.poss) == ("oksana", True)


def test_folding_removes_case_accents_and_curly_apostrophes() -> None:
    assert fold("JOS\u00c9 O\u2019Neil") == "jose o'neil"


def test_w_slash_o_reads_as_without() -> None:
    assert [t.low for t in tokenize("pushed w/o review") if t.word] == [
        "pushed",
        "without",
        "review",
    ]


def test_a_time_of_day_is_one_token() -> None:
    assert [t.text for t in tokenize("at 14:02 UTC")] == ["at", "14:02", "UTC"]


def test_squash_quotes_long_text_on_one_line_within_the_limit() -> None:
    assert squash("a\n b  c") == "a b c"
    long = squash("word " * 1000, limit=20)
    assert len(long) == 20 and long.endswith("\u2026")


def test_normalise_turns_every_punctuation_and_symbol_to_a_space_as_unicode_categorises_it() -> (
    None
):
    rng = random.Random(7)
    texts = [
        "Straße: the “fix” (ops-12) failed €5 😀",
        *("".join(chr(rng.randrange(0x20000)) for _ in range(40)) for _ in range(300)),
    ]
    for text in texts:
        folded = "".join(
            " " if unicodedata.category(ch)[0] in "PS" else ch for ch in text.casefold()
        )
        assert normalise(text) == " ".join(folded.split())
