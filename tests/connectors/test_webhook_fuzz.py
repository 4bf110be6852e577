"""Hypothesis on the webhook parsers: whatever arrives, a parsed event or a named payload error.

Bodies are arbitrary bytes, arbitrary JSON, and mutations of the real PagerDuty V3 and Jira
shapes (any field replaced by any JSON value or left out). The parsers and what the webhook
handlers call on their result (``incident_of``, ``is_merge_resolution``, ``classify``, the
signature checks) may only return or raise their module's ``WebhookPayloadError``.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from connectors import jira_webhook, pagerduty_webhook
from tests.webhook_bodies import JIRA_EVENT, PAGERDUTY_EVENT, bodies

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_pagerduty(body: bytes) -> None:
    """What the PagerDuty webhook handler does with a body it verified."""
    try:
        event = pagerduty_webhook.parse_event(body)
    except pagerduty_webhook.WebhookPayloadError as exc:
        problem = str(exc)  # the error names the problem
        assert problem
        return
    try:
        incident = pagerduty_webhook.incident_of(event)
    except pagerduty_webhook.WebhookPayloadError:
        return
    if incident is not None:
        pagerduty_webhook.is_merge_resolution(incident)


def read_jira(body: bytes) -> None:
    """What the Jira webhook handler does with a body it verified."""
    try:
        event = jira_webhook.parse_event(body)
    except jira_webhook.WebhookPayloadError as exc:
        problem = str(exc)
        assert problem
        return
    change = jira_webhook.classify(event)
    if change is not None:
        assert change.key
        assert change.at.tzinfo is not None


@FUZZ
@given(body=bodies(PAGERDUTY_EVENT))
@example(body=b"[" * 100_000)
@example(body=json.dumps(PAGERDUTY_EVENT).encode())
def test_pagerduty_parser_answers_an_event_or_a_payload_error(body: bytes) -> None:
    read_pagerduty(body)


@FUZZ
@given(body=bodies(JIRA_EVENT))
@example(body=b"[" * 100_000)
@example(body=b'{"a":' * 100_000)
@example(body=json.dumps({**JIRA_EVENT, "timestamp": 10**30}).encode())
@example(body=json.dumps({**JIRA_EVENT, "timestamp": -(10**18)}).encode())
@example(body=json.dumps(JIRA_EVENT).encode())
def test_jira_parser_answers_an_event_or_a_payload_error(body: bytes) -> None:
    read_jira(body)


@FUZZ
@given(body=st.binary(max_size=64), header=st.one_of(st.none(), st.text(max_size=120)))
@example(body=b"{}", header="v1=" + "zz" * 32)
@example(body=b"{}", header="sha256=\x00")
def test_signature_checks_answer_true_or_false(body: bytes, header: str | None) -> None:
    assert pagerduty_webhook.verify_signature(body, header, ["whsec-a", ""]) in (True, False)
    assert jira_webhook.verify_signature(body, header, "whsec-b") in (True, False)
