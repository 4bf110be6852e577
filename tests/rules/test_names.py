"""Names: responders' names, given and family names, names that are ordinary words."""

from __future__ import annotations

import pytest

from tests.support.blame import flagged, negative, spans
from tests.support.people import RESPONDERS, subject
from workflows.codes import Code
from workflows.rules import lint_text
from workflows.rules.names import FAMILY_NAMES, names, names_key

ORDINARY_AS_NAMES = {"Art", "Max", "Frank", "Faith", "Joy"}


@pytest.mark.parametrize("text", negative("ordinary-word names"))
def test_a_name_that_is_an_ordinary_word_in_the_sentence_is_not_blame(text: str) -> None:
    responders = [f"{n} Example" for n in ORDINARY_AS_NAMES]
    assert lint_text(text, responders) == []


def test_a_name_that_is_an_ordinary_word_counts_when_written_as_a_name() -> None:
    assert spans("Then Max forgot to drain the node.", ["Max Example"]) == ["Max forgot to"]


def test_a_name_is_matched_as_a_whole_word_only() -> None:
    # "Bobby" is a given name, so the sentence is blame, but not blame of the responder Bob.
    (finding,) = lint_text("Bobby forgot to renew the certificate", ["Bob"])
    assert "Bob, a responder" not in finding.message


def test_responder_names_are_literal_text_not_patterns() -> None:
    assert spans("J.R. forgot the flag", ["J.R. Ewing"]) == ["J.R. forgot"]
    assert lint_text("JxR forgot the flag", ["J.R. Ewing"])[0].code != Code.BLAME_PERSON_SUBJECT


def test_blank_responder_names_are_ignored() -> None:
    assert lint_text("The deploy broke checkout", ["", "   "]) == []


@pytest.mark.parametrize("name", ["tanaka", "okafor", "kowalczyk", "wisniewski", "ionescu"])
def test_family_names_of_many_cultures_are_known(name: str) -> None:
    assert name in FAMILY_NAMES


@pytest.mark.parametrize("word", ["baker", "long", "green", "deploy", "kafka"])
def test_a_family_name_that_is_an_ordinary_word_or_system_is_left_out(word: str) -> None:
    assert word not in FAMILY_NAMES


def test_a_family_name_alone_names_the_person_whose_change_broke_something() -> None:
    (span,) = flagged("Tanaka's change took the billing API offline for an hour.")
    assert span.startswith("Tanaka's change")


def test_a_family_name_written_first_is_part_of_the_span() -> None:
    (span,) = flagged("Chen Wei deleted the replica set while the backup was running.")
    assert span.startswith("Chen Wei")


@pytest.mark.parametrize(
    ("text", "verb", "name"),
    [
        ("Oksana forgot the flag", "forgot", "Oksana Petrenko"),
        ("oksana forgot the flag", "forgot", "Oksana Petrenko"),
        ("Petrenko forgot the flag", "forgot", "Oksana Petrenko"),
        ("Jose forgot the flag", "forgot", "José García"),
        ("Erin O\u2019Neil forgot the flag", "forgot", "Erin O'Neil"),
    ],
    ids=["first name", "lower case", "family name", "accents", "curly apostrophe"],
)
def test_any_part_of_a_responders_name_is_that_person(text: str, verb: str, name: str) -> None:
    assert subject(text, verb) == ("person", name)


def test_a_given_name_is_a_person_without_a_responder_list() -> None:
    assert subject("Then Priya forgot the flag", "forgot", []) == ("person", "Priya")


def test_a_name_that_is_an_ordinary_word_is_a_person_only_when_written_as_one() -> None:
    assert subject("Then Max forgot the flag", "forgot")[0] == "person"
    assert subject("The max forgot the flag", "forgot")[0] == "system"


def test_responder_names_are_read_once_per_list() -> None:
    assert names(names_key(RESPONDERS)) is names(names_key(list(reversed(RESPONDERS))))
