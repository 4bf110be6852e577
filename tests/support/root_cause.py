"""The root-cause tests' verdict: the code of the one finding a statement gets, if any."""

from __future__ import annotations

from tests.support.rules import RESPONDERS
from workflows.rules import lint_root_cause

__all__ = ["GAPS", "SYMPTOM", "verdict"]


SYMPTOM = "Checkout returned HTTP 500 for 38% of requests from 14:02 to 14:40 UTC"


def verdict(statement: str, symptom: str = SYMPTOM) -> str | None:
    findings = lint_root_cause(statement, symptom, RESPONDERS)
    assert len(findings) <= 1
    return findings[0].code if findings else None


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
