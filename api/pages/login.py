"""Signing in and out: ``/login`` (the page), ``/login/sso`` and ``/auth/callback`` (OpenID
Connect), ``POST /login`` (an API token), ``POST /login/dev`` (``followthrough dev``: act as an
email), ``/logout``. The flows are :mod:`api.identity.signin`; this module shows them.

A signed review link from an email is the other way in (see :func:`api.pages.common.review_session`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.identity.guard import identity_of
from api.identity.signin import (
    CALLBACK_PATH,
    SignInFailed,
    begin_oidc,
    finish_oidc,
    sign_in_dev,
    sign_in_token,
    sign_out,
)
from api.pages import session as auth
from api.pages.common import PageRoute, redirect, render
from followthrough.settings import Settings

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def _login_page(
    request: Request,
    next_path: str,
    *,
    error: str = "",
    error_code: str = "",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    settings: Settings = request.app.state.settings
    identity = identity_of(request)
    key = settings.signing_key
    nonce = auth.login_nonce()
    response = render(
        request,
        "login.html",
        {
            "next": auth.safe_next(next_path),
            "login_csrf": auth.login_csrf_token(key, nonce) if key else "",
            "error": error,
            "error_code": error_code,
            "sso": key is not None and identity.oidc is not None,
            "dev_pick": key is not None and identity.dev,
            "token_login": key is not None and bool(identity.tokens or identity.legacy_token),
            "admins": sorted(identity.rules.admins),
        },
        status_code=status,
    )
    response.headers.update(headers or {})
    auth.login_nonce_cookie(response, settings, nonce)
    return response


def _failed(request: Request, next_path: str, exc: SignInFailed) -> Response:
    return _login_page(
        request,
        next_path,
        error=exc.message,
        error_code=exc.code,
        status=exc.status,
        headers=exc.headers,
    )


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    session = auth.read_session(request)
    if session is not None and session.full:
        return redirect(auth.safe_next(next))
    return _login_page(request, next)


async def _form(request: Request) -> tuple[Any, str, Response | None]:
    """The sign-in form, where to go next, and the refusal when its CSRF token is wrong."""
    form = await request.form()
    next_path = auth.safe_next(str(form.get("next", "/")))
    given = form.get(auth.CSRF_FIELD)
    if not auth.login_csrf_ok(request, given if isinstance(given, str) else None):
        expired = _login_page(
            request, next_path, error="The sign-in form expired. Please try again.", status=403
        )
        return form, next_path, expired
    return form, next_path, None


def _done(response: Response) -> Response:
    """A sign-in that worked: the sign-in form's nonce cookie is spent."""
    response.delete_cookie(auth.LOGIN_COOKIE, path="/login")
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    """Sign in with an API token: the session acts as the token's name and scope."""
    form, next_path, refused = await _form(request)
    if refused is not None:
        return refused
    token = form.get("token")
    try:
        return _done(sign_in_token(request, token if isinstance(token, str) else None, next_path))
    except SignInFailed as exc:
        return _failed(request, next_path, exc)


@router.post("/login/dev")
async def login_dev(request: Request) -> Response:
    """``followthrough dev``: act as the email typed in, to try the roles on one machine."""
    form, next_path, refused = await _form(request)
    if refused is not None:
        return refused
    email = form.get("email")
    try:
        return _done(sign_in_dev(request, email if isinstance(email, str) else None, next_path))
    except SignInFailed as exc:
        return _failed(request, next_path, exc)


@router.get("/login/sso")
async def login_sso(request: Request, next: str = "/") -> Response:
    """Off to the identity provider (authorization code flow with PKCE)."""
    try:
        return await begin_oidc(request, next)
    except SignInFailed as exc:
        return _failed(request, next, exc)


@router.get(CALLBACK_PATH)
async def callback(request: Request) -> Response:
    """Back from the identity provider; a refusal or a misconfiguration is shown on the page."""
    try:
        return _done(await finish_oidc(request))
    except SignInFailed as exc:
        return _failed(request, "/", exc)


@router.get("/logout")
async def logout_get(request: Request) -> Response:
    """Signing out needs no confirmation: the worst a forged request does is sign someone out."""
    return sign_out(request)


@router.post("/logout")
async def logout(request: Request) -> Response:
    return sign_out(request)
