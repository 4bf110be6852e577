"""Readings added in the third round on the symptom check (issue 9, probe symptom_3), each with
the statement it must flag and the near one it must leave alone: a system that "failed to"
provide a safeguard, a safeguard that fell short with any verb, a setting measured against what
was needed, how a system works given as the reason, a resource used up after "lack of", a past
fall-back to defaults, a percentage reading, trouble that was met, a load that made it worse and a
lead-in that only says what work was under way."""

from __future__ import annotations

from tests.support.root_cause import verdict
from workflows.codes import Code

_EFFECT = Code.ROOT_CAUSE_IS_SYMPTOM.value
_TRIGGER = Code.ROOT_CAUSE_PROXIMATE_TRIGGER.value


def test_a_system_that_failed_to_require_a_safeguard_is_a_gap() -> None:
    assert verdict("The release pipeline failed to require a soak period for the router") is None


def test_a_system_that_failed_to_connect_is_still_an_effect() -> None:
    assert verdict("The release pipeline failed to connect to the artifact store") is not None


def test_a_safeguard_that_did_not_do_its_job_is_a_gap_whatever_the_verb() -> None:
    assert verdict("The alerting did not distinguish a stalled consumer from an idle one") is None


def test_a_service_that_did_not_answer_is_still_an_effect() -> None:
    assert verdict("The ledger service did not respond for ten minutes") == _EFFECT


def test_a_setting_lower_than_was_appropriate_is_a_gap() -> None:
    statement = "The queue was watched with a longer paging delay than was appropriate for billing"
    assert verdict(statement) is None


def test_how_a_system_works_given_as_the_reason_is_a_gap() -> None:
    statement = "Due to how the proxy handles half-open sockets, every idle connection was kept"
    assert verdict(statement) is None


def test_a_lack_of_disk_space_is_a_resource_used_up() -> None:
    statement = "The lack of disk space stopped the exporter, which caused the scrape to time out"
    assert verdict(statement) == _EFFECT


def test_a_lack_of_tests_is_still_a_gap() -> None:
    assert verdict("The lack of integration tests let the broken exporter ship") is None


def test_a_past_fall_back_to_defaults_is_what_happened() -> None:
    statement = "The config service went down and every worker fell back to defaults"
    assert verdict(statement) is not None


def test_a_present_fall_back_to_defaults_is_a_design() -> None:
    assert verdict("Workers fall back to defaults whenever the config service is slow") is None


def test_a_resource_pinned_at_a_percentage_is_a_reading() -> None:
    statement = "Memory on the cache nodes was pinned at 98% all night, which is why reads slowed"
    assert verdict(statement) == _EFFECT


def test_a_threshold_set_at_a_percentage_is_still_a_value_chosen() -> None:
    assert verdict("The disk alert threshold was set at 99%") is None


def test_trouble_that_a_service_encountered_stops_at_the_trigger() -> None:
    statement = "The scheduler, which batches cron runs, encountered a problem with leap seconds"
    assert verdict(statement) == _TRIGGER


def test_a_provider_that_had_an_outage_stops_at_the_trigger() -> None:
    assert verdict("Our DNS provider had an outage and the resolvers fell back to defaults") == (
        _TRIGGER
    )


def test_a_load_that_made_it_worse_stops_at_the_trigger() -> None:
    statement = "It was made worse, and compounded by a large influx of retries from mobile clients"
    assert verdict(statement) == _TRIGGER


def test_a_lead_in_naming_the_work_is_read_past_to_the_change() -> None:
    statement = "As part of the storage upgrade, we had disabled the write-ahead log on two nodes"
    assert verdict(statement) == _TRIGGER


def test_a_runbook_that_omitted_a_step_is_a_gap() -> None:
    assert verdict("The failover runbook omitted the step that fences the old primary") is None


def test_a_system_that_lacked_a_safeguard_is_a_gap() -> None:
    assert verdict("Incident response lacked a clear commander for the first hour") is None


def test_a_database_that_fell_over_is_an_effect() -> None:
    assert verdict("The orders database fell over at 14:03") == _EFFECT


def test_an_outage_at_a_provider_as_the_subject_stops_at_the_trigger() -> None:
    statement = "An outage at our object storage provider caused uploads to stall for an hour"
    assert verdict(statement) == _TRIGGER


def test_a_transfer_made_by_mistake_stops_at_the_trigger() -> None:
    statement = "The reserve balance was mistakenly sent to the hot wallet during the sweep"
    assert verdict(statement) == _TRIGGER


def test_too_many_connections_is_the_load_not_a_limit() -> None:
    assert verdict("Too many connections to the primary database") == _EFFECT


def test_too_few_replicas_is_still_a_limit_gap() -> None:
    assert verdict("The service runs too few replicas to survive a zone loss") is None


