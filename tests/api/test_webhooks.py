"""api.webhooks: what a PagerDuty or Jira delivery is answered before Temporal is asked.

The app is the real one (``create_app``) without a Temporal client: every delivery below is
answered before one would be needed. Starting reviews and moving items through Temporal is
tested end to end (tests/e2e).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from temporalio.client import Client

from api.app import create_app
from api.webhooks import incident_from_event
from connectors import jira_webhook, pagerduty_webhook
from followthrough.settings import Settings
from tests.webhook_bodies import JIRA_EVENT, PAGERDUTY_EVENT
from workflows.policy import Policy

PAGERDUTY_SECRET = "pd-webhook-secret-0123456789"
JIRA_SECRET = "jira-webhook-secret-0123456789"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    settings = Settings(
        data_dir=tmp_path,
        api_token="webhooks-token",
        pagerduty_webhook_secrets=PAGERDUTY_SECRET,
        jira_webhook_secret=JIRA_SECRET,
    )
    return TestClient(create_app(settings, cast(Client, None), Policy()))


def pagerduty_event(**changes: Any) -> dict[str, Any]:
    """A V3 ``incident.resolved`` delivery that occurred now; ``changes`` replace event keys."""
    document = copy.deepcopy(PAGERDUTY_EVENT)
    document["event"]["occurred_at"] = datetime.now(UTC).isoformat()
    document["event"].update(changes)
    return document


def to_pagerduty(
    client: TestClient, document: Any, webhook_id: str | None = None
) -> dict[str, Any]:
    body = json.dumps(document).encode()
    headers = {pagerduty_webhook.SIGNATURE_HEADER: pagerduty_webhook.sign(body, PAGERDUTY_SECRET)}
    if webhook_id:
        headers[pagerduty_webhook.WEBHOOK_ID_HEADER] = webhook_id
    answer = client.post("/webhooks/pagerduty", content=body, headers=headers)
    return {"status_code": answer.status_code, **answer.json()}


def to_jira(client: TestClient, document: Any) -> dict[str, Any]:
    body = json.dumps(document).encode()
    headers = {jira_webhook.SIGNATURE_HEADER: jira_webhook.sign(body, JIRA_SECRET)}
    answer = client.post("/webhooks/jira", content=body, headers=headers)
    return {"status_code": answer.status_code, **answer.json()}


def code_of(answer: dict[str, Any]) -> str:
    return str(answer["errors"][0]["code"])


def test_a_pagerduty_delivery_without_any_configured_secret_is_refused(tmp_path: Path) -> None:
    unconfigured = Settings(data_dir=tmp_path, api_token="webhooks-token")
    client = TestClient(create_app(unconfigured, cast(Client, None), Policy()))

    answer = client.post("/webhooks/pagerduty", content=b"{}")

    assert answer.status_code == 401
    assert "FOLLOWTHROUGH_PAGERDUTY_WEBHOOK_SECRETS" in answer.json()["errors"][0]["hint"]


def test_a_pagerduty_delivery_with_a_wrong_signature_is_refused(client: TestClient) -> None:
    body = json.dumps(pagerduty_event()).encode()
    signature = pagerduty_webhook.sign(body, "another-secret")

    answer = client.post(
        "/webhooks/pagerduty",
        content=body,
        headers={pagerduty_webhook.SIGNATURE_HEADER: signature},
    )

    assert answer.status_code == 401
    assert answer.json()["errors"][0]["code"] == "signature_invalid"


def test_a_signed_body_that_is_no_event_answers_400_naming_the_body(client: TestClient) -> None:
    answer = to_pagerduty(client, {"messages": []})

    assert answer["status_code"] == 400
    assert answer["errors"][0]["field"] == "body"


def test_an_event_older_than_the_policys_max_age_is_stale(client: TestClient) -> None:
    answer = to_pagerduty(client, pagerduty_event(occurred_at="2020-01-01T00:00:00Z"))

    assert (answer["status_code"], answer["status"]) == (200, "stale")


def test_an_event_other_than_resolved_starts_nothing(client: TestClient) -> None:
    answer = to_pagerduty(client, pagerduty_event(event_type="incident.acknowledged"))

    assert (answer["status_code"], answer["status"]) == (200, "ignored")


def test_an_incident_resolved_by_merging_starts_nothing(client: TestClient) -> None:
    document = pagerduty_event()
    document["event"]["data"]["resolve_reason"] = {
        "type": pagerduty_webhook.MERGE_RESOLVE_REASON,
        "incident": {"id": "PMAIN01"},
    }

    answer = to_pagerduty(client, document)

    assert (answer["status_code"], answer["status"]) == (200, "ignored")
    assert "merging" in answer["reason"]


def test_an_incident_id_with_spaces_is_refused(client: TestClient) -> None:
    document = pagerduty_event()
    document["event"]["data"]["id"] = "P T4 KHLK"

    answer = to_pagerduty(client, document)

    assert answer["status_code"] == 400
    assert code_of(answer) == "incident_id_invalid"


def test_a_repeated_delivery_is_answered_as_a_duplicate(client: TestClient) -> None:
    document = pagerduty_event(event_type="incident.acknowledged")
    to_pagerduty(client, document, webhook_id="delivery-1")

    again = to_pagerduty(client, document, webhook_id="delivery-1")

    assert (again["status_code"], again["status"]) == (200, "duplicate")
    assert again["incident_id"] == "PT4KHLK"


def test_the_reviews_facts_come_from_the_resolved_event() -> None:
    event = pagerduty_webhook.parse_event(json.dumps(pagerduty_event()).encode())

    incident = incident_from_event(event)

    assert (incident.id, incident.number, incident.title) == (
        "PT4KHLK",
        7,
        "Checkout API returned 503s",
    )
    assert (incident.service_id, incident.service_name, incident.priority) == (
        "PSVC1",
        "checkout",
        "P1",
    )
    assert incident.resolved_at == event.occurred_at
    assert [(p.name, p.id) for p in incident.responders] == [("Ana Lima", "PUSR1")]


def test_a_jira_delivery_with_a_wrong_signature_is_refused(client: TestClient) -> None:
    body = json.dumps(JIRA_EVENT).encode()

    answer = client.post(
        "/webhooks/jira",
        content=body,
        headers={jira_webhook.SIGNATURE_HEADER: jira_webhook.sign(body, "another-secret")},
    )

    assert answer.status_code == 401
    assert answer.json()["errors"][0]["code"] == "signature_invalid"


def test_a_change_to_a_ticket_followthrough_did_not_open_is_ignored(client: TestClient) -> None:
    document = copy.deepcopy(JIRA_EVENT)
    document["issue"]["fields"]["labels"] = ["backend"]

    answer = to_jira(client, document)

    assert (answer["status_code"], answer["status"]) == (200, "ignored")
    assert "not opened by Followthrough" in answer["reason"]


def test_a_change_that_is_no_status_change_or_deletion_is_ignored(client: TestClient) -> None:
    document = copy.deepcopy(JIRA_EVENT)
    document["changelog"]["items"] = [{"field": "summary", "toString": "New title"}]

    answer = to_jira(client, document)

    assert (answer["status_code"], answer["status"]) == (200, "ignored")
