"""A root cause that is only a symptom: an effect, a restated symptom."""

from __future__ import annotations

import pytest

from tests.support.root_cause import SYMPTOM, verdict
from workflows.codes import Code
from workflows.rules import lint_root_cause


def test_a_backup_that_was_not_working_is_a_symptom() -> None:
    found = lint_root_cause("Root cause: the backups were not working.", "No usable backup.")
    assert [f.code for f in found] == [Code.ROOT_CAUSE_IS_SYMPTOM]


def test_an_effect_that_did_not_happen_is_still_a_symptom() -> None:
    found = lint_root_cause("The emails were not delivered.", "Customers got no receipts.")
    assert [f.code for f in found] == [Code.ROOT_CAUSE_IS_SYMPTOM]


OBSERVABLE_EFFECTS = [
    "The API is down",
    "Exports did not run on time",
    "The root cause was high latency on the orders service",
    "The payment system crashed",
    "The database ran out of connections",
    "Users could not log in",
    "Latency spiked on the API",
    "The search cluster went down",
    "Requests to the ledger service timed out",
]


RESTATED_SYMPTOMS = [
    pytest.param("Checkout returned 500s", SYMPTOM, id="500s"),
    pytest.param(
        "Checkout was returning HTTP 500 errors",
        "Checkout returned HTTP 500 for 38% of requests",
        id="returning",
    ),
    pytest.param("Logins failed for EU users", "EU users could not log in; logins failed", id="eu"),
]


@pytest.mark.parametrize("statement", OBSERVABLE_EFFECTS)
def test_a_root_cause_that_describes_an_observable_effect_is_a_symptom(statement: str) -> None:
    assert verdict(statement) == Code.ROOT_CAUSE_IS_SYMPTOM


@pytest.mark.parametrize(("statement", "symptom"), RESTATED_SYMPTOMS)
def test_a_root_cause_that_restates_the_symptom_is_a_symptom(statement: str, symptom: str) -> None:
    assert verdict(statement, symptom) in (
        Code.ROOT_CAUSE_RESTATES_SYMPTOM,
        Code.ROOT_CAUSE_IS_SYMPTOM,
    )


def test_a_restatement_is_told_apart_from_an_effect_when_the_symptom_is_given() -> None:
    assert verdict("Checkout returned 500s") == Code.ROOT_CAUSE_RESTATES_SYMPTOM


def test_an_effect_finding_names_the_effect_in_its_message() -> None:
    (finding,) = lint_root_cause("The payment system crashed", SYMPTOM)
    assert '"crashed"' in finding.message
