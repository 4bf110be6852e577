"""The app's refusals (api.app with api.errors): every route documents its refusals in the one
shape in /openapi.json,
and the answers FastAPI and Starlette make on their own (a body they cannot parse, no such route,
a method the route does not take) come in it too.

The app runs in process without Temporal: every request below is answered before needing it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from temporalio.client import Client

from api.app import create_app
from followthrough.settings import Settings
from tests.support.site import hidden
from workflows.policy import Policy

TOKEN = "errors-token-7d1e9a3c5b"
SETTINGS_SECRET = "errors-session-secret-2c4e6a8b0d"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    settings = Settings(data_dir=tmp_path, api_token=TOKEN, session_secret=SETTINGS_SECRET)
    return TestClient(create_app(settings, cast(Client, None), Policy()))


def operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    spec: dict[str, Any] = client.get("/openapi.json").json()
    return [
        (method, path, operation["responses"])
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]


def in_the_error_shape(answer: dict[str, Any]) -> bool:
    schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", "")).endswith("/ErrorBody")


def the_one_shape(body: dict[str, Any]) -> bool:
    return bool(body["errors"]) and all(
        set(error) == {"code", "field", "message", "hint"} for error in body["errors"]
    )


BODYLESS = {("get", "/healthz"), ("get", "/metrics")}


def test_every_route_documents_400_413_and_422_in_the_error_shape(client: TestClient) -> None:
    missing = [
        f"{method} {path} {status}"
        for method, path, responses in operations(client)
        if (method, path) not in BODYLESS
        for status in ("400", "413", "422")
        if not in_the_error_shape(responses.get(status, {}))
    ]
    assert missing == []


def test_routes_without_body_or_parameters_document_only_the_body_limit(
    client: TestClient,
) -> None:
    documented = {
        (method, path): sorted(s for s in responses if s != "200")
        for method, path, responses in operations(client)
        if (method, path) in BODYLESS
    }
    assert documented == {route: ["413"] for route in BODYLESS}


def test_every_api_route_documents_401_and_403_in_the_error_shape(client: TestClient) -> None:
    api = [(m, p, r) for m, p, r in operations(client) if p.startswith("/api/")]
    missing = [
        f"{method} {path} {status}"
        for method, path, responses in api
        for status in ("401", "403")
        if not in_the_error_shape(responses.get(status, {}))
    ]
    assert len(api) > 10
    assert missing == []


def test_routes_that_need_no_caller_document_no_403(client: TestClient) -> None:
    open_routes = {(m, p): r for m, p, r in operations(client) if not p.startswith("/api/")}
    assert ("get", "/healthz") in open_routes
    assert [route for route, responses in open_routes.items() if "403" in responses] == []


def test_a_form_body_starlette_cannot_parse_answers_400_invalid_request(
    client: TestClient,
) -> None:
    login = client.get("/login")
    signed_in = client.post(
        "/login",
        data={"token": TOKEN, "csrf": hidden(login.text, "csrf"), "next": "/"},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    answer = client.post(
        "/reviews/PANY/went-well",
        content=b"text=a multipart form without its boundary",
        headers={"Content-Type": "multipart/form-data"},
    )
    assert answer.status_code == 400
    assert the_one_shape(answer.json())
    assert answer.json()["errors"][0]["code"] == "invalid_request"


def test_a_body_that_is_not_json_answers_422_naming_the_body(client: TestClient) -> None:
    answer = client.post(
        "/api/lint",
        content=b"{not json",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert the_one_shape(answer.json())
    assert answer.json()["errors"][0]["field"] == "body"


def test_no_such_route_answers_404_in_the_error_shape(client: TestClient) -> None:
    answer = client.get("/api/no-such-thing", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 404
    assert the_one_shape(answer.json())


def test_a_method_the_route_does_not_take_answers_405_with_allow(client: TestClient) -> None:
    answer = client.delete("/healthz")
    assert answer.status_code == 405
    assert the_one_shape(answer.json())
    assert answer.headers["allow"] == "GET"
