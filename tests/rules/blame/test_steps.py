"""A step left undone by a person (``workflows.rules.blame.steps``)."""

from __future__ import annotations

from tests.support.blame import blamed


def test_acting_without_a_step_is_blame() -> None:
    assert blamed("The on-call went to bed without acknowledging the page.")


def test_a_system_acting_without_a_step_is_not() -> None:
    assert not blamed("Marketing emails are sent without notifying engineering.")


def test_a_decision_to_wait_without_a_step_is_not() -> None:
    assert not blamed("We were hesitant to deploy without announcing it first.")


def test_acting_instead_of_a_step_is_blame() -> None:
    assert blamed("Lars muted the disk alert instead of looking at the volume.")


def test_acting_instead_of_a_step_for_a_given_reason_is_not() -> None:
    assert not blamed(
        "The on-call restarted the pods instead of failing over, since the last failover lost writes."
    )
