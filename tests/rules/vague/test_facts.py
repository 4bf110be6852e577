"""What a title's tokens say: a concrete act, a threshold, a vague way or a count."""

from __future__ import annotations

import pytest

from tests.support.smart import DONE, item, vague


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


TRIGGER_THEN_CONCRETE = [
    item("Set the client retry timeout to 2 s", DONE),
    item("Lower the CPU alert threshold to 80%", DONE),
    item(
        "Monitor disk use on the ledger hosts: page at 90% for 10 minutes",
        "A staging fill test pages the on-call",
    ),
    item(
        "Investigate the GC pauses on search-3 by capturing a heap profile during the nightly "
        "load test",
        "The heap profile is attached to INC-231",
    ),
    item(
        "Review every alert without a runbook link and add the link",
        "No alert in alerts.yaml lacks a runbook_url",
    ),
    item(
        "Improve the deploy check by failing builds whose config has no pool limit",
        "A config without a pool limit fails CI with a message naming the key",
    ),
    item(
        "Reduce checkout p99 below 300 ms by caching the tax table for 60 s",
        "The load test shows p99 under 300 ms at 2k rps",
    ),
]


CONCRETE = [
    item("Set the client retry timeout to 2 s", DONE),
    item("Lower the CPU alert threshold to 80%", DONE),
    item(
        "Add a canary stage to the payments deploy pipeline",
        "A deploy with 5xx over 1% in canary is rolled back automatically in staging",
    ),
    item(
        "Add an alert on replica lag over 30 s for 5 minutes",
        "The alert fires in staging when replica lag is forced to 60 s",
    ),
    item(
        "Document the restart sequence in the payments runbook",
        "The runbook page is linked from the PaymentsDown alert",
    ),
    item(
        "Cap the connection pool at 200 in the payments Helm chart",
        "helm template shows maxPoolSize: 200 for every environment",
    ),
    item("Page the on-call when queue depth exceeds 10k for 5 minutes", DONE),
]


@pytest.mark.parametrize(("title", "done_when"), TRIGGER_THEN_CONCRETE)
def test_a_trigger_word_followed_by_a_concrete_change_and_check_is_not_vague(
    title: str, done_when: str
) -> None:
    assert vague(title, done_when) == []


@pytest.mark.parametrize(("title", "done_when"), CONCRETE)
def test_a_concrete_item_with_a_check_is_not_vague(title: str, done_when: str) -> None:
    assert vague(title, done_when) == []
