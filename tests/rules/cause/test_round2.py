"""Readings added in the second round on the symptom check (issue 9), each with the statement it
must flag and the near one it must leave alone: nouns that look like design verbs, a noun with its
past verb after it, a lead-in that only says when, version changes, passive changes, long
verbless triggers, and states of a team that are gaps."""

from __future__ import annotations

from tests.support.root_cause import verdict
from workflows.codes import Code

_EFFECT = Code.ROOT_CAUSE_IS_SYMPTOM.value
_TRIGGER = Code.ROOT_CAUSE_PROXIMATE_TRIGGER.value


def test_a_design_verb_after_an_onset_is_what_stopped_working() -> None:
    assert verdict("Our cluster lost quorum and stopped accepting writes") == _EFFECT


def test_a_design_verb_of_the_set_up_is_still_a_gap() -> None:
    assert verdict("The API accepts payloads of any size from internal callers") is None


def test_a_design_verb_as_a_noun_after_a_determiner_is_no_gap() -> None:
    assert verdict("The gateway was returning HTTP 429 to a large share of traffic") == _EFFECT


def test_a_shared_resource_is_still_a_gap() -> None:
    assert verdict("The connection limit of 100 is shared by all twelve services") is None


def test_a_word_that_only_stems_like_a_design_verb_is_no_gap() -> None:
    assert verdict("Thousands of messages were rejected into the dead letter queue") == _EFFECT


def test_a_design_verb_as_a_noun_before_its_past_verb_is_no_gap() -> None:
    statement = "Customers saw blank pages because the frontend bundle failed to load from the CDN"
    assert verdict(statement) == _EFFECT


def test_a_present_form_before_its_past_verb_is_a_noun_not_a_standing_condition() -> None:
    statement = "The provider's webhook calls to us timed out, so orders stayed pending"
    assert verdict(statement) is not None


def test_a_present_form_with_no_past_verb_after_it_is_a_standing_condition() -> None:
    assert verdict("The provider calls our webhook once and never retries") is None


def test_a_version_bump_from_one_number_to_another_is_a_trigger() -> None:
    assert verdict("Dependency bump of the JSON library from 2.9 to 2.10 by the update bot") == (
        _TRIGGER
    )


def test_a_limit_lowered_from_one_number_to_another_is_still_a_gap() -> None:
    assert verdict("The disk quota was reduced from 100 GB to 20 GB last year") is None


def test_a_passive_change_with_a_dated_lead_in_is_a_trigger() -> None:
    statement = "On 28 November 2025, the load balancer controller was upgraded from 1.14 to 1.16."
    assert verdict(statement) == _TRIGGER


def test_a_lead_in_that_says_more_than_when_is_kept() -> None:
    statement = "At 03:12 UTC the primary stopped accepting connections, and writes failed"
    assert verdict(statement) == _EFFECT


def test_a_passive_change_that_names_who_made_it_is_not_read_as_a_trigger() -> None:
    assert verdict("The bucket was deleted by the on-call engineer") != _TRIGGER


def test_a_participle_before_the_head_noun_is_part_of_the_trigger() -> None:
    statement = "The scheduled rotation of the database credentials by the secrets manager"
    assert verdict(statement) == _TRIGGER


def test_a_long_verbless_trigger_is_read_by_its_head_phrase() -> None:
    statement = "A network partition between availability zones a and b lasting about four minutes"
    assert verdict(statement) == _TRIGGER


def test_a_long_verbless_gap_stays_a_root_cause() -> None:
    statement = "Lack of a staging environment for the payments service with production data"
    assert verdict(statement) is None


def test_a_team_that_lacked_something_names_a_gap_not_a_person() -> None:
    assert verdict("We lacked a runbook for restoring the queue from backup") is None


def test_a_team_that_acted_still_stops_at_a_person() -> None:
    assert verdict("The engineer restarted the wrong database node") == (
        Code.ROOT_CAUSE_STOPS_AT_PERSON.value
    )


def test_a_thing_built_with_no_part_is_a_gap_whatever_the_part() -> None:
    statement = "The SDK retries on every 5xx with no jitter, which turns a blip into a herd."
    assert verdict(statement) is None


def test_none_of_what_an_outage_uses_up_is_no_gap() -> None:
    assert verdict("The load balancer had no healthy hosts for ten minutes") is not None


def test_a_threshold_set_at_a_value_is_a_gap() -> None:
    statement = "The disk usage alert threshold was set at 95%, leaving minutes to react."
    assert verdict(statement) is None


def test_what_the_system_made_possible_is_a_gap() -> None:
    statement = "It was possible to run the migration against production from a laptop."
    assert verdict(statement) is None


def test_what_happens_routinely_in_the_present_is_a_gap() -> None:
    statement = "The on-call handover happens over chat and open incidents are easily missed."
    assert verdict(statement) is None


