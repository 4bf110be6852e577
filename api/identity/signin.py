"""Signing in and out, whatever the page looks like: the flows behind ``/login``,
``/auth/callback`` and ``/logout``.

Three ways in, by configuration:

* **OpenID Connect** (``FOLLOWTHROUGH_OIDC_ISSUER`` and ``_CLIENT_ID`` set): :func:`begin_oidc`
  sends the browser to the provider with PKCE, state and nonce kept in a short-lived signed
  cookie; :func:`finish_oidc` checks the answer and starts a session for the verified email.
* **An API token** typed into the sign-in form (:func:`sign_in_token`): the token's name and
  scope, as over the API. Stays available alongside OIDC for the single admin token.
* **Picking an email** in ``followthrough dev`` (:func:`sign_in_dev`), so roles can be tried on one
  machine; refused outside dev mode.

Every failed attempt counts against the client address (:mod:`api.identity.limiter`); an address
over the limit gets 429 with ``Retry-After`` whatever it sends. Nothing here logs or echoes a
token, a code or a client secret.
"""

from __future__ import annotations

import re
import time
from typing import Any, NoReturn

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from itsdangerous import BadData, URLSafeTimedSerializer

from api.errors import ApiError
from api.identity.access import Identity, client_address
from api.identity.guard import identity_of
from api.identity.oidc import OidcError, PendingSignIn
from api.identity.sessions import SessionRecord, SignedInWith
from workflows.codes import Code

__all__ = [
    "CALLBACK_PATH",
    "SignInFailed",
    "begin_oidc",
    "finish_oidc",
    "safe_next",
    "sign_in_dev",
    "sign_in_token",
    "sign_out",
]

CALLBACK_PATH = "/auth/callback"
PENDING_COOKIE = "followthrough_oidc"
PENDING_SALT = "oidc-pending"
PENDING_MAX_AGE_SECONDS = 600
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")


class SignInFailed(Exception):
    """A sign-in that did not happen: ``status`` and ``code`` for the page, ``message`` for the
    person (never a secret), ``headers`` (``Retry-After``)."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def safe_next(target: str | None) -> str:
    """A local path to return to after signing in; anything else becomes ``/``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ch in target for ch in "\r\n\t") or len(target) > 2000:
        return "/"
    return target


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _check_limit(request: Request, identity: Identity) -> None:
    try:
        identity.check_limit(request)
    except ApiError as exc:
        raise SignInFailed(
            exc.status, Code.TOO_MANY_SIGN_INS, str(exc), headers=exc.headers
        ) from None


def _failed(request: Request, identity: Identity, status: int, code: str, message: str) -> NoReturn:
    identity.limiter.failed(client_address(request))
    raise SignInFailed(status, code, message)


def _start(identity: Identity, response: Response, **record: Any) -> None:
    now = time.time()
    identity.start_session(response, SessionRecord(created_at=now, last_seen=now, **record))


def _pending_serializer(identity: Identity) -> URLSafeTimedSerializer:
    assert identity.key is not None
    return URLSafeTimedSerializer(identity.key, salt=PENDING_SALT)


def _need_key(identity: Identity) -> None:
    if identity.key is None:
        raise SignInFailed(
            503,
            Code.OIDC_MISCONFIGURED,
            "Sign-in is not set up: set FOLLOWTHROUGH_SESSION_SECRET (or FOLLOWTHROUGH_API_TOKEN).",
        )


async def begin_oidc(request: Request, next_path: str) -> Response:
    """Send the browser to the identity provider (PKCE, state, nonce in a signed cookie)."""
    identity = identity_of(request)
    _check_limit(request, identity)
    _need_key(identity)
    if identity.oidc is None:
        raise SignInFailed(404, Code.OIDC_MISCONFIGURED, "Single sign-on is not configured.")
    base_url: str = request.app.state.settings.base_url
    try:
        url, pending = await identity.oidc.begin(base_url + CALLBACK_PATH, safe_next(next_path))
    except OidcError as exc:
        raise SignInFailed(502, exc.code, exc.message) from None
    response = _redirect(url)
    response.set_cookie(
        PENDING_COOKIE,
        _pending_serializer(identity).dumps(pending.to_dict()),
        max_age=PENDING_MAX_AGE_SECONDS,
        path=CALLBACK_PATH,
        httponly=True,
        samesite="lax",
        secure=identity.secure_cookies,
    )
    return response


def _pending(request: Request, identity: Identity) -> PendingSignIn | None:
    raw = request.cookies.get(PENDING_COOKIE)
    if not raw or len(raw) > 4096:
        return None
    try:
        data = _pending_serializer(identity).loads(raw, max_age=PENDING_MAX_AGE_SECONDS)
    except BadData:
        return None
    return PendingSignIn.from_dict(data)


async def finish_oidc(request: Request) -> Response:
    """The provider's redirect back: check it, validate the ID token, start the session and
    return to where the person was going."""
    identity = identity_of(request)
    _check_limit(request, identity)
    _need_key(identity)
    if identity.oidc is None:
        raise SignInFailed(404, Code.OIDC_MISCONFIGURED, "Single sign-on is not configured.")
    pending = _pending(request, identity)
    if pending is None:
        _failed(
            request,
            identity,
            400,
            Code.OIDC_STATE_MISMATCH,
            "This sign-in did not start here or took longer than 10 minutes; sign in again.",
        )
    params = {k: v[:4096] for k, v in request.query_params.items()}
    try:
        person = await identity.oidc.finish(params, pending)
    except OidcError as exc:
        status = 502 if exc.code == Code.OIDC_UNAVAILABLE else 401
        _failed(request, identity, status, exc.code, exc.message)
    response = _redirect(safe_next(pending.next))
    response.delete_cookie(PENDING_COOKIE, path=CALLBACK_PATH)
    _start(
        identity,
        response,
        email=person.email,
        name=person.name,
        groups=person.groups,
        signed_in_with=SignedInWith.OIDC,
    )
    return response


def sign_in_token(request: Request, token: str | None, next_path: str) -> Response:
    """Sign in on the page with an API token: the session acts as the token's name and scope."""
    identity = identity_of(request)
    _check_limit(request, identity)
    _need_key(identity)
    matched = identity.token_caller(token) if token else None
    if matched is None or matched.who.scope is None:
        _failed(request, identity, 401, Code.UNAUTHORIZED, "That token is not right.")
    response = _redirect(safe_next(next_path))
    _start(
        identity,
        response,
        email=None,
        token_name=matched.who.name,
        token_scope=matched.who.scope,
        signed_in_with=SignedInWith.TOKEN,
    )
    return response


def sign_in_dev(request: Request, email: str | None, next_path: str) -> Response:
    """``followthrough dev`` only: act as ``email`` (with that person's groups: none)."""
    identity = identity_of(request)
    _need_key(identity)
    if not identity.dev:
        raise SignInFailed(
            403, Code.FORBIDDEN, "Picking whom to act as works only in `followthrough dev`."
        )
    chosen = (email or "").strip().lower()
    if not EMAIL.match(chosen):
        raise SignInFailed(422, Code.INVALID_REQUEST, "Enter an email address to act as.")
    response = _redirect(safe_next(next_path))
    _start(identity, response, email=chosen, signed_in_with=SignedInWith.DEV)
    return response


def sign_out(request: Request, to: str = "/login") -> Response:
    """End the session on the server (every copy of the cookie stops working) and go to ``to``."""
    response = _redirect(to)
    identity_of(request).end_session(request, response)
    return response
