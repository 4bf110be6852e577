"""Root cause or symptom: a root cause must be a condition of the system someone can change."""

from __future__ import annotations

import pytest

from tests.support.rules import RESPONDERS
from workflows.codes import Code
from workflows.rules import lint_root_cause

SYMPTOM = "Checkout returned HTTP 500 for 38% of requests from 14:02 to 14:40 UTC"


def verdict(statement: str, symptom: str = SYMPTOM) -> str | None:
    findings = lint_root_cause(statement, symptom, RESPONDERS)
    assert len(findings) <= 1
    return findings[0].code if findings else None


# --- positive families ------------------------------------------------------------------------

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

PROXIMATE_TRIGGERS = [
    "A misconfiguration did not allow the header through",
    "Occurred right after the 14:02 deploy",
    "A buggy job",
    "A bad deploy",
    "The config push",
    "The cron job ran twice",
    "A bad config change",
    "The 14:02 deploy of payments-api",
]

STOPS_AT_A_PERSON = [
    "Did not roll back despite the red canary",
    "Nobody read the upgrade notes",
    "The DBA didn't check the replica",
    "Human error",
    "Operator error during the failover",
    "The on-call engineer forgot to renew the certificate",
    "Alice ran the wrong migration",
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


@pytest.mark.parametrize("statement", PROXIMATE_TRIGGERS)
def test_a_root_cause_that_stops_at_a_proximate_trigger_is_a_symptom(statement: str) -> None:
    assert verdict(statement) == Code.ROOT_CAUSE_PROXIMATE_TRIGGER


@pytest.mark.parametrize("statement", STOPS_AT_A_PERSON)
def test_a_root_cause_that_stops_at_a_person_is_a_symptom(statement: str) -> None:
    assert verdict(statement) == Code.ROOT_CAUSE_STOPS_AT_PERSON


# --- negative families: gaps in a process, tool, test, limit, documentation, role, environment --

GAPS = {
    "process": "Our deployment checklist does not require production-sized test data",
    "tool": "The deploy tool accepts configs without validating them",
    "test": "No integration test covers the failover path",
    "limit": "The connection pool has a fixed size of 10 with no alert on saturation",
    "documentation": "The runbook for failover is out of date",
    "role": "Nobody owns the backup restore runbook",
    "environment": "There is no staging environment with production-sized data",
    "dependency": "Certificate renewal depends on a manual calendar reminder",
    "design": "The retry policy has no backoff, so clients amplify any slowdown",
    "check": "The load balancer health check only tests TCP, not the application",
    "configuration": "Log rotation was not configured on the ledger hosts",
    "default": "The client library defaults to an unbounded retry budget",
    "standing condition": "The failover script says to stop the primary before the replica",
    "present-tense practice": "Releases ship on Thursday nights because the train has one slot",
    "lead-in and consequence": "The root cause was that the pool has no cap, causing timeouts",
}


@pytest.mark.parametrize("statement", list(GAPS.values()), ids=list(GAPS))
def test_a_gap_in_the_system_is_a_root_cause(statement: str) -> None:
    assert verdict(statement) is None


def test_a_gap_stays_a_root_cause_when_it_mentions_the_effect() -> None:
    statement = "The payment service has no limit on batch size, so a large batch crashed it"
    assert verdict(statement) is None


# --- what a symptom finding says --------------------------------------------------------------


def test_a_symptom_finding_has_kind_symptom_its_span_and_asks_why_once_more() -> None:
    (finding,) = lint_root_cause("A bad deploy", SYMPTOM, field="five_whys.root_causes.0.statement")
    assert finding.kind == "symptom"
    assert finding.field == "five_whys.root_causes.0.statement"
    assert finding.text == "A bad deploy"
    assert "why once more" in finding.hint.lower()
    assert "trigger" in finding.message


def test_an_effect_finding_names_the_effect_in_its_message() -> None:
    (finding,) = lint_root_cause("The payment system crashed", SYMPTOM)
    assert '"crashed"' in finding.message


def test_a_person_finding_spans_the_person_and_the_failure() -> None:
    (finding,) = lint_root_cause("The DBA didn't check the replica", SYMPTOM)
    assert finding.text.startswith("DBA didn't check")


def test_an_empty_statement_has_no_finding() -> None:
    assert lint_root_cause("  ", SYMPTOM) == []


def test_without_a_symptom_only_the_statement_is_judged() -> None:
    assert lint_root_cause("The payment system crashed") != []
    assert lint_root_cause(GAPS["process"]) == []