def test_a_work_item_never_prioritised_is_a_gap() -> None:
    statement = "The known issue with the connection pool was tracked but never prioritised."
    assert verdict(statement) is None


def test_two_settings_that_do_not_fit_are_a_gap() -> None:
    statement = "Client timeouts were longer than the server's, so requests piled up."
    assert verdict(statement) is None


def test_an_effect_in_a_trailing_which_clause_is_what_followed() -> None:
    statement = "The dashboards were built around averages, which hid the p99 latency increase."
    assert verdict(statement) is None


def test_an_effect_in_the_main_clause_before_which_is_still_an_effect() -> None:
    statement = "The batch did not finish before the 06:00 cutoff, which delayed the statements."
    assert verdict(statement) == _EFFECT


def test_a_person_with_a_gap_behind_them_is_a_root_cause() -> None:
    statement = "The team was not aware the default had changed, as upgrade notes are not reviewed."
    assert verdict(statement) is None


def test_a_person_with_no_gap_behind_them_still_stops_at_a_person() -> None:
    statement = "The team was not aware the default had changed, as it was a busy week."
    assert verdict(statement) == Code.ROOT_CAUSE_STOPS_AT_PERSON.value


def test_a_check_that_covers_one_case_but_not_another_is_a_gap() -> None:
    statement = "The unit tests covered the happy path of the parser but not malformed input."
    assert verdict(statement) is None


def test_but_not_with_no_check_before_it_is_no_gap() -> None:
    assert verdict("Checkout pages were blank for mobile users but not desktop ones") == _EFFECT


def test_an_empty_thing_described_is_no_effect() -> None:
    assert verdict("The performance test suite ran against an empty database.") is None


def test_a_thing_that_ran_out_is_an_effect() -> None:
    assert verdict("The database ran out of connections") == _EFFECT


def test_a_present_reference_of_a_document_is_a_standing_condition() -> None:
    statement = "The failover runbook still references the old hostnames from before the migration."
    assert verdict(statement) is None


def test_knowledge_held_by_a_few_is_a_gap() -> None:
    statement = "How to drain a node safely was tribal knowledge held by two engineers."
    assert verdict(statement) is None


def test_a_message_delivered_twice_is_an_effect() -> None:
    assert verdict("Customer emails were delivered twice over a period of 3 hours.") == _EFFECT


def test_caused_by_a_change_names_only_the_trigger() -> None:
    statement = "This was caused by the deployment of a new version of the auth service."
    assert verdict(statement) == _TRIGGER


def test_caused_by_the_lack_of_a_check_is_a_gap() -> None:
    statement = "This was caused by the lack of a check on the deployment of a new version."
    assert verdict(statement) is None


def test_stale_reads_are_an_effect_not_an_out_of_date_document() -> None:
    assert verdict("High replication lag on the read replicas caused stale reads.") is not None


def test_a_stale_runbook_is_still_a_gap() -> None:
    assert verdict("The failover steps in the runbook are stale") is None


def test_a_misconfiguration_alone_is_a_trigger() -> None:
    assert verdict("Misconfiguration in the HAProxy backend definitions.") == _TRIGGER


def test_a_present_negation_of_what_a_pipeline_runs_is_a_gap() -> None:
    statement = "A bad deploy was possible because the pipeline does not run integration tests."
    assert verdict(statement) is None


def test_a_past_negation_of_what_was_run_is_an_effect() -> None:
    assert verdict("The nightly billing job did not run on time") is not None


def test_a_capacity_sized_for_a_number_is_a_gap() -> None:
    statement = "The cluster ran out of IP addresses because subnets were sized for 50 nodes."
    assert verdict(statement) is None


def test_a_step_that_had_never_been_rehearsed_is_a_gap() -> None:
    statement = (
        "The outage lasted three hours since restoring from backup had never been rehearsed."
    )
    assert verdict(statement) is None


def test_a_choice_made_by_design_is_a_gap() -> None:
    assert verdict("Pods were evicted because the nodes were overcommitted by design.") is None


def test_an_alert_routed_to_a_muted_channel_is_a_gap() -> None:
    statement = "Error rates rose for 40 minutes because the alert was routed to a muted channel."
    assert verdict(statement) is None


def test_a_way_of_working_instead_of_another_is_a_design_choice() -> None:
    statement = "The crash happened because the service loads whole files instead of streaming."
    assert verdict(statement) is None


def test_a_reason_that_is_a_standing_condition_makes_a_root_cause() -> None:
    statement = "Orders were lost because the queue stores messages in memory on the broker."
    assert verdict(statement) is None


def test_a_reason_that_is_an_outage_leaves_a_symptom() -> None:
    assert verdict("The site was down because the load balancer crashed.") == _EFFECT


def test_a_gap_in_its_own_clause_before_a_person_is_a_root_cause() -> None:
    statement = (
        "The dead letter handling is not documented and the on-call did not know it existed."
    )
    assert verdict(statement) is None


