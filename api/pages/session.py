"""The pages' view of who is signed in, and the sign-in form's CSRF token.

Sessions live on the server (:mod:`api.identity.sessions`): the cookie holds only a signed random
id, so signing out ends a session for every copy of the cookie. A :class:`WebSession` is the page
side of one: a person or token signed in in full, or a browser that opened emailed links (then it
may open those reviews only). The CSRF token is ``HMAC(key, "csrf:" + session id)``: forms carry
it in a hidden field and the pages' JavaScript sends it as ``X-CSRF-Token``.

Before anyone is signed in, the sign-in forms carry their own CSRF token: the HMAC of a nonce kept
in a short-lived signed cookie (path ``/login``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadData, URLSafeTimedSerializer

from api.identity.access import SESSION_COOKIE
from api.identity.guard import identity_of
from api.identity.principal import Principal
from api.identity.signin import safe_next
from followthrough.settings import Settings

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "LOGIN_COOKIE",
    "LOGIN_FORM_MAX_AGE_SECONDS",
    "LOGIN_SALT",
    "SESSION_COOKIE",
    "WebSession",
    "csrf_ok",
    "csrf_token",
    "login_csrf_ok",
    "login_csrf_token",
    "login_nonce",
    "login_nonce_cookie",
    "read_session",
    "request_key",
    "safe_next",
]

LOGIN_COOKIE = "followthrough_login"
LOGIN_SALT = "login-form"
LOGIN_FORM_MAX_AGE_SECONDS = 3600
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class WebSession:
    """Who the browser is, as a page shows it."""

    principal: Principal

    @property
    def sid(self) -> str:
        assert self.principal.session_id is not None
        return self.principal.session_id

    @property
    def full(self) -> bool:
        """Signed in in full (every page), not only through emailed links."""
        return not self.principal.links_only

    @property
    def name(self) -> str:
        """The person's email or the token's name; for links, whom they were sent to."""
        if self.full:
            return self.principal.who.name
        grants = self.principal.who.grants or {}
        return ", ".join(dict.fromkeys(g.recipient for g in grants.values() if g.recipient))

    @property
    def role(self) -> str:
        """A label for the banner: admin, viewer, or how the session began."""
        if not self.full:
            return "review link"
        if self.principal.session and self.principal.session.token_scope:
            return f"token, {self.principal.session.token_scope.value}"
        return ""

    @property
    def reviews(self) -> tuple[str, ...]:
        """The reviews a links session opened (oldest first); empty for a full session."""
        return tuple(self.principal.who.grants or ())

    def can_open(self, incident_id: str) -> bool:
        return self.full or incident_id in self.reviews


def request_key(request: Request) -> str | None:
    """The key for sessions, CSRF tokens and links (:attr:`Settings.signing_key`)."""
    settings: Settings = request.app.state.settings
    return settings.signing_key


def read_session(request: Request) -> WebSession | None:
    """The browser's live session (not signed out, not idle or too old), or None."""
    principal = identity_of(request).session_caller(request)
    return WebSession(principal) if principal is not None else None


def _mac(key: str, purpose: str, value: str) -> str:
    return hmac.new(key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request, session: WebSession) -> str:
    return identity_of(request).csrf_token(session.sid)


def csrf_ok(request: Request, session: WebSession, given: str | None) -> bool:
    return identity_of(request).csrf_ok(session.sid, given)


# --- the sign-in forms' CSRF token ----------------------------------------------------------------


def login_nonce() -> str:
    return secrets.token_urlsafe(18)


def _login_serializer(key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=LOGIN_SALT)


def login_nonce_cookie(response: Response, settings: Settings, nonce: str) -> None:
    """The pre-sign-in cookie whose HMAC is the sign-in forms' CSRF token."""
    key = settings.signing_key
    if key is None:
        return
    response.set_cookie(
        LOGIN_COOKIE,
        _login_serializer(key).dumps(nonce),
        max_age=LOGIN_FORM_MAX_AGE_SECONDS,
        path="/login",
        httponly=True,
        samesite="lax",
        secure=settings.base_url.lower().startswith("https://"),
    )


def login_csrf_token(key: str, nonce: str) -> str:
    return _mac(key, "login", nonce)


def login_csrf_ok(request: Request, given: str | None) -> bool:
    key = request_key(request)
    raw = request.cookies.get(LOGIN_COOKIE)
    if key is None or not raw or not given:
        return False
    try:
        nonce: Any = _login_serializer(key).loads(raw, max_age=LOGIN_FORM_MAX_AGE_SECONDS)
    except BadData:
        return False
    if not isinstance(nonce, str):
        return False
    return hmac.compare_digest(given.encode(), login_csrf_token(key, nonce).encode())
