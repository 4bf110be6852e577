"""A root cause that stops at a person."""

from __future__ import annotations

import pytest

from tests.support.root_cause import SYMPTOM, verdict
from workflows.codes import Code
from workflows.rules import lint_root_cause

STOPS_AT_A_PERSON = [
    "Did not roll back despite the red canary",
    "Nobody read the upgrade notes",
    "The DBA didn't check the replica",
    "Human error",
    "Operator error during the failover",
    "The on-call engineer forgot to renew the certificate",
    "Alice ran the wrong migration",
]


@pytest.mark.parametrize("statement", STOPS_AT_A_PERSON)
def test_a_root_cause_that_stops_at_a_person_is_a_symptom(statement: str) -> None:
    assert verdict(statement) == Code.ROOT_CAUSE_STOPS_AT_PERSON


def test_a_person_finding_spans_the_person_and_the_failure() -> None:
    (finding,) = lint_root_cause("The DBA didn't check the replica", SYMPTOM)
    assert finding.text.startswith("DBA didn't check")
