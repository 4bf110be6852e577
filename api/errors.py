"""API errors: one shape, ``{"errors": [{"code", "field", "message", "hint"}]}``, stable codes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.views import ErrorBody
from workflows.codes import Code

__all__ = [
    "AUTH_RESPONSES",
    "BODY_RESPONSES",
    "ERROR_RESPONSES",
    "ApiError",
    "from_rpc",
    "from_update_failure",
    "install",
    "rejected",
    "review_unreadable",
    "temporal_unavailable",
]


def _documented(*answers: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    # The content is named too: a route answering text (``/metrics``) still refuses in JSON.
    json = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    return {
        status: {"model": ErrorBody, "description": description, "content": json}
        for status, description in answers
    }


#: The refusals every API route may answer, documented in /openapi.json with their one shape.
ERROR_RESPONSES = _documented(
    (401, "Missing or wrong credentials, or a bad webhook signature."),
    (404, "No such review or item."),
    (422, "Rule violations or an invalid body: every problem at once."),
    (
        503,
        "Temporal is unreachable, or the review's workflow cannot answer right now "
        "(review_unreadable, naming the workflow); nothing was changed. Retry.",
    ),
)
#: What any route may answer about the request itself (every route documents these).
BODY_RESPONSES = _documented(
    (400, "A request that cannot be read (invalid_request): a body that is not what it claims."),
    (413, "A body over the limit (payload_too_large): see the README's Limits."),
    (
        422,
        "Rule violations or an invalid body or parameter: every problem at once; a text or list "
        "over its limit answers too_long / too_many naming the field and the limit.",
    ),
)
#: What a route that needs a caller answers without one (every route behind ``require_caller``).
AUTH_RESPONSES = _documented(
    (401, "Missing or wrong credentials, an ended session or a revoked link."),
    (403, "The caller's role may not do this here (forbidden), or a missing CSRF token."),
)


class ApiError(Exception):
    """An answer other than success, with a status, a stable code and a hint."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str = "",
        hint: str = "",
        headers: dict[str, str] | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.errors = [{"code": code, "field": field, "message": message, "hint": hint}]
        self.headers = headers or {}
        self.title = title  # what a web page shows as its heading, when not the generic one


def rejected(errors: list[dict[str, Any]]) -> ApiError:
    err = ApiError(422, Code.INVALID_REQUEST, "rejected")
    err.errors = errors
    return err


def from_update_failure(exc: WorkflowUpdateFailedError) -> ApiError:
    """A validator's rejection becomes 422 with every violation the rules returned."""
    cause = exc.cause
    if isinstance(cause, ApplicationError) and cause.type == Code.RULES_REJECTED and cause.details:
        details = cause.details[0]
        if isinstance(details, list):
            return rejected([dict(v) for v in details])
    message = cause.message if isinstance(cause, ApplicationError) else str(cause or exc)
    return ApiError(422, Code.INVALID_REQUEST, message, hint="Check the request against the docs.")


def from_rpc(
    exc: RPCError, incident_id: str | None = None, workflow_id: str | None = None
) -> ApiError:
    if exc.status == RPCStatusCode.FAILED_PRECONDITION and workflow_id is not None:
        # "Unable to query workflow due to Workflow Task in failed state": Temporal answers, the
        # review's workflow does not.
        return review_unreadable(workflow_id, exc.message)
    if exc.status == RPCStatusCode.NOT_FOUND:
        return ApiError(
            404,
            Code.REVIEW_NOT_FOUND,
            f"No review for incident {incident_id!r}." if incident_id else "Not found.",
            field="incident_id",
            hint="List reviews with GET /api/reviews.",
        )
    return temporal_unavailable()


def temporal_unavailable() -> ApiError:
    return ApiError(
        503,
        Code.TEMPORAL_UNAVAILABLE,
        "Temporal is unreachable; nothing was changed.",
        hint="Retry shortly.",
        headers={"Retry-After": "5"},
    )


#: Pydantic's error types that have a code of their own (the limits of the domain models).
_CODES = {"string_too_long": Code.TOO_LONG, "too_long": Code.TOO_MANY}


def review_unreadable(workflow_id: str, reason: str) -> ApiError:
    """Temporal is up but this review's workflow cannot answer (503: it may answer shortly)."""
    return ApiError(
        503,
        Code.REVIEW_UNREADABLE,
        f"This review cannot be read right now (workflow {workflow_id}): {reason[:300]}",
        field="incident_id",
        hint="Nothing is lost. Try again in a few seconds: a worker may have been rebuilding the "
        f"review. If it lasts, its workflow task is failing: look for {workflow_id} in the worker "
        "logs and at followthrough_workflow_task_failures_total on /metrics.",
        headers={"Retry-After": "5"},
        title="This review cannot be read right now",
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"errors": exc.errors}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "code": _CODES.get(err["type"], Code.INVALID_REQUEST),
                "field": "body"
                if err["type"] == "json_invalid"
                else ".".join(str(p) for p in err["loc"] if p != "body"),
                "message": err["msg"],
                "hint": "Fix this field and send the request again.",
            }
            for err in exc.errors()
        ]
        return JSONResponse({"errors": errors}, status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        # FastAPI's and Starlette's own answers (a body it cannot parse: 400; no such route: 404;
        # a method the route does not take: 405) in the one shape.
        error = {
            "code": Code.INVALID_REQUEST,
            "field": "body" if exc.status_code == 400 else "",
            "message": str(exc.detail),
            "hint": "Check the request against /openapi.json.",
        }
        return JSONResponse({"errors": [error]}, status_code=exc.status_code, headers=exc.headers)
