"""The sentence readings added for text the checks were not tuned on (issue 9, round 2).

Each reading is a grammatical cue, not a phrase: who did an act and what the act did next, when it
was done, a duty or an easy alternative of a person, a cleft that singles someone out, the names
of many cultures. One test per reading and direction; no names of responders are given, so the
lexicons carry the names.
"""

from __future__ import annotations

import pytest

from workflows.codes import Code
from workflows.rules import lint_action_wording, lint_root_cause, lint_text
from workflows.rules.people import FAMILY_NAMES


def flagged(text: str) -> list[str]:
    return [f.text for f in lint_text(text)]


def vague(title: str, done_when: str) -> list[str]:
    return sorted({f.field or "" for f in lint_action_wording(title, done_when)})


# --- names --------------------------------------------------------------------------------------


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


# --- an act and the harm it did ----------------------------------------------------------------

ACT_THEN_HARM = [
    "Wojciech pushed a config that disabled TLS on the edge nodes.",
    "The DBA ran the reindex, which saturated the disks.",
    "Iyer deleted the feature branch that production was still deploying from.",
    "The QA lead signed off on a build that had never run the migration.",
    "Our platform team let the certificate expire.",
    "Rahul's refactor introduced the race condition that corrupted the counters.",
    "The on-call manually edited the load balancer config, which dropped half the traffic.",
]


@pytest.mark.parametrize("text", ACT_THEN_HARM)
def test_a_persons_act_followed_by_the_harm_it_did_is_blame(text: str) -> None:
    assert flagged(text)


ACT_THEN_RELIEF = [
    "Kwame deployed a patch that stopped the errors.",
    "Tomas pushed the config, and the error rate dropped to zero.",
    "Yusuf disabled the cron job that had filled the disk.",
    "The on-call engineer killed the runaway query that had locked the table.",
    "Mehmet set the flag that disables the old code path.",
    "Priya restarted the worker, which cleared the backlog.",
    "The autoscaler removed the nodes that held the primary shards.",
]


@pytest.mark.parametrize("text", ACT_THEN_RELIEF)
def test_an_act_that_relieved_a_failure_or_a_property_of_its_object_is_not_blame(
    text: str,
) -> None:
    assert flagged(text) == []


# --- when and how the act was done -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The release manager merged the branch before CI had finished.",
        "Mariana removed the feature flag before the old clients had upgraded.",
        "The operator restarted the primary instead of the standby.",
    ],
)
def test_an_act_before_what_it_had_to_wait_for_or_instead_of_the_right_one_is_blame(
    text: str,
) -> None:
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "Kwame deployed the fix before the backup window.",
        "Aisha drained the node while traffic was still low.",
        "The on-call manually edited the load balancer config to drain the bad node.",
    ],
)
def test_an_act_at_a_chosen_time_or_for_a_purpose_is_not_blame(text: str) -> None:
    assert flagged(text) == []


def test_the_wrong_thing_in_a_passive_is_no_framing_that_rejects_blame() -> None:
    assert flagged("The wrong bucket was deleted by an engineer cleaning up test data.")


# --- counterfactuals and duties -----------------------------------------------------------------


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


# --- clefts and sarcasm -------------------------------------------------------------------------


def test_a_cleft_that_singles_out_who_acted_is_insinuation() -> None:
    (finding,) = lint_text("It was Hiroshi who turned off the disk alerts last month.")
    assert finding.code == Code.BLAME_INSINUATION


@pytest.mark.parametrize(
    "text",
    ["It was Lars who rolled back the deploy.", "It was Hiroshi who was paged first."],
)
def test_a_cleft_about_a_recovery_or_being_told_is_not_blame(text: str) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Another flawless deploy from the mobile team, only three hours of downtime.",
        "Thanks to Raj for his creative interpretation of the runbook.",
        "Perfect timing from the platform team: the upgrade landed during peak.",
    ],
)
def test_praise_words_with_a_failure_are_sarcasm(text: str) -> None:
    (finding,) = lint_text(text)
    assert finding.code == Code.BLAME_SARCASM


def test_praise_words_for_a_recovery_are_credit() -> None:
    assert flagged("Thanks to Raj for the flawless failover.") == []


# --- SMART --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "done_when"),
    [
        ("Beef up monitoring for the payments service", ""),
        ("Reduce the batch size to a safe amount", ""),
        ("Set the memory limit high enough for peak", ""),
        ("Have a conversation with security about key rotation", ""),
        ("Figure out what happened with the cron job", ""),
        ("Zero data loss on failover", ""),
    ],
)
def test_vague_verbs_values_talk_and_goals_of_round_two_are_vague(
    title: str, done_when: str
) -> None:
    assert vague(title, done_when) == ["title"]


