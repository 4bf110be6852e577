"""Readings added in the fourth round on the symptom check (issue 9, the classes of symptom_4's
misses), each with the statement it must flag and the near one it must leave alone: a hedge
before the cause ("It appears that…", "appears to have been caused by"), a back-reference lead-in
("This happened because…", "As a result of this,"), effects of load (overwhelmed, swamped) and an
upstream release's change stated as a fact."""

from __future__ import annotations

from tests.support.root_cause import verdict
from workflows.codes import Code

_EFFECT = Code.ROOT_CAUSE_IS_SYMPTOM.value
_TRIGGER = Code.ROOT_CAUSE_PROXIMATE_TRIGGER.value


def test_a_hedged_trigger_is_still_a_trigger() -> None:
    assert verdict("The problem appears to have been caused by a broken executor.") is not None


def test_a_hedged_gap_is_still_a_gap() -> None:
    statement = "It appears that the deploy pipeline has no step that checks secrets are base64."
    assert verdict(statement) is None


def test_a_hedged_act_of_a_handle_stops_at_the_person() -> None:
    statement = "@dana-ops seems to have run the cleanup script against the production bucket."
    assert verdict(statement) is not None


def test_what_happened_because_of_a_push_stops_at_the_trigger() -> None:
    statement = "It appears this happened because we pushed new secrets to staging last."
    assert verdict(statement) is not None


def test_what_happened_because_of_a_gap_is_a_gap() -> None:
    statement = "This happened because the staging cluster does not use the same secret encoding."
    assert verdict(statement) is None


def test_an_effect_after_a_back_reference_is_an_effect() -> None:
    statement = "As a result of this, the API tier overwhelmed the remaining replica."
    assert verdict(statement) == _EFFECT


def test_a_limit_that_lets_a_flood_overwhelm_a_broker_is_a_gap() -> None:
    statement = "Nothing rate-limits reconnects, so a flood of clients can overwhelm a broker."
    assert verdict(statement) is None


def test_an_upstream_release_change_is_a_trigger() -> None:
    assert (
        verdict("NetworkManager 1.52 (in Trixie) added an autoconnect-ports property.") == _TRIGGER
    )


def test_a_versioned_library_change_is_a_trigger() -> None:
    statement = "Version 4.2 of the client library changed the default timeout from 30 s to 5 s."
    assert verdict(statement) == _TRIGGER


def test_an_upstream_change_with_the_gap_behind_it_is_a_gap() -> None:
    statement = "Postgres 16 changed the default, and our upgrade checklist does not include notes."
    assert verdict(statement) is None


def test_a_warning_that_raised_no_alert_is_a_monitoring_gap() -> None:
    statement = "We recorded the failure as a warning rather than an error, so no alert fired."
    assert verdict(statement) is None


def test_a_page_nobody_acknowledged_still_stops_at_the_person() -> None:
    statement = "The on-call did not acknowledge the page for forty minutes."
    assert verdict(statement) is not None


def test_a_present_tense_condition_is_a_design() -> None:
    statement = "If a consumer restarts mid-batch, every message in the batch is delivered again."
    assert verdict(statement) is None


def test_a_past_condition_is_an_account_of_what_happened() -> None:
    statement = "When we deployed this configuration, Terraform removed the current certificate."
    assert verdict(statement) is not None


def test_the_only_remaining_node_taken_offline_is_an_effect() -> None:
    statement = "The reconnect wave crashed the only surviving broker."
    assert verdict(statement) == _EFFECT


def test_a_scheduler_with_only_one_replica_is_a_gap() -> None:
    statement = (
        "The cluster runs only one replica of the scheduler, so losing that node stops jobs."
    )
    assert verdict(statement) is None
