"""Web sessions for the review pages: signed cookies, review-scoped links and CSRF tokens.

* Signing in with the API token sets a *full* session: every page, every review.
* Opening a signed review link (``?t=``, see :mod:`connectors.links`) sets a *scoped* session: the
  pages of that review (and of other reviews whose links were opened in the same browser) and the
  JSON calls those pages make, nothing else.

Both are one HttpOnly, SameSite=Lax cookie holding an itsdangerous-signed, timestamped payload
``{"sid": <random>, "reviews": null | [ids]}``; it expires after :data:`SESSION_MAX_AGE_SECONDS`
(checked from the signature's timestamp, not only by the browser). The CSRF token is
``HMAC(key, "csrf:" + sid)``: forms carry it in a hidden field and the pages' JavaScript sends it as
``X-CSRF-Token``. The key is ``Settings.signing_key`` (the session secret, or one
derived from the API token), so nothing here can reveal the token itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadData, URLSafeTimedSerializer

from api.auth import bearer, token_matches
from followthrough.settings import Settings

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "LOGIN_COOKIE",
    "LOGIN_FORM_MAX_AGE_SECONDS",
    "LOGIN_SALT",
    "MAX_SCOPED_REVIEWS",
    "SAFE_METHODS",
    "SCOPED_EXTRA_PATHS",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE_SECONDS",
    "SESSION_SALT",
    "WebSession",
    "api_token_matches",
    "clear_session_cookie",
    "csrf_ok",
    "csrf_token",
    "login_csrf_ok",
    "login_csrf_token",
    "login_nonce_cookie",
    "new_session",
    "read_session",
    "request_key",
    "safe_next",
    "scoped_session",
    "secure_cookies",
    "session_check",
    "set_session_cookie",
]

SESSION_COOKIE = "followthrough_session"
LOGIN_COOKIE = "followthrough_login"
SESSION_SALT = "web-session"
LOGIN_SALT = "login-form"
SESSION_MAX_AGE_SECONDS = 12 * 3600
LOGIN_FORM_MAX_AGE_SECONDS = 3600
MAX_SCOPED_REVIEWS = 20
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class WebSession:
    """Who the browser is: a full session (``reviews is None``) or one scoped to some reviews."""

    sid: str
    reviews: tuple[str, ...] | None = None

    @property
    def full(self) -> bool:
        return self.reviews is None

    def can_open(self, incident_id: str) -> bool:
        return self.reviews is None or incident_id in self.reviews


def request_key(request: Request) -> str | None:
    """The key for sessions, CSRF tokens and links (:attr:`Settings.signing_key`)."""
    settings: Settings = request.app.state.settings
    return settings.signing_key


def _serializer(key: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=salt)


def _mac(key: str, purpose: str, value: str) -> str:
    return hmac.new(key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


# --- sessions ----------------------------------------------------------------------------------------


def read_session(
    request: Request, max_age_seconds: int = SESSION_MAX_AGE_SECONDS
) -> WebSession | None:
    """The session of this request, or None (no cookie, expired, altered, or no key configured)."""
    key = request_key(request)
    raw = request.cookies.get(SESSION_COOKIE)
    if key is None or not raw:
        return None
    try:
        data: Any = _serializer(key, SESSION_SALT).loads(raw, max_age=max_age_seconds)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
        return None
    reviews = data.get("reviews")
    if reviews is None:
        return WebSession(sid=data["sid"])
    if isinstance(reviews, list) and all(isinstance(r, str) for r in reviews):
        return WebSession(sid=data["sid"], reviews=tuple(reviews))
    return None


def new_session(reviews: tuple[str, ...] | None = None, sid: str | None = None) -> WebSession:
    return WebSession(sid=sid or secrets.token_urlsafe(18), reviews=reviews)


def scoped_session(existing: WebSession | None, incident_id: str) -> WebSession:
    """The session after a valid link for ``incident_id``: a full session stays full."""
    if existing is not None and existing.full:
        return existing
    previous = existing.reviews if existing is not None and existing.reviews else ()
    reviews = tuple(r for r in previous if r != incident_id)[-(MAX_SCOPED_REVIEWS - 1) :]
    return new_session((*reviews, incident_id), sid=existing.sid if existing else None)


def secure_cookies(settings: Settings) -> bool:
    return settings.base_url.lower().startswith("https://")


def set_session_cookie(response: Response, settings: Settings, session: WebSession) -> None:
    key = settings.signing_key
    if key is None:  # pragma: no cover - callers only sign in when a key exists
        return
    payload = {"sid": session.sid, "reviews": list(session.reviews) if session.reviews else None}
    response.set_cookie(
        SESSION_COOKIE,
        _serializer(key, SESSION_SALT).dumps(payload),
        max_age=SESSION_MAX_AGE_SECONDS,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(settings),
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure_cookies(settings)
    )


# --- CSRF --------------------------------------------------------------------------------------------


def csrf_token(key: str, session: WebSession) -> str:
    return _mac(key, "csrf", session.sid)


def csrf_ok(request: Request, session: WebSession, given: str | None) -> bool:
    key = request_key(request)
    if key is None or not given:
        return False
    return hmac.compare_digest(given.encode(), csrf_token(key, session).encode())


def login_nonce_cookie(response: Response, settings: Settings, nonce: str) -> None:
    """The pre-sign-in cookie whose HMAC is the login form's CSRF token."""
    key = settings.signing_key
    if key is None:
        return
    response.set_cookie(
        LOGIN_COOKIE,
        _serializer(key, LOGIN_SALT).dumps(nonce),
        max_age=LOGIN_FORM_MAX_AGE_SECONDS,
        path="/login",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(settings),
    )


