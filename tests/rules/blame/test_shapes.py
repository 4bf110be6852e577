"""Shapes of blame read from structure (``workflows/rules/blame/shapes.py``): each shape's blame,
with the span people see, and its look-alike that is not blame. Rules alone (``learned=False``),
so a test fails when the shape breaks, not when the model happens to cover for it."""

from __future__ import annotations

from workflows.rules.blame.shapes import left_in_state
from workflows.rules.blameless import lint_text
from workflows.rules.names import names
from workflows.rules.text import split


def rule_spans(text: str, responders: tuple[str, ...] = ()) -> list[str]:
    return [f.text for f in lint_text(text, responders, learned=False)]


def test_an_attentive_anyone_who_would_have_seen_the_failure_is_a_counterfactual() -> None:
    text = "Anyone paying attention to the dashboard would have seen the error rate climbing."
    assert rule_spans(text) == [
        "Anyone paying attention to the dashboard would have seen",
    ]


def test_anyone_would_have_made_the_same_call_excuses_and_is_not_blame() -> None:
    assert rule_spans("Anyone watching those graphs would have made the same call.") == []


def test_any_system_that_would_have_helped_is_not_a_person_counterfactual() -> None:
    assert rule_spans("Any alert on queue age would have paged us forty minutes earlier.") == []


def test_a_sarcasm_marker_with_a_team_and_an_omitted_step_is_sarcasm() -> None:
    text = "Of course it was the data team again, pushing schema changes without telling anyone."
    assert rule_spans(text) == ["Of course it was the data team"]


def test_a_sarcasm_marker_with_a_team_and_no_failure_is_not_blame() -> None:
    assert rule_spans("Of course the database team rolled back at once.") == []


def test_nice_of_a_team_to_act_late_is_sarcasm() -> None:
    text = "Nice of the vendor team to tell us about the API change two days after it shipped."
    assert rule_spans(text) == ["Nice of the vendor team"]


def test_nice_of_a_team_to_help_in_time_is_credit() -> None:
    assert rule_spans("Nice of the vendor team to send a patch within the hour.") == []


def test_a_failure_traced_back_to_a_role_assigns_blame() -> None:
    text = "The whole outage traces back to the DBA on shift, who dropped the index."
    assert rule_spans(text) == ["traces back to the DBA"]


def test_a_decision_that_came_down_to_a_role_is_a_duty_not_blame() -> None:
    assert rule_spans("It came down to the DBA to decide whether to fail over.") == []


def test_a_recovery_that_came_down_to_a_responder_is_credit() -> None:
    assert rule_spans("The quick recovery came down to Lars and his runbook.", ("Lars Berg",)) == []


def test_a_failure_traced_back_to_a_system_is_not_blame() -> None:
    assert rule_spans("The latency traces back to the connection pool limit.") == []


def test_a_responder_who_left_a_flag_on_is_an_omission() -> None:
    text = "After the reboot, joão left the maintenance flag on, so traffic kept flowing."
    assert rule_spans(text, ("João Pereira",)) == ["joão left the maintenance flag on"]


def test_a_responder_who_left_the_bridge_is_a_fact() -> None:
    text = "Kofi left the bridge at 03:00 once the error rate was back to normal."
    assert rule_spans(text, ("Kofi Mensah",)) == []


def test_something_left_on_on_purpose_is_no_left_in_state_omission() -> None:
    # The shape alone: an older reading flags a named person's "left … enabled" as an act.
    text = "Kofi left the debug endpoint enabled to collect traces for the vendor."
    assert left_in_state(split(text)[0], names(("Kofi Mensah",))) == []


def test_a_change_pushed_straight_to_prod_by_a_responder_is_blame() -> None:
    text = "wei pushed the new rate limits straight to prod while the canary was still red."
    assert rule_spans(text, ("Wei Zhang",)) == ["wei pushed the new rate limits straight to prod"]


def test_a_fix_deployed_directly_to_production_is_not_blame() -> None:
    text = "Another engineer reviewed it and we then deployed the patch directly to production."
    assert rule_spans(text) == []


def test_a_change_sent_straight_to_production_with_its_reason_is_not_blame() -> None:
    text = "Lars pushed the config directly to production to stop the errors."
    assert rule_spans(text, ("Lars Berg",)) == []


def test_a_pipeline_that_deploys_straight_to_production_is_a_system_subject() -> None:
    assert rule_spans("The pipeline deploys straight to production after the canary.") == []


def test_a_sarcasm_marker_before_an_unnamed_somebody_insinuates() -> None:
    text = "Once again, somebody decided that the runbook was optional."
    assert rule_spans(text) == ["Once again, somebody"]


def test_a_sarcasm_marker_before_a_named_responders_plain_act_is_not_blame() -> None:
    assert rule_spans("As usual, Kofi posted the timeline at 09:00.", ("Kofi Mensah",)) == []


def test_a_root_cause_that_is_a_person_doing_something_is_blame() -> None:
    text = "The root cause was identified as a developer executing a test suite in an old terminal."
    assert rule_spans(text) == ["cause was identified as a developer"]


def test_a_terse_cause_field_naming_a_person_is_blame() -> None:
    assert rule_spans("Root cause: the on-call restarting the primary.") == ["cause: the on-call"]


