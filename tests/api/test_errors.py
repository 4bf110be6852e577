"""api.errors: every refusal in one shape with a stable code, on a bare app; Temporal's failures
read as what they mean for the caller."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from pydantic import BaseModel, Field
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api import errors
from api.errors import ApiError, from_rpc, from_update_failure
from workflows.codes import Code


class Note(BaseModel):
    text: str = Field(max_length=10, description="A short note.")
    tags: list[str] = Field(default_factory=list, max_length=2, description="At most two tags.")


def client() -> httpx.AsyncClient:
    app = FastAPI()
    errors.install(app)

    @app.get("/refused")
    async def refused() -> None:
        raise ApiError(
            409, Code.INVALID_REQUEST, "Not now.", field="due", hint="Later.", headers={"X-A": "1"}
        )

    @app.post("/notes")
    async def notes(note: Note) -> Note:
        return note

    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:9")


def rpc(status: RPCStatusCode) -> RPCError:
    return RPCError("workflow says no", status, b"")


async def test_an_api_error_answers_its_status_headers_and_one_error() -> None:
    async with client() as http:
        answer = await http.get("/refused")

    assert answer.status_code == 409
    assert answer.headers["x-a"] == "1"
    assert answer.json() == {
        "errors": [
            {"code": "invalid_request", "field": "due", "message": "Not now.", "hint": "Later."}
        ]
    }


async def test_an_invalid_body_answers_422_naming_every_field() -> None:
    async with client() as http:
        answer = await http.post("/notes", json={"tags": "not-a-list"})

    assert answer.status_code == 422
    assert sorted(e["field"] for e in answer.json()["errors"]) == ["tags", "text"]


async def test_a_field_over_its_length_answers_too_long() -> None:
    async with client() as http:
        answer = await http.post("/notes", json={"text": "x" * 11})

    assert [(e["code"], e["field"]) for e in answer.json()["errors"]] == [("too_long", "text")]


async def test_a_list_over_its_size_answers_too_many() -> None:
    async with client() as http:
        answer = await http.post("/notes", json={"text": "ok", "tags": ["a", "b", "c"]})

    assert [(e["code"], e["field"]) for e in answer.json()["errors"]] == [("too_many", "tags")]


def test_a_workflow_temporal_cannot_find_is_a_404_review_not_found() -> None:
    error = from_rpc(rpc(RPCStatusCode.NOT_FOUND), incident_id="PABC123")

    assert error.status == 404
    assert error.errors[0]["code"] == Code.REVIEW_NOT_FOUND
    assert "PABC123" in error.errors[0]["message"]


def test_a_workflow_that_cannot_answer_is_a_503_review_unreadable_naming_it() -> None:
    error = from_rpc(
        rpc(RPCStatusCode.FAILED_PRECONDITION), "PABC123", workflow_id="postmortem-PABC123"
    )

    assert error.status == 503
    assert error.errors[0]["code"] == Code.REVIEW_UNREADABLE
    assert "postmortem-PABC123" in error.errors[0]["message"]
    assert error.headers == {"Retry-After": "5"}


def test_any_other_temporal_failure_is_a_503_temporal_unavailable() -> None:
    error = from_rpc(rpc(RPCStatusCode.UNAVAILABLE), "PABC123")

    assert (error.status, error.errors[0]["code"]) == (503, Code.TEMPORAL_UNAVAILABLE)


def test_a_rules_rejection_answers_422_with_every_violation() -> None:
    violations = [
        {"code": "blame_language", "field": "five_whys.0", "message": "m1", "hint": "h1"},
        {"code": "vague_title", "field": "action_items.1.title", "message": "m2", "hint": "h2"},
    ]
    cause = ApplicationError("rejected", violations, type=Code.RULES_REJECTED)

    error = from_update_failure(WorkflowUpdateFailedError(cause))

    assert error.status == 422
    assert error.errors == violations


def test_another_update_failure_answers_422_with_its_message() -> None:
    cause = ApplicationError("The review is already published.", type="WrongPhase")

    error = from_update_failure(WorkflowUpdateFailedError(cause))

    assert error.status == 422
    assert error.errors[0]["message"] == "The review is already published."