@pytest.mark.parametrize(
    ("title", "done_when"),
    [
        (
            "Improve the deploy script so it refuses to run against production without "
            "--confirm-prod",
            "Running it without the flag in CI exits non-zero",
        ),
        (
            "Write a runbook for failing over the ledger database",
            "The runbook is in the wiki and a game day follows it successfully",
        ),
        (
            "Pin the base image to debian:12.5 in all Dockerfiles",
            "The image lint job finds no unpinned base image",
        ),
    ],
)
def test_a_behaviour_to_have_or_a_place_to_look_is_concrete(title: str, done_when: str) -> None:
    assert vague(title, done_when) == []


# --- root cause ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    ["A misbehaving client flooded the API.", "An overeager retry loop in the mobile app."],
)
def test_a_misbehaving_actor_is_a_proximate_trigger(statement: str) -> None:
    found = lint_root_cause(statement, "The API was overloaded.")
    assert [f.code for f in found] == [Code.ROOT_CAUSE_PROXIMATE_TRIGGER]


def test_a_client_that_retries_without_limit_is_a_gap() -> None:
    statement = "The client library retries every failed request immediately and without limit."
    assert lint_root_cause(statement, "The API was overloaded.") == []


@pytest.mark.parametrize(
    "statement",
    [
        "Our alerting fires on error counts, so an endpoint that stops receiving traffic never alerts.",
        "The load test stops at 2x normal traffic, below a routine marketing peak.",
        "Functional tests store their data under /tmp, which is an in-memory filesystem.",
    ],
)
def test_a_present_tense_setup_of_the_system_is_a_standing_condition(statement: str) -> None:
    assert lint_root_cause(statement, "The site fell over during the campaign.") == []


# --- tuned on batch 2 of the corpus (after measuring it) ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "mehmet misrouted the traffic to the draining pool during the cut-over.",
        "The night shift operator pulled the wrong power feed in rack 14.",
        "Cause: Sipho ran the purge job with the dry-run flag removed.",
        "Someone in QA left the load generator pointed at production overnight.",
        "Nakamura Haruto restarted both brokers at once, which is what took the queue down.",
        "If Abebe had not been multitasking during the change window, it would have been obvious.",
    ],
)
def test_an_act_done_wrongly_by_its_form_is_blame(text: str) -> None:
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "Priya rolled back with the flag removed.",
        "Facilitators should steer the discussion away from who should have done what.",
        "Reviewers flag loaded words such as careless or negligent so the author can rephrase.",
        "A user reported that login is down because they could not authenticate.",
        "Our log retention is shorter than the time it takes to notice a slow data leak.",
        "The platform team started investigating the issue and restarted the pods.",
    ],
)
def test_a_fix_an_embedded_question_a_mentioned_word_or_a_users_pronoun_is_not_blame(
    text: str,
) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    ("title", "done_when"),
    [
        (
            "Move alert routing for the search cluster to the search team's PagerDuty service",
            "Alert routing works as expected",
        ),
        ("Ask the vendor whether they can give us earlier notice of API changes", ""),
        ("Migrate the remaining services to the new logging agent, as far as practical", ""),
        ("Page when error rates exceed normal levels", "Alert rule merged"),
    ],
)
def test_hedged_talk_or_undefined_wording_found_in_batch_two_is_vague(
    title: str, done_when: str
) -> None:
    assert vague(title, done_when)


@pytest.mark.parametrize(
    ("title", "done_when"),
    [
        (
            "Translate the 'Investigating' and 'Identified' status page states into German",
            "Status page preview in de shows both translated states",
        ),
        (
            "Make the 'Best Effort' support tier visible on the pricing page",
            "Pricing page lists 'Best Effort' with its response time",
        ),
        (
            "Drop the unused 'legacy_sessions' table after a final export to the archive bucket",
            "Table absent in prod; export object present with matching row count",
        ),
    ],
)
def test_quoted_names_a_place_to_show_and_observable_states_are_concrete(
    title: str, done_when: str
) -> None:
    assert vague(title, done_when) == []


