"""A root cause that only reports a change, a measurement or a bad thing, and the field labels
read past (``cause.trigger.change_event``, ``cause.symptom.effect_at``)."""

from __future__ import annotations

import pytest

from tests.support.root_cause import verdict
from workflows.codes import Code


@pytest.mark.parametrize(
    "statement", ["renovate bumped the base image", "terraform apply deleted the NAT gateway"]
)
def test_a_change_made_in_the_past_is_a_proximate_trigger(statement: str) -> None:
    assert verdict(statement) == Code.ROOT_CAUSE_PROXIMATE_TRIGGER


def test_a_change_with_what_let_it_do_harm_is_a_root_cause() -> None:
    statement = "Renovate bumps base images without a pinned digest, so glibc changes reach builds"
    assert verdict(statement) is None


def test_a_bad_thing_with_no_verb_is_a_proximate_trigger() -> None:
    assert verdict("Misconfigured ingress annotation") == Code.ROOT_CAUSE_PROXIMATE_TRIGGER


@pytest.mark.parametrize(
    "statement",
    ["Replication lag of 20 minutes on the orders replica", "RC: 100% CPU on the auth nodes"],
)
def test_a_measurement_is_an_observed_effect(statement: str) -> None:
    assert verdict(statement) == Code.ROOT_CAUSE_IS_SYMPTOM


def test_a_limit_with_a_number_is_a_root_cause() -> None:
    assert verdict("The connection pool has a fixed size of 10 with no alert on saturation") is None


def test_a_field_label_is_read_past() -> None:
    assert verdict("RCA: nothing in the release checklist requires a canary") is None


def test_carrying_out_a_named_change_is_a_proximate_trigger() -> None:
    statement = "We had just performed a minor API update that clears keys from the Redis cluster."
    assert verdict(statement) == Code.ROOT_CAUSE_PROXIMATE_TRIGGER


def test_a_dated_rollback_is_a_proximate_trigger() -> None:
    assert verdict("The 23 August rollback.") == Code.ROOT_CAUSE_PROXIMATE_TRIGGER


def test_what_this_caused_is_an_observed_effect() -> None:
    statement = "This caused a cache stampede between our API and storage clusters."
    assert verdict(statement) == Code.ROOT_CAUSE_IS_SYMPTOM


@pytest.mark.parametrize(
    "statement",
    [
        "Poor error logging made this issue invisible to our monitoring systems.",
        "The filtering was poorly detected by our volume based traffic monitoring.",
    ],
)
def test_something_the_monitoring_cannot_see_is_a_tool_gap(statement: str) -> None:
    assert verdict(statement) is None


def test_a_tool_recreating_a_resource_is_a_proximate_trigger() -> None:
    assert verdict("terraform recreated the load balancer") == Code.ROOT_CAUSE_PROXIMATE_TRIGGER


@pytest.mark.parametrize(
    "statement",
    [
        "The data was stale because the data was not refreshed.",
        "The nightly job failed, which is why the nightly job's output was missing.",
    ],
)
def test_the_same_thing_on_both_sides_of_because_restates_the_symptom(statement: str) -> None:
    assert verdict(statement) == Code.ROOT_CAUSE_RESTATES_SYMPTOM


def test_a_because_with_a_different_cause_is_not_circular() -> None:
    statement = "The data was stale because the refresh job has no alert when it fails."
    assert verdict(statement) is None


def test_failed_as_an_adjective_is_no_omission() -> None:
    statement = (
        "Failed nightly jobs are retried automatically without anyone being told, so repeated "
        "failures stay invisible."
    )
    assert verdict(statement) is None
