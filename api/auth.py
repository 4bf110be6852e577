"""API authentication: ``Authorization: Bearer <FOLLOWTHROUGH_API_TOKEN>``, compared in constant time."""

from __future__ import annotations

import hmac

from fastapi import Request

from api.errors import ApiError
from workflows.codes import Code

__all__ = ["bearer", "require_token", "token_matches"]


def token_matches(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def require_token(request: Request) -> None:
    """FastAPI dependency: refuse the call unless it carries the API token (or a web session)."""
    settings = request.app.state.settings
    expected = settings.api_token.get_secret_value() if settings.api_token else None
    if token_matches(bearer(request), expected):
        return
    session_check = getattr(request.app.state, "session_check", None)
    if session_check is not None and session_check(request):
        return
    raise ApiError(
        401,
        Code.UNAUTHORIZED,
        "Missing or wrong API token.",
        field="Authorization",
        hint="Send Authorization: Bearer <FOLLOWTHROUGH_API_TOKEN>.",
        headers={"WWW-Authenticate": "Bearer"},
    )