def test_a_bad_adjective_makes_the_next_word_a_noun_not_a_present_verb() -> None:
    assert verdict("Massive write amplification on the primary") is not None


def test_what_people_could_do_without_a_safeguard_is_a_gap() -> None:
    assert verdict("Engineers could merge to main without a passing integration run") is None


def test_a_reason_that_is_how_things_are_set_up_is_read_past_the_person() -> None:
    statement = (
        "The change was not reviewed by anyone who knew the storage layer, because reviews are "
        "assigned round-robin"
    )
    assert verdict(statement) is None


def test_an_error_name_as_a_program_prints_it_is_an_effect() -> None:
    assert verdict("Root cause: ConnectionResetError on the payment workers") == _EFFECT


def test_a_cpu_bound_cluster_is_an_effect() -> None:
    assert verdict("The analytics cluster was CPU-bound for most of the afternoon") == _EFFECT


def test_a_database_that_throttled_requests_is_an_effect() -> None:
    assert verdict("The managed database throttled our writes") == _EFFECT


def test_there_were_bugs_stops_at_the_trigger() -> None:
    assert verdict("There were some unforeseen bugs in the new exporter") == _TRIGGER


def test_a_conceded_clause_is_read_past_to_the_main_clause() -> None:
    statement = (
        "While our dashboards show the brokers as healthy, we noticed that there were "
        "NotLeaderForPartitionError messages in the producer logs"
    )
    assert verdict(statement) == _EFFECT


def test_a_conceded_effect_still_counts_when_the_main_clause_says_nothing() -> None:
    statement = (
        "While the primary was overloaded, the nightly export also ran, as it does every day"
    )
    assert verdict(statement) is not None


def test_a_gap_in_the_main_clause_after_a_concession_is_a_gap() -> None:
    statement = "Although the alert fired, the paging policy sends medium alerts to email only"
    assert verdict(statement) is None


def test_a_defect_missed_in_code_review_is_a_review_gap() -> None:
    statement = "The null check was missed in code review because the diff hid generated files"
    assert verdict(statement) is None


def test_a_job_that_missed_its_window_is_still_an_effect() -> None:
    assert verdict("The nightly export missed its window by three hours") is not None


def test_a_script_never_run_outside_production_is_a_test_gap() -> None:
    assert verdict("The restore script was never run end to end in staging") is None


def test_a_job_that_did_not_run_is_still_an_effect() -> None:
    assert verdict("The billing job did not run on Tuesday") is not None


def test_a_runbook_that_is_wrong_is_a_documentation_gap() -> None:
    statement = "The runbook's failover order is wrong: it promotes the replica before fencing"
    assert verdict(statement) is None


def test_a_present_passive_after_an_adjectival_participle_is_how_changes_go() -> None:
    statement = "Changes to the shared network module are applied to every region at once"
    assert verdict(statement) is None


def test_a_change_with_what_it_did_still_stops_at_the_trigger() -> None:
    statement = "The change to the shared network module removed the route to the NAT gateway"
    assert verdict(statement) == _TRIGGER


def test_a_percentage_reading_before_its_resource_is_an_effect() -> None:
    assert verdict("The cache cluster was at 97% memory for an hour") == _EFFECT


def test_not_having_enough_of_a_safeguard_is_a_gap() -> None:
    assert verdict("The replication link did not have enough independent redundancy") is None


def test_a_clock_time_range_is_no_limit_that_was_set() -> None:
    statement = "From 18:13 to 18:48 UTC, the workers could not reach the state service"
    assert verdict(statement) == _EFFECT


def test_a_limit_changed_from_one_value_to_another_is_still_a_gap() -> None:
    assert verdict("The pool size was reduced from 100 to 20 connections last month") is None


def test_detaching_a_gateway_stops_at_the_trigger() -> None:
    assert verdict("Detaching the private gateway from the production VPC") == _TRIGGER


def test_a_pasted_log_line_is_an_effect_whatever_its_words() -> None:
    statement = "FATAL: no more connections allowed (max_client_conn) for the pool"
    assert verdict(statement) == _EFFECT


def test_a_level_word_in_a_sentence_is_no_log_line() -> None:
    assert verdict("Error handling in the importer has no retry for 5xx responses") is None


def test_hadnt_negates_like_the_other_contractions() -> None:
    assert verdict("We hadn't prioritised setting up alerting on the public relays") is None


def test_data_deleted_in_an_agentless_passive_is_an_effect() -> None:
    statement = "The namespaces managed by the sync controller were deleted with their volumes"
    assert verdict(statement) == _EFFECT


def test_data_deleted_on_a_schedule_is_a_standing_set_up() -> None:
    assert verdict("Old snapshots are deleted after 7 days with no copy kept offsite") is None