def test_a_root_cause_named_after_people_but_about_a_gap_is_not_blame() -> None:
    assert rule_spans("The root cause was an engineer shortage on the weekend rota.") == []


def test_a_root_cause_that_is_a_team_being_understaffed_is_a_condition_not_blame() -> None:
    assert rule_spans("The root cause was the team being understaffed during the holiday.") == []


def test_a_root_cause_denied_to_a_person_is_not_blame() -> None:
    assert rule_spans("The root cause was not the operator but the console.") == []


def test_a_team_member_interrupted_by_a_while_clause_is_still_the_agent() -> None:
    text = (
        "An S3 team member, while debugging a billing system issue, inadvertently removed "
        "a larger set of servers than intended."
    )
    assert rule_spans(text) == [
        "S3 team member, while debugging a billing system issue, inadvertently removed"
    ]


def test_a_cluster_member_is_no_person() -> None:
    text = "The etcd member, while rejoining the cluster, accidentally deleted its data dir."
    assert rule_spans(text) == []


def test_community_members_are_users_not_responders() -> None:
    assert rule_spans("Community members accidentally deleted their own posts.") == []


def test_bringing_something_back_with_a_bad_configuration_is_an_act_done_wrongly() -> None:
    text = "A technician brought the router back online in the affected zone with a bad config."
    assert rule_spans(text) == [
        "technician brought the router back online in the affected zone with a bad"
    ]


def test_bringing_a_service_back_with_the_bad_node_drained_is_a_fix() -> None:
    assert rule_spans("The on-call brought the service back with the bad node drained.") == []


def test_making_a_typo_is_human_error() -> None:
    assert rule_spans("An engineer made a typo in the Atlanta router config.") == ["made a typo"]


def test_a_possessive_act_dated_before_is_what_is_still_the_agent() -> None:
    text = "dmitri's cron edit at 02:10 is what emptied the export bucket."
    assert rule_spans(text, ("Dmitri Volkov",)) == ["dmitri's cron edit at 02:10 is what emptied"]


def test_things_that_had_performed_as_intended_are_no_counterfactual_about_people() -> None:
    text = "Had any of them performed as intended, the data could have been restored."
    assert rule_spans(text) == []


def test_human_error_as_what_a_safeguard_prevents_is_not_blame() -> None:
    assert rule_spans("We added a confirmation step to prevent human error on deletes.") == []
    assert rule_spans("The new prompt guards against human error when draining hosts.") == []


def test_blame_taken_back_in_the_next_clause_is_not_blame() -> None:
    text = (
        "The first draft called this an operator mistake; we removed that wording because "
        "the console gave no warning."
    )
    assert rule_spans(text) == []


def test_a_next_sentence_that_does_not_retract_the_wording_keeps_the_blame() -> None:
    assert rule_spans("It was human error. We dropped the table afterwards.") == ["human error"]


def test_an_act_followed_by_what_went_missing_is_blame() -> None:
    text = "Haruto force-pushed the release branch, so two days of merged fixes disappeared."
    assert rule_spans(text, ("Haruto Sato",)) == [
        "Haruto force-pushed the release branch, so two days of merged fixes disappeared"
    ]


def test_an_act_followed_by_trouble_going_away_is_not_blame() -> None:
    assert (
        rule_spans("Lars restarted the consumer, and the backlog disappeared within minutes.") == []
    )


def test_an_act_followed_by_failures_growing_is_blame() -> None:
    text = "The mobile squad bumped the SDK version, and crash reports tripled within an hour."
    assert rule_spans(text) == ["mobile squad bumped the SDK version, and crash reports tripled"]


def test_an_act_followed_by_a_good_number_growing_is_not_blame() -> None:
    assert rule_spans("The team scaled up the pool, and throughput doubled.") == []


def test_an_act_followed_by_a_service_that_stopped_serving_is_blame() -> None:
    text = "ingrid deleted the DNS record, and the callback endpoint stopped resolving."
    assert rule_spans(text, ("Ingrid Larsen",)) == [
        "ingrid deleted the DNS record, and the callback endpoint stopped"
    ]


def test_a_passive_agent_who_then_left_the_warning_alone_is_blame() -> None:
    text = "The warning was acknowledged by the night shift lead and then left alone until the disks filled."
    assert rule_spans(text) == ["acknowledged by the night shift lead"]


def test_a_passive_agent_who_then_escalated_is_a_fact() -> None:
    assert (
        rule_spans("The page was acknowledged by the on-call and then escalated to the DBA.") == []
    )


def test_a_harmful_act_of_something_vital_done_by_a_person_in_the_passive_is_blame() -> None:
    text = "This critical data is used by the control plane, and its deletion was performed by a developer."
    assert rule_spans(text) == ["performed by a developer"]


def test_a_deletion_performed_by_a_person_of_nothing_vital_is_a_fact() -> None:
    assert rule_spans("The deletion was performed by Priya after sign-off.") == []


def test_an_opening_instead_of_and_a_person_who_did_otherwise_is_blame() -> None:
    text = "Instead of following the runbook, Lars restarted the primary."
    assert rule_spans(text, ("Lars Nilsson",)) == [
        "Instead of following the runbook, Lars restarted"
    ]


def test_an_opening_instead_of_with_its_reason_is_a_decision() -> None:
    text = "Instead of failing over, the on-call waited because the last failover lost writes."
    assert rule_spans(text) == []
