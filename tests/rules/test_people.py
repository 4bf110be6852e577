"""Who a phrase is about: people, roles, teams, responders' names and pronouns, or systems."""

from __future__ import annotations

import pytest

from tests.support.people import subject


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
