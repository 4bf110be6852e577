"""Readings that carry a subject or an agent across what sits between them and the failure:
quotes inside a clause, chat handles, "with"/"from" modifiers, "nobody" with an act of care,
misspelt "should have", "instead of" a step."""

from __future__ import annotations

import pytest

from tests.support.blame import blamed, spans
from workflows.rules.blameless import lint_text


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
    # The rules' reading of "should" (the learned part weighs such garbled sentences on its own).
    assert (
        lint_text(f"Kenji {word} the replica lag dashboard before promoting it.", learned=False)
        == []
    )


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


def test_a_persons_act_named_as_what_did_the_harm_is_blame() -> None:
    text = "per slack, Anneliese kicked off the reindex on the primary at peak and that's what saturated IO"
    assert any(span.startswith("Anneliese") for span in spans(text, ["Anneliese Vogt"]))


def test_a_systems_act_named_as_what_did_the_harm_is_not() -> None:
    assert not blamed("The autoscaler added forty nodes and that's what saturated the NAT gateway.")


def test_a_past_participle_after_a_determiner_is_no_harm_verb() -> None:
    text = (
        "The attack would not have been a problem but combined with a more relaxed firewall "
        "policy we introduced recently, and the compounded prior outages, it caught us off guard."
    )
    assert not blamed(text)


def test_releasing_with_a_hazard_still_enabled_is_a_wrong_state() -> None:
    assert blamed("the mobile squad released 7.3 with the debug endpoint still enabled.")


def test_shipping_with_a_hazard_removed_is_a_fix() -> None:
    assert not blamed("The mobile squad shipped 7.3.1 with the debug endpoint removed.")


def test_a_person_in_a_place_is_the_subject() -> None:
    assert blamed("Ops in Singapore changed the BGP weights without a ticket.")


def test_his_change_is_a_persons_change() -> None:
    assert blamed("His cleanup job took out the shared volume.")


def test_a_condition_on_an_alert_noun_keeps_the_modal_about_the_system() -> None:
    assert not blamed("Had the alert routed to the secondary, someone would have responded.")


def test_more_care_from_a_role_is_a_counterfactual_person() -> None:
    assert blamed("with a bit more care from the release captain this wouldve been caught")


def test_a_better_informed_person_is_a_counterfactual_person() -> None:
    assert blamed("An SRE who knew the legacy stack would have restarted the right service.")


def test_not_taking_something_into_account_is_an_omission() -> None:
    assert blamed("We did not take into account the link caching done by end-user devices.")


def test_a_person_acting_then_skipping_a_step_is_blame() -> None:
    text = "14:02 - Kwame pushes hotfix straight to prod, skipping staging"
    assert any(span.startswith("Kwame") for span in spans(text, ["Kwame Mensah"]))


@pytest.mark.parametrize(
    "text",
    [
        "At 3 a.m. with no second responder, skipping the dry run saved visible minutes.",
        "QA config differs from prod, missing a staging environment.",
    ],
)
def test_a_gerund_subject_or_an_absence_after_a_comma_is_not(text: str) -> None:
    assert not blamed(text)


def test_a_parenthesis_between_subject_and_verb_is_read_over() -> None:
    assert blamed("Ines (on-call) restarted the wrong region")


def test_a_change_judged_as_rushed_is_a_judgement() -> None:
    assert blamed("frankly the migration was rushed and half-tested")


def test_a_change_described_as_untested_is_not_a_judgement() -> None:
    assert not blamed("The migration was untested against production-sized data.")


def test_a_persons_change_with_a_prepositional_object_is_still_theirs() -> None:
    text = "According to the audit log, Mateus' manual edit to the DNS zone removed the MX records."
    assert blamed(text)


def test_rushing_is_done_by_people_whatever_the_subject() -> None:
    assert blamed("New tool/component (GitOps) shouldn't have been rushed to production.")


def test_a_system_that_should_have_been_promoted_is_expected_behaviour() -> None:
    assert not blamed("The standby should have been promoted within 30 seconds.")


def test_approving_ones_own_change_is_blame() -> None:
    assert blamed("Mr. Haddad approved his own change at 23:50 and applied it straight away.")