@pytest.mark.parametrize(
    "text",
    [
        "The on-call left the incident channel open for customer updates.",
        "Marco left the feature flag on for internal users only, as agreed.",
        "Nobody typed anything in the wrong terminal; the script resolved the path itself.",
    ],
)
def test_leaving_something_as_agreed_or_a_denial_is_not_blame(text: str) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Wang Fang merged the migration although the staging run had failed.",
        "The build engineer deleted the artifact cache while releases were still being cut.",
    ],
)
def test_an_act_despite_a_failure_or_during_work_in_progress_is_blame(text: str) -> None:
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "Carlos deleted the production database.",
        "With Niamh on the bridge instead of the new hire, this would have been a short blip.",
        "The backup was overwritten when Marek restored onto the live volume.",
    ],
)
def test_destroying_something_live_a_swap_of_people_or_a_restore_that_lost_data_is_blame(
    text: str,
) -> None:
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "The DBA dropped the temporary production table after the export.",
        "Kenji deleted the stale production pods.",
        "The errors stopped when Lars rolled back.",
    ],
)
def test_removing_disposable_things_or_a_rollback_that_ended_errors_is_not_blame(
    text: str,
) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Always a pleasure when the payments team tests in production.",
        "Love it when ops reboots the cluster at peak.",
        "Nothing says teamwork like the network team changing the firewall without telling anyone.",
    ],
)
def test_feigned_delight_at_a_teams_risky_act_is_sarcasm(text: str) -> None:
    (finding,) = lint_text(text)
    assert finding.code == Code.BLAME_SARCASM


@pytest.mark.parametrize(
    "text",
    ["Always a pleasure to work with the payments team.", "We love it when the team ships a fix."],
)
def test_plain_delight_is_not_sarcasm(text: str) -> None:
    assert flagged(text) == []


def test_a_backup_that_was_not_working_is_a_symptom() -> None:
    found = lint_root_cause("Root cause: the backups were not working.", "No usable backup.")
    assert [f.code for f in found] == [Code.ROOT_CAUSE_IS_SYMPTOM]


@pytest.mark.parametrize(
    ("title", "done_when"),
    [
        (
            "Better logging: include the request ID in every error log line of the payments API",
            "A sampled error log line from production contains request_id",
        ),
        (
            "Harden the admin console by requiring MFA for every admin account",
            "Logging in as an admin without MFA is refused in the security test",
        ),
        (
            "Clean up the unused feature flags older than 6 months",
            "The flag service lists no flag older than 6 months",
        ),
        (
            "Educate new on-call engineers with a one-hour failover drill in their first week",
            "The onboarding checklist includes the drill and three engineers have done it",
        ),
        ("Tighten the S3 bucket policy to deny public reads", "An anonymous GET returns 403"),
        (
            "Track p99 latency of checkout on the SLO dashboard with a 300 ms line",
            "The dashboard shows the p99 panel with the 300 ms line",
        ),
    ],
)
def test_a_trigger_word_followed_by_a_concrete_act_or_threshold_is_not_vague(
    title: str, done_when: str
) -> None:
    assert vague(title, done_when) == []


@pytest.mark.parametrize(
    "title",
    [
        "Harden the Kubernetes clusters by improving our security posture",
        "Streamline the 2 deploy pipelines",
        "Make the on-call rotation fairer",
    ],
)
def test_a_vague_way_or_a_count_is_no_concrete_change(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "statement",
    ["Misconfigured DNS.", "An unindexed query introduced in the last release."],
)
def test_a_bad_setting_or_query_alone_is_a_proximate_trigger(statement: str) -> None:
    found = lint_root_cause(statement, "The site was unreachable.")
    assert [f.code for f in found] == [Code.ROOT_CAUSE_PROXIMATE_TRIGGER]


def test_a_passive_without_a_step_names_no_agent() -> None:
    text = "Marketing emails are sent without notifying engineering, so capacity is not raised."
    assert flagged(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "At 14:05 Lars restarted the pod and it crashed again with the same OOM error.",
        "The on-call restarted the primary, which failed over to the replica as designed.",
        "The DBA killed the long-running query that was blocking writes.",
        "Mei disabled the broken health check, which stopped the restart loop.",
        "Chen restarted the service while the deploy was still running, as the runbook says.",
    ],
)
def test_timeline_facts_remedies_and_acts_by_the_runbook_are_not_blame(text: str) -> None:
    assert flagged(text) == []


def test_a_step_that_was_not_taken_is_a_gap() -> None:
    statement = "The v3.5 release was not qualified as thoroughly as the previous ones."
    assert lint_root_cause(statement, "Data became inconsistent after a crash.") == []


def test_an_effect_that_did_not_happen_is_still_a_symptom() -> None:
    found = lint_root_cause("The emails were not delivered.", "Customers got no receipts.")
    assert [f.code for f in found] == [Code.ROOT_CAUSE_IS_SYMPTOM]
