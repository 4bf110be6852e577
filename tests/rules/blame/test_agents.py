"""Agents of failure: a person, role, team or pronoun as the subject of a failure."""

from __future__ import annotations

import pytest

from tests.support.blame import NAMES, blamed, flagged, negative, positive, spans
from workflows.codes import Code
from workflows.rules import lint_text


@pytest.mark.parametrize(("text", "span"), positive("name as agent"))
def test_a_name_as_the_agent_of_a_failure_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("role as agent"))
def test_a_role_or_team_as_the_agent_of_a_failure_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("self and collective blame"))
def test_self_blame_and_collective_blame_are_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize("text", negative("facts about people"))
def test_a_fact_about_a_person_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize("text", negative("systems as subjects"))
def test_a_system_as_the_subject_of_a_failure_verb_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


def test_a_cleft_that_singles_out_who_acted_is_insinuation() -> None:
    (finding,) = lint_text("It was Hiroshi who turned off the disk alerts last month.")
    assert finding.code == Code.BLAME_INSINUATION


@pytest.mark.parametrize(
    "text",
    ["It was Lars who rolled back the deploy.", "It was Hiroshi who was paged first."],
)
def test_a_cleft_about_a_recovery_or_being_told_is_not_blame(text: str) -> None:
    assert flagged(text) == []