def test_a_person_with_no_gap_before_them_still_stops_at_a_person() -> None:
    statement = "The handling was changed last week and the on-call did not know it existed."
    assert verdict(statement) == Code.ROOT_CAUSE_STOPS_AT_PERSON.value


def test_a_person_inside_a_reason_that_is_a_gap_is_no_person_verdict() -> None:
    statement = "The removal broke clients because we have no usage metrics per endpoint."
    assert verdict(statement) is None


def test_a_statement_that_starts_with_a_change_in_progress_is_a_trigger() -> None:
    assert verdict("Rotating the signing keys.") == _TRIGGER


def test_a_statement_that_starts_with_a_change_and_its_reason_is_not_read_as_one() -> None:
    statement = "Rotating the signing keys by hand, because no tool does it, without a checklist."
    assert verdict(statement) is None


def test_a_cache_flush_is_a_trigger() -> None:
    assert verdict("The cache flush performed as part of the release.") == _TRIGGER


def test_retrying_indefinitely_is_a_design_choice() -> None:
    assert verdict("The job framework restarts failed jobs immediately and indefinitely.") is None


def test_broad_rights_of_an_account_are_a_gap() -> None:
    statement = "The bot account used by the deploy pipeline had admin rights to every repository."
    assert verdict(statement) is None


def test_an_admin_who_acted_is_not_read_as_broad_rights() -> None:
    assert verdict("A bot deployed the broken admin console build.") == _TRIGGER


def test_poor_visibility_is_a_gap() -> None:
    assert verdict("Poor visibility into queue depth across consumers.") is None


def test_poor_latency_is_no_gap() -> None:
    assert verdict("Poor latency on the search cluster for two hours.") is not None


def test_a_change_that_removed_the_only_thing_stops_at_the_trigger() -> None:
    statement = "A config push that removed the only healthy upstream from the pool."
    assert verdict(statement) == _TRIGGER


def test_a_release_that_shipped_with_something_missing_stops_at_the_trigger() -> None:
    statement = "The deploy of version 5.1, which shipped with a missing environment variable."
    assert verdict(statement) == _TRIGGER


def test_a_change_that_did_something_stops_at_the_trigger() -> None:
    statement = "The upgrade changed the default serializer, so old messages could not be read."
    assert verdict(statement) == _TRIGGER


def test_a_change_with_a_reason_behind_it_is_a_root_cause() -> None:
    statement = "The config push went to every region at once, as the tool allows no staging."
    assert verdict(statement) is None


def test_a_change_done_without_a_safeguard_is_a_gap() -> None:
    assert verdict("The change was deployed without review.") is None


def test_a_change_that_was_never_done_is_not_read_as_a_trigger() -> None:
    statement = "Fixes have been suggested, but thus far haven't been implemented"
    assert verdict(statement) is None


def test_a_system_named_after_changes_is_not_a_change() -> None:
    assert verdict("The job framework restarts failed jobs immediately and indefinitely.") is None


def test_a_document_about_a_change_is_not_a_change() -> None:
    statement = "The README for the deployment repo describes a step the pipeline no longer runs."
    assert verdict(statement) is None


def test_an_outage_described_with_no_in_it_is_still_an_outage() -> None:
    assert verdict("The site went down with no errors in the logs.") == _EFFECT


def test_an_outage_at_the_same_time_is_still_an_outage() -> None:
    statement = "All pods restarted at the same time and the service was unavailable for 5 minutes."
    assert verdict(statement) is not None


def test_a_shared_thing_that_ran_out_is_still_an_outage() -> None:
    statement = "The shared cache cluster ran out of memory and evicted all sessions."
    assert verdict(statement) == _EFFECT


def test_an_outage_with_a_strong_gap_in_it_is_a_root_cause() -> None:
    statement = "The site went down and there is no alert on the error rate of the checkout API."
    assert verdict(statement) is None


def test_an_outage_with_a_reason_is_judged_by_its_reason() -> None:
    statement = "The shared cluster ran out of memory because no memory limit is set per tenant."
    assert verdict(statement) is None


def test_what_a_safeguard_did_is_its_set_up_not_an_outage() -> None:
    assert verdict("The synthetic checks only hit the home page, not checkout.") is None


def test_an_outage_in_the_present_is_a_condition_of_a_component() -> None:
    statement = "The health check is served by a sidecar that stays up when the app is down."
    assert verdict(statement) is None


def test_a_change_made_with_no_safeguard_is_a_gap() -> None:
    statement = (
        "The cleanup script deleted files older than 30 days with no exclusion for audit logs."
    )
    assert verdict(statement) is None


def test_a_change_done_so_by_default_is_a_gap() -> None:
    statement = "The migration ran in a single transaction, which our tooling does by default."
    assert verdict(statement) is None
