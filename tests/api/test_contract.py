"""The public HTTP contract of DESIGN.md: every path is served and documented in /openapi.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from temporalio.client import Client

from api.app import create_app
from followthrough.settings import Settings
from workflows.policy import Policy

CONTRACT = [
    ("post", "/webhooks/pagerduty"),
    ("post", "/webhooks/jira"),
    ("get", "/api/reviews"),
    ("get", "/api/reviews/{incident_id}"),
    ("put", "/api/reviews/{incident_id}/five-whys"),
    ("post", "/api/reviews/{incident_id}/action-items"),
    ("patch", "/api/reviews/{incident_id}/action-items/{item_id}"),
    ("delete", "/api/reviews/{incident_id}/action-items/{item_id}"),
    ("post", "/api/reviews/{incident_id}/went-well"),
    ("patch", "/api/reviews/{incident_id}/went-well/{index}"),
    ("delete", "/api/reviews/{incident_id}/went-well/{index}"),
    ("post", "/api/reviews/{incident_id}/publish"),
    ("post", "/api/reviews/{incident_id}/follow-up"),
    ("post", "/api/action-items/{incident_id}/{item_id}/close"),
    ("post", "/api/lint"),
    ("get", "/healthz"),
    ("get", "/metrics"),
]


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    settings = Settings(data_dir=tmp_path, api_token="contract-token")
    # No call below reaches Temporal: the routes answer before needing it.
    return TestClient(create_app(settings, cast(Client, None), Policy()))


@pytest.mark.parametrize(("method", "path"), CONTRACT)
def test_every_public_path_is_documented(client: TestClient, method: str, path: str) -> None:
    spec: dict[str, Any] = client.get("/openapi.json").json()
    assert method in spec["paths"][path]


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p in CONTRACT if p != "/metrics"])
def test_every_public_path_documents_its_answer(client: TestClient, method: str, path: str) -> None:
    spec: dict[str, Any] = client.get("/openapi.json").json()
    responses = spec["paths"][path][method]["responses"]
    success = next(code for code in responses if code.startswith("2"))
    schema = responses[success]["content"]["application/json"]["schema"]
    assert schema.get("$ref") or schema.get("anyOf"), f"{method} {path} answers an untyped body"


def test_refusals_are_documented_in_the_one_error_shape(client: TestClient) -> None:
    spec: dict[str, Any] = client.get("/openapi.json").json()
    refusal = spec["paths"]["/api/reviews/{incident_id}/publish"]["post"]["responses"]["503"]
    assert refusal["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


def test_lint_answers_findings_with_offsets_kinds_and_hints(client: TestClient) -> None:
    text = "Alice forgot to check the config. Look into retries."
    answer = client.post(
        "/api/lint",
        json={"text": text, "responders": ["Alice Example"], "kind": "action_item"},
        headers={"Authorization": "Bearer contract-token"},
    )
    assert answer.status_code == 200
    findings = answer.json()["findings"]
    assert {f["kind"] for f in findings} == {"blame", "vague"}
    assert all(text[f["start"] : f["end"]] for f in findings)
    assert all(f["hint"] for f in findings)


def test_lint_reads_a_root_cause_with_its_symptom(client: TestClient) -> None:
    answer = client.post(
        "/api/lint",
        json={
            "text": "Checkout returned 500s",
            "kind": "root_cause",
            "symptom": "Checkout returned HTTP 500 for 38% of requests",
        },
        headers={"Authorization": "Bearer contract-token"},
    )
    assert answer.status_code == 200
    (finding,) = answer.json()["findings"]
    assert (finding["kind"], finding["code"]) == ("symptom", "root_cause_restates_symptom")
    assert finding["hint"]


def test_lint_reads_an_action_items_title_and_done_when_together(client: TestClient) -> None:
    answer = client.post(
        "/api/lint",
        json={"text": "Harden the VPN config", "kind": "action_item", "done_when": "VPN hardened"},
        headers={"Authorization": "Bearer contract-token"},
    )
    fields = [f["field"] for f in answer.json()["findings"]]
    assert fields == ["title", "done_when"]


@pytest.mark.parametrize("field", ["text", "done_when", "symptom"])
def test_lint_refuses_a_text_over_10000_characters_as_too_long(
    client: TestClient, field: str
) -> None:
    body = {"text": "ok", field: "x" * 10_001}
    answer = client.post("/api/lint", json=body, headers={"Authorization": "Bearer contract-token"})
    assert answer.status_code == 422
    (error,) = answer.json()["errors"]
    assert (error["code"], error["field"]) == ("too_long", field)
    assert "10,000" in error["message"]


def test_lint_refuses_an_unknown_kind(client: TestClient) -> None:
    answer = client.post(
        "/api/lint",
        json={"text": "x", "kind": "poem"},
        headers={"Authorization": "Bearer contract-token"},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "kind"


def test_an_invalid_body_answers_422_in_the_documented_shape(client: TestClient) -> None:
    answer = client.post(
        "/api/lint", json={"texts": "x"}, headers={"Authorization": "Bearer contract-token"}
    )
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert set(error) == {"code", "field", "message", "hint"}
    assert error["field"] == "text"


def test_metrics_are_served_without_a_token(client: TestClient) -> None:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert "followthrough_api_seconds" in answer.text


def test_closing_a_local_ticket_through_the_api_exists_in_dev_mode_only(
    client: TestClient,
) -> None:
    answer = client.post(
        "/api/action-items/PANY/1/close", headers={"Authorization": "Bearer contract-token"}
    )
    assert answer.status_code == 404
    assert "dev mode only" in answer.json()["errors"][0]["message"]