def login_csrf_token(key: str, nonce: str) -> str:
    return _mac(key, "login", nonce)


def login_csrf_ok(request: Request, given: str | None) -> bool:
    key = request_key(request)
    raw = request.cookies.get(LOGIN_COOKIE)
    if key is None or not raw or not given:
        return False
    try:
        nonce: Any = _serializer(key, LOGIN_SALT).loads(raw, max_age=LOGIN_FORM_MAX_AGE_SECONDS)
    except BadData:
        return False
    if not isinstance(nonce, str):
        return False
    return hmac.compare_digest(given.encode(), login_csrf_token(key, nonce).encode())


def api_token_matches(settings: Settings, given: str | None) -> bool:
    expected = settings.api_token.get_secret_value() if settings.api_token else None
    return token_matches(given, expected)


# --- the API hook --------------------------------------------------------------------------------------

#: JSON calls a scoped session may make besides those of its own reviews.
SCOPED_EXTRA_PATHS = frozenset({"/api/lint"})


def session_check(request: Request) -> bool:
    """``app.state.session_check``: lets the pages' JavaScript call the JSON API with the cookie.

    A full session may call any API route; a scoped one only ``/api/lint`` and routes of its own
    reviews (those with an ``incident_id`` path parameter it may open). Anything but GET/HEAD needs
    the session's CSRF token in ``X-CSRF-Token``. A request carrying a bearer header is judged by
    the token alone (:func:`api.auth.require_token` already refused it).
    """
    if bearer(request) is not None:
        return False
    session = read_session(request)
    if session is None:
        return False
    if request.method not in SAFE_METHODS and not csrf_ok(
        request, session, request.headers.get(CSRF_HEADER)
    ):
        return False
    if session.full:
        return True
    if request.url.path in SCOPED_EXTRA_PATHS:
        return True
    incident_id = request.path_params.get("incident_id")
    return isinstance(incident_id, str) and session.can_open(incident_id)


def safe_next(target: str | None) -> str:
    """A local path to return to after signing in; anything else becomes ``/``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ch in target for ch in "\r\n\t"):
        return "/"
    return target
