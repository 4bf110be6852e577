"""Counterfactuals about people, and the sound ones about systems, plans and conditions."""

from __future__ import annotations

import pytest

from tests.support.blame import NAMES, blamed, flagged, negative, positive, spans
from workflows.codes import Code
from workflows.rules import lint_text


@pytest.mark.parametrize(("text", "span"), positive("should have"))
def test_should_have_as_a_judgement_of_a_person_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("counterfactual about a person"))
def test_a_counterfactual_about_a_person_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize("text", negative("conditions"))
def test_the_conditions_behind_a_decision_are_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize("text", negative("should as plan"))
def test_should_as_a_plan_policy_or_expected_behaviour_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize("text", negative("counterfactual about systems"))
def test_a_counterfactual_about_a_system_or_practice_is_not_blame(text: str) -> None:
    assert lint_text(text, NAMES) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The operator could have simply rolled back.", Code.BLAME_COUNTERFACTUAL),
        ("Lucia could easily have prevented this by reading it.", Code.BLAME_COUNTERFACTUAL),
        ("Had Jonas asked before running the script, none of this would have happened.", None),
        ("With a bit more care, the DBA would have noticed the lag.", Code.BLAME_COUNTERFACTUAL),
        ("The on-call was supposed to check the replication lag.", Code.BLAME_COUNTERFACTUAL),
        ("It would have been trivial for the on-call to fail over.", Code.BLAME_COUNTERFACTUAL),
        ("It was the DBA's job to verify the backups.", Code.BLAME_LANGUAGE),
    ],
)
def test_an_easy_alternative_or_a_past_duty_of_a_person_is_blame(
    text: str, code: Code | None
) -> None:
    found = lint_text(text)
    assert found
    if code is not None:
        assert found[0].code == code


@pytest.mark.parametrize(
    "text",
    [
        "The replica could easily have taken over.",
        "If the on-call had been paged, the rollback would have started earlier.",
        "With a lag panel on the dashboard, the on-call would have noticed the lag.",
        "The replica was supposed to take over within 10 s.",
        "It is the on-call's job to page the DBA.",
        "The on-call was supposed to receive an alert.",
    ],
)
def test_a_condition_about_the_system_or_a_present_duty_is_not_blame(text: str) -> None:
    assert flagged(text) == []
