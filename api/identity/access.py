"""The API's view of identity: who a request is, and whether they may do what they ask.

One :class:`Identity` per app (``app.state.identity``) holds the configured tokens and admins, the
session store, the failed-sign-in limiter and the OpenID Connect client. Routes ask it:

* :meth:`Identity.caller` for the :class:`~api.identity.principal.Principal` behind a request (a
  bearer token, else the session cookie), or None;
* :meth:`Identity.require` for the same, answering 401 (429 while the address is blocked);
* :func:`authorize` for the role on one review, answering 403 ``forbidden`` (or 401
  ``link_revoked``) *before* anything is sent to the workflow, so a refused call changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from fastapi import Request, Response
from itsdangerous import BadData, URLSafeSerializer

from api.errors import ApiError
from api.identity.limiter import SignInLimiter
from api.identity.oidc import OidcClient
from api.identity.principal import Principal
from api.identity.roles import AccessRules, Action, ReviewFacts, Role, may, refusal
from api.identity.sessions import MemorySessions, SessionRecord, SessionStore
from api.identity.tokens import TokenEntry, match_token
from workflows.codes import Code

__all__ = [
    "CSRF_HEADER",
    "SAFE_METHODS",
    "SESSION_COOKIE",
    "SESSION_SALT",
    "Identity",
    "authorize",
    "authorize_global",
    "bearer",
    "client_address",
    "unauthorized",
]

SESSION_COOKIE = "followthrough_session"
SESSION_SALT = "web-session-v2"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def client_address(request: Request) -> str:
    """The address failed sign-ins are counted against (the peer; behind a proxy, run uvicorn
    with ``--forwarded-allow-ips`` so this is the client's)."""
    return request.client.host if request.client else "unknown"


@dataclass
class Identity:
    """Everything the app knows about people and tokens. ``key`` signs cookies, CSRF tokens and
    links (``Settings.signing_key``); without it nobody can sign in on the pages."""

    key: str | None
    rules: AccessRules = field(default_factory=AccessRules)
    tokens: tuple[TokenEntry, ...] = ()
    legacy_token: str | None = field(default=None, repr=False)
    sessions: SessionStore = field(default_factory=MemorySessions)
    limiter: SignInLimiter = field(default_factory=SignInLimiter)
    oidc: OidcClient | None = None
    dev: bool = False
    secure_cookies: bool = False

    # --- cookies ------------------------------------------------------------------------------------

    def _serializer(self) -> URLSafeSerializer | None:
        return URLSafeSerializer(self.key, salt=SESSION_SALT) if self.key else None

    def session_id(self, request: Request) -> str | None:
        """The session id in the request's cookie, if the cookie is one we signed."""
        serializer, raw = self._serializer(), request.cookies.get(SESSION_COOKIE)
        if serializer is None or not raw or len(raw) > 512:
            return None
        try:
            value = serializer.loads(raw)
        except BadData:
            return None
        return value if isinstance(value, str) else None

    def start_session(self, response: Response, record: SessionRecord) -> str:
        """Store a new session and set its cookie; returns the id (for the CSRF token)."""
        serializer = self._serializer()
        assert serializer is not None, "sign-in needs a signing key"
        session_id = self.sessions.create(record)
        response.set_cookie(
            SESSION_COOKIE,
            serializer.dumps(session_id),
            max_age=int(self.sessions.limits.absolute_seconds),
            path="/",
            httponly=True,
            samesite="lax",
            secure=self.secure_cookies,
        )
        return session_id

    def end_session(self, request: Request, response: Response) -> None:
        """Sign out: the session ends on the server, so every copy of the cookie stops working."""
        session_id = self.session_id(request)
        if session_id is not None:
            self.sessions.end(session_id)
        response.delete_cookie(
            SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=self.secure_cookies
        )

    def csrf_token(self, session_id: str) -> str:
        assert self.key is not None
        return hmac.new(
            self.key.encode(), f"csrf:{session_id}".encode(), hashlib.sha256
        ).hexdigest()

    def csrf_ok(self, session_id: str, given: str | None) -> bool:
        if not self.key or not given:
            return False
        return hmac.compare_digest(given.encode(), self.csrf_token(session_id).encode())

    # --- who is asking ------------------------------------------------------------------------------

    def token_caller(self, given: str) -> Principal | None:
        matched = match_token(given, self.tokens, self.legacy_token)
        return Principal.of_token(matched) if matched else None

    def session_caller(self, request: Request) -> Principal | None:
        session_id = self.session_id(request)
        if session_id is None:
            return None
        record = self.sessions.get(session_id)
        return Principal.of_session(session_id, record) if record is not None else None

    def caller(self, request: Request) -> Principal | None:
        """The principal of a request: its bearer token when it sends one, else its session."""
        given = bearer(request)
        if given is not None:
            return self.token_caller(given)
        return self.session_caller(request)

    def check_limit(self, request: Request) -> None:
        """429 with ``Retry-After`` while this address has too many failed sign-ins."""
        wait = self.limiter.retry_after(client_address(request))
        if wait is not None:
            raise ApiError(
                429,
                Code.TOO_MANY_SIGN_INS,
                f"Too many failed sign-ins from your address; try again in {wait} seconds.",
                hint="Check the token or the password you are using.",
                headers={"Retry-After": str(wait)},
            )

    def require(self, request: Request) -> Principal:
        """The caller, or 401; a wrong token counts as a failed sign-in, and an address with too
        many answers 429 whatever it sends."""
        given = bearer(request)
        if given is not None:
            self.check_limit(request)
            caller = self.token_caller(given)
            if caller is None:
                self.limiter.failed(client_address(request))
                raise unauthorized("The API token is wrong or no longer configured.")
            return caller
        caller = self.session_caller(request)
        if caller is None:
            raise unauthorized("Sign in, or send an API token.")
        assert caller.session_id is not None
        if request.method not in SAFE_METHODS and not self.csrf_ok(
            caller.session_id, request.headers.get(CSRF_HEADER)
        ):
            raise ApiError(
                403,
                Code.CSRF_INVALID,
                "This call did not come from a Followthrough page (CSRF check).",
                field=CSRF_HEADER,
                hint="Reload the page and try again.",
            )
        return caller


def unauthorized(message: str) -> ApiError:
    return ApiError(
        401,
        Code.UNAUTHORIZED,
        message,
        field="Authorization",
        hint="Send Authorization: Bearer <token> (followthrough token new), or sign in at /login.",
        headers={"WWW-Authenticate": "Bearer"},
    )


def authorize(caller: Principal, facts: ReviewFacts, action: Action, rules: AccessRules) -> Role:
    """The caller's role on this review when it allows ``action``; otherwise the refusal.

    Raises:
        ApiError: 401 ``link_revoked`` for a link the review's revocation covers; 403
            ``forbidden`` naming the role the action needs and the role held.
    """
    if caller.who.grants is not None:
        grant = caller.who.grants.get(facts.incident_id)
        if grant is not None and grant.revoked_by(facts):
            raise ApiError(
                401,
                Code.LINK_REVOKED,
                "The links to this review were revoked; the one you opened no longer works.",
                hint="Sign in at /login, or ask the facilitator for a new link.",
            )
        if grant is None:
            raise ApiError(
                403,
                Code.FORBIDDEN,
                "Your link opens another review, not this one.",
                hint="Sign in at /login to see every review.",
            )
    role = caller.role_on(facts, rules)
    if not may(role, action):
        raise ApiError(403, Code.FORBIDDEN, refusal(action, role), hint="Nothing was changed.")
    assert role is not None
    return role


def authorize_global(caller: Principal, action: Action, rules: AccessRules) -> Role:
    """The role for calls about no single review (lists, trends, lint)."""
    role = caller.global_role(rules)
    if not may(role, action):
        what = "Your link opens one review only" if caller.links_only else refusal(action, role)
        raise ApiError(403, Code.FORBIDDEN, what, hint="Sign in at /login.")
    assert role is not None
    return role
