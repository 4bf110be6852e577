"""Who a phrase is about: people, roles, teams, responders' names and pronouns, or systems."""

from __future__ import annotations

import pytest

from workflows.rules.people import names, names_key, subject_of
from workflows.rules.text import split

RESPONDERS = ["Oksana Petrenko", "José García", "Erin O'Neil", "Max Power"]


def subject(text: str, verb: str, responders: list[str] = RESPONDERS) -> tuple[str, str | None]:
    """The kind of the subject of ``verb`` in ``text``, and the name it refers to."""
    (sent,) = split(text)
    i = next(k for k, t in enumerate(sent.tokens) if t.low == verb)
    phrase = subject_of(sent, i, names(names_key(responders)))
    return phrase.kind, phrase.name


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


def test_a_persons_possessive_before_a_change_is_their_change() -> None:
    assert subject("Oksana's migration dropped the index", "dropped") == (
        "change",
        "Oksana Petrenko",
    )


@pytest.mark.parametrize(
    "text",
    [
        "The new hire forgot the flag",
        "The storage team forgot the flag",
        "The DBA on duty forgot the flag",
        "They forgot the flag",
        "Someone forgot the flag",
    ],
    ids=["role", "team", "on duty", "pronoun", "someone"],
)
def test_roles_teams_and_pronouns_are_people(text: str) -> None:
    assert subject(text, "forgot")[0] == "person"


@pytest.mark.parametrize(
    "text",
    [
        "The backup job forgot the flag",
        "Kubernetes forgot the flag",
        "It forgot the flag",
        "The payments-api forgot the flag",
    ],
    ids=["job", "product", "it", "service"],
)
def test_systems_and_components_are_not_people(text: str) -> None:
    assert subject(text, "forgot")[0] == "system"


def test_a_given_name_is_a_person_without_a_responder_list() -> None:
    assert subject("Then Priya forgot the flag", "forgot", []) == ("person", "Priya")


def test_a_name_that_is_an_ordinary_word_is_a_person_only_when_written_as_one() -> None:
    assert subject("Then Max forgot the flag", "forgot")[0] == "person"
    assert subject("The max forgot the flag", "forgot")[0] == "system"


def test_responder_names_are_read_once_per_list() -> None:
    assert names(names_key(RESPONDERS)) is names(names_key(list(reversed(RESPONDERS))))
