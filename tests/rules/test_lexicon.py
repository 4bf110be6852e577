"""The checks' data files: read once at import, words folded, comments dropped."""

from __future__ import annotations

from workflows.rules.lexicon import LEX, classes, read_json, read_list


def test_a_list_file_gives_its_words_and_none_of_its_comments() -> None:
    systems = read_list("systems.txt")
    assert {"redis", "kafka", "pagerduty"} <= systems
    assert not any("#" in entry for entry in systems)
    assert "capitalised" not in systems  # a word of the comment line


def test_a_list_file_is_folded() -> None:
    assert all(entry == entry.casefold() for entry in read_list("given_names.txt"))


def test_a_json_file_is_read_as_it_is_written() -> None:
    data = read_json("words.json")
    assert data["irregular"]["take"] == ["took", "taken"]


def test_classes_are_frozensets_of_folded_words() -> None:
    got = classes({"classes": {"roles": ["DBA", "On-Call"]}})
    assert got == {"roles": frozenset({"dba", "on-call"})}


def test_an_irregular_form_leads_back_to_its_base() -> None:
    assert (LEX.irregular["took"], LEX.irregular["taken"], LEX.irregular["broke"]) == (
        "take",
        "take",
        "break",
    )


def test_the_words_of_words_json_are_read_into_their_sets() -> None:
    assert "it's" in LEX.contractions
    assert "e.g" in LEX.abbreviations
    assert {"but", "although"} <= LEX.clause_words
