"""Root causes as real post-mortems write them (corpus batch 8): version changes and lead-ins that
name the factor after "was"."""

from __future__ import annotations

import pytest

from tests.support.root_cause import verdict
from workflows.codes import Code


@pytest.mark.parametrize(
    "statement",
    [
        "The incident happened after a node migration from v0.9.17 to v0.9.18.",
        "The outage was caused by a node migration from v1.4 to v1.5.",
        "The incident followed a move from 1.27.3 to 1.28.0 of the ingress controller.",
    ],
)
def test_a_change_from_one_version_to_another_is_a_proximate_trigger(statement: str) -> None:
    assert verdict(statement) == Code.ROOT_CAUSE_PROXIMATE_TRIGGER


def test_a_value_changed_from_one_number_to_another_is_still_a_limit_that_was_set() -> None:
    assert verdict("The pool size was reduced from 100 to 20.") is None


def test_a_contributing_factor_lead_in_is_read_past_to_the_factor() -> None:
    statement = (
        "An additional factor contributing to this bug was the significant complexity of the "
        "L2Geth codebase, which is a fork of Geth."
    )
    assert verdict(statement) is None


def test_a_contributing_factor_that_is_a_trigger_is_still_a_proximate_trigger() -> None:
    assert verdict("A contributing factor was the bad deploy.") == Code.ROOT_CAUSE_PROXIMATE_TRIGGER


def test_a_failure_to_provide_a_safeguard_is_a_gap() -> None:
    statement = (
        "Failure to provide sufficient collateralization to the UST market enabled the publically "
        "disclosed exploit to be used to crash UST & LUNA markets."
    )
    assert verdict(statement) is None


def test_a_failure_to_connect_is_still_an_observed_effect() -> None:
    statement = "Failure to connect to the database caused the outage."
    assert verdict(statement) == Code.ROOT_CAUSE_IS_SYMPTOM


def test_by_after_a_verb_of_arrangement_names_a_principle_not_a_team() -> None:
    statement = (
        "The engineering team has historically been structured by function and not by product."
    )
    assert verdict(statement) is None


def test_a_team_as_the_agent_of_a_passive_still_stops_at_a_person() -> None:
    statement = "The cluster was deleted by the platform team."
    assert verdict(statement) == Code.ROOT_CAUSE_STOPS_AT_PERSON


@pytest.mark.parametrize(
    "statement",
    [
        "Contract balances were improperly zeroed during self-destruction, so that the contract "
        "address would still have a balance after it had been self-destructed.",
        "The API was improperly managing disk usage, which caused Kubernetes pods to be evicted.",
    ],
)
def test_a_system_doing_its_job_wrongly_is_a_proximate_trigger(statement: str) -> None:
    assert verdict(statement) == Code.ROOT_CAUSE_PROXIMATE_TRIGGER


def test_a_wrongly_done_job_with_the_gap_that_let_it_ship_is_a_root_cause() -> None:
    statement = "The parser incorrectly handled empty headers because no test covered them."
    assert verdict(statement) is None
