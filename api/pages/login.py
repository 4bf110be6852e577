"""Signing in and out: ``/login`` with the API token (a full session), ``/logout``. A signed
review link from an email is the other way in (see :func:`api.pages.common.review_session`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.pages import session as auth
from api.pages.common import PageRoute, redirect, render
from followthrough.settings import Settings

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def _login_page(
    request: Request, next_path: str, *, error: str = "", status: int = 200
) -> Response:
    settings: Settings = request.app.state.settings
    key = settings.signing_key
    nonce = auth.new_session().sid
    response = render(
        request,
        "login.html",
        {
            "next": auth.safe_next(next_path),
            "login_csrf": auth.login_csrf_token(key, nonce) if key else "",
            "error": error,
            "configured": key is not None and settings.api_token is not None,
        },
        status_code=status,
    )
    auth.login_nonce_cookie(response, settings, nonce)
    return response


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    session = auth.read_session(request)
    if session is not None and session.full:
        return redirect(auth.safe_next(next))
    return _login_page(request, next)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    next_path = auth.safe_next(str(form.get("next", "/")))
    given_csrf = form.get(auth.CSRF_FIELD)
    if not auth.login_csrf_ok(request, given_csrf if isinstance(given_csrf, str) else None):
        return _login_page(
            request,
            next_path,
            error="The sign-in form expired. Please try again.",
            status=403,
        )
    settings: Settings = request.app.state.settings
    token = form.get("token")
    if not auth.api_token_matches(settings, token if isinstance(token, str) else None):
        return _login_page(request, next_path, error="That token is not right.", status=401)
    response = redirect(next_path)
    auth.set_session_cookie(response, settings, auth.new_session())
    response.delete_cookie(auth.LOGIN_COOKIE, path="/login")
    return response


def _signed_out(request: Request) -> Response:
    response = redirect("/login")
    auth.clear_session_cookie(response, request.app.state.settings)
    return response


@router.get("/logout")
async def logout_get(request: Request) -> Response:
    """Signing out needs no confirmation: the worst a forged request does is sign someone out."""
    return _signed_out(request)


@router.post("/logout")
async def logout(request: Request) -> Response:
    return _signed_out(request)
