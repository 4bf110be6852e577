"""Readings that carry a subject or an agent across what sits between them and the failure:
quotes inside a clause, chat handles, "with"/"from" modifiers, "nobody" with an act of care,
misspelt "should have", "instead of" a step."""

from __future__ import annotations

import pytest

from tests.support.blame import blamed, spans


def test_a_quote_inside_the_clause_keeps_the_coordinated_subject() -> None:
    text = "Per the timeline, Joaquin disabled the health check 'temporarily' and never turned it back on."
    assert any(span.startswith("Joaquin") for span in spans(text, ["Joaquín Ruiz"]))


def test_a_quoted_complement_keeps_the_passive_agent() -> None:
    assert blamed("The ticket was closed as 'cannot reproduce' by QA without trying on Android.")


def test_quoted_blame_itself_is_still_not_blame() -> None:
    assert not blamed("Calling this 'Oksana's mistake' would miss the point.")


def test_a_chat_handle_is_a_person() -> None:
    assert spans("@bwright force-pushed to main and wiped two days of commits", []) != []


def test_a_handle_in_a_fact_of_the_timeline_is_fine() -> None:
    assert spans("@bwright rolled back the release at 14:02", []) == []


@pytest.mark.parametrize(
    "text",
    [
        "we dropped this one, plain and simple: nobody read the deprecation email",
        "The alert fired at 02:10 and nobody looked at it for 40 minutes.",
    ],
)
def test_nobody_with_a_past_act_of_care_is_an_omission(text: str) -> None:
    assert any(span.startswith("nobody") for span in spans(text))


@pytest.mark.parametrize(
    "text",
    [
        "Nobody ignored the alert; it was routed to a channel that had been archived.",
        "Nobody was paged, because the alert rule had been deleted.",
        "Nobody should need root on the bastion to read application logs.",
    ],
)
def test_nobody_in_a_denial_a_passive_or_a_policy_is_fine(text: str) -> None:
    assert not any(span.lower().startswith("nobody") for span in spans(text))


def test_a_person_with_a_modifier_is_the_subject_of_a_counterfactual() -> None:
    assert blamed("Anyone with a bit more Postgres experience would have noticed the lock.")


def test_someone_on_a_team_in_a_condition_is_a_counterfactual_person() -> None:
    text = (
        "If someone on the platform team had actually tested the upgrade, we'd have kept the queue."
    )
    assert blamed(text)


def test_a_system_with_a_modifier_is_not_a_person() -> None:
    assert not blamed("A replica with more memory would have absorbed the spike.")


@pytest.mark.parametrize("word", ["shoud've", "shuold have", "sould have", "shoudl have"])
def test_a_misspelt_should_have_about_a_person_is_a_counterfactual(word: str) -> None:
    assert blamed(f"Kenji {word} checked the replica lag before promoting it.")


@pytest.mark.parametrize("word", ["shoulder", "shout", "sold"])
def test_words_two_edits_from_should_are_not_should(word: str) -> None:
    assert not blamed(f"Kenji {word} the replica lag dashboard before promoting it.")


def test_instead_of_a_step_is_a_step_left_undone() -> None:
    assert blamed("The on-call SRE silenced the disk alert instead of dealing with it.")


@pytest.mark.parametrize(
    "text",
    [
        "The on-call restarted the pods instead of failing over, because the last failover lost writes.",
        "Well done to Ilse for calling the incident early instead of waiting for certainty.",
    ],
)
def test_instead_of_with_a_reason_or_in_credit_is_fine(text: str) -> None:
    assert not blamed(text)
