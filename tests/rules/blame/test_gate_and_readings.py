"""Where the model may add a finding (``blame/model.eligible``) and the rule readings that decide
who is there: frames read in place, disposable words only near an act, denying quantifiers, an
accident adverb in a passive, a date before an act, and a responder's lower-case name."""

from __future__ import annotations

from workflows.rules.blame.context import Context
from workflows.rules.blame.model import eligible
from workflows.rules.blameless import lint_text
from workflows.rules.names import name_at, names, person_word
from workflows.rules.text import split


def may_add(text: str, responders: tuple[str, ...] = ()) -> bool:
    known = names(responders)
    sent = split(text)[0]
    return eligible(sent, Context(sent, known))


def rule_spans(text: str, responders: tuple[str, ...] = ()) -> list[str]:
    return [f.text for f in lint_text(text, responders, learned=False)]


TOM = ("Tom Becker",)


def test_easy_to_say_frames_the_blame_after_it_so_the_model_adds_nothing() -> None:
    text = "It would be easy to say Tom rushed the change, but the form had no confirmation."
    assert not may_add(text, TOM)
    assert lint_text(text, TOM) == []


def test_the_wrong_object_of_an_act_is_no_frame() -> None:
    text = "Support escalated the ticket to the wrong queue and it sat untouched for six hours."
    assert may_add(text)


def test_a_system_that_wrote_results_is_no_reported_speech() -> None:
    text = "Because Dmitri copied the string, the jobs wrote results into the wrong database."
    assert may_add(text, ("Dmitri Volkov",))


def test_reported_speech_before_a_quotation_is_a_frame() -> None:
    assert not may_add('The customer wrote "your team clearly never tested this" in the ticket.')


def test_a_disposable_word_far_from_any_act_clears_nothing() -> None:
    text = "Two replicas were accidentally deleted by ops while they were tidying up old volumes."
    assert may_add(text)


def test_a_disposable_object_of_an_act_keeps_the_model_silent() -> None:
    assert not may_add("The on-call engineer killed the runaway query that had locked the table.")


def test_returning_errors_is_the_harm_not_a_recovery() -> None:
    text = "wei pushed the limits to prod, which is why checkout started returning 429s."
    assert may_add(text, ("Wei Zhang",))


def test_returning_to_normal_is_a_recovery() -> None:
    assert not may_add(
        "Lars restarted the broker and the queue returned to normal.", ("Lars Berg",)
    )


def test_a_denying_quantifier_before_a_group_takes_back_the_failure() -> None:
    text = "No one on the rotation ignored the alert; it was routed to a deleted alias."
    assert rule_spans(text) == []


def test_the_group_alone_as_subject_of_the_failure_is_still_blame() -> None:
    assert rule_spans("The rotation ignored the alert for an hour.") != []


def test_an_accident_adverb_makes_a_destructive_passive_by_a_team_blame() -> None:
    text = "Two of the three replicas were accidentally deleted by ops during the clean-up."
    assert rule_spans(text) == ["deleted by ops"]


def test_a_destructive_passive_on_running_things_by_a_team_is_a_fact() -> None:
    assert rule_spans("The stuck pods were killed by ops at 14:00.") == []


def test_a_time_before_the_act_dates_it_and_is_no_wrong_timing() -> None:
    text = "The migration was reviewed by Kenji and approved by the database team the day before."
    assert rule_spans(text, ("Kenji Sato",)) == []


def test_an_act_before_its_precondition_is_still_wrong_timing() -> None:
    assert rule_spans("The ticket was closed by Dolores before the fix had shipped.") != []


def test_a_responders_name_that_is_a_word_counts_lower_case_before_a_verb() -> None:
    sent = split("kim could have read the deprecation notice.")[0]
    mention = name_at(sent, 0, names(("Kim Min-jun",)))
    assert mention is not None and mention.name == "Kim Min-jun"


def test_a_responders_name_that_is_a_word_stays_a_word_before_a_noun() -> None:
    sent = split("max connections were reached on the primary.")[0]
    assert name_at(sent, 0, names(("Max Weber",))) is None


def test_should_never_have_with_a_person_is_a_counterfactual() -> None:
    assert rule_spans("Jonas should never have run the migration by hand.", ("Jonas Berg",))


def test_should_never_have_about_a_system_is_expected_behaviour() -> None:
    assert rule_spans("The replica should never have been promoted without a quorum.") == []


def test_an_alert_snoozed_by_a_responder_is_a_passive_failure() -> None:
    text = "The alert was snoozed by Kofi for the whole weekend."
    assert rule_spans(text, ("Kofi Mensah",)) == ["snoozed by Kofi"]


def test_a_word_whose_lemma_spells_a_pronoun_is_no_person() -> None:
    sent = split("It was using values that are used by the registry.")[0]
    assert [t.text for t in sent.tokens if person_word(t)] == []


def test_lower_case_it_is_a_thing_and_upper_case_it_the_department() -> None:
    sent = split("IT said it was fine.")[0]
    assert [t.text for t in sent.tokens if person_word(t)] == ["IT"]


def test_disabling_a_broken_check_is_a_remedy_so_the_model_stays_silent() -> None:
    text = "Mei disabled the broken health check, which stopped the restart loop."
    assert not may_add(text, ("Mei Chen",))


def test_deploying_a_broken_build_is_no_remedy() -> None:
    assert may_add("Mei deployed the broken build to every region.", ("Mei Chen",))


def test_an_act_done_as_planned_is_not_the_models_to_flag() -> None:
    assert not may_add("The migration was run by Oksana as planned.", ("Oksana Petrenko",))


def test_a_system_working_as_intended_leaves_the_sentence_to_the_model() -> None:
    text = "The team's refusal to engage kept the governance system from working as intended."
    assert may_add(text)
