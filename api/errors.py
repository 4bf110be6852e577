"""API errors: one shape, ``{"errors": [{"code", "field", "message", "hint"}]}``, stable codes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.views import ErrorBody
from workflows.codes import Code

__all__ = [
    "ERROR_RESPONSES",
    "ApiError",
    "from_rpc",
    "from_update_failure",
    "install",
    "rejected",
    "temporal_unavailable",
]

#: The refusals every API route may answer, documented in /openapi.json with their one shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (401, "Missing or wrong credentials, or a bad webhook signature."),
        (404, "No such review or item."),
        (422, "Rule violations or an invalid body: every problem at once."),
        (503, "Temporal is unreachable; nothing was changed. Retry."),
    )
}


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
    ) -> None:
        super().__init__(message)
        self.status = status
        self.errors = [{"code": code, "field": field, "message": message, "hint": hint}]
        self.headers = headers or {}


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


def from_rpc(exc: RPCError, incident_id: str | None = None) -> ApiError:
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


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"errors": exc.errors}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "code": _CODES.get(err["type"], Code.INVALID_REQUEST),
                "field": ".".join(str(p) for p in err["loc"] if p != "body"),
                "message": err["msg"],
                "hint": "Fix this field and send the request again.",
            }
            for err in exc.errors()
        ]
        return JSONResponse({"errors": errors}, status_code=422)
