"""Sign-in through the organisation's OpenID Connect provider: authorization code flow with PKCE.

Built on ``authlib`` (the OAuth 2 client, PKCE, the ID-token claim rules of OpenID Connect Core
§3.1.3.7) and ``joserfc`` (authlib's JOSE library: signature checks against the provider's JWKS).
What this module adds is the policy around them:

* **Discovery** (``<issuer>/.well-known/openid-configuration``) is fetched once and kept for
  :data:`METADATA_TTL_SECONDS`; its ``issuer`` must equal the configured one exactly (OpenID
  Connect Discovery §4.3), and it must name the authorization, token and JWKS endpoints.
* **Begin**: a fresh ``state``, ``nonce`` and PKCE ``code_verifier`` (S256) per sign-in; the caller
  keeps them (:class:`PendingSignIn`, in a short-lived signed cookie) until the provider redirects
  back.
* **Finish**: the callback's ``error`` is a refusal; its ``state`` must match; its ``iss`` (RFC 9207)
  must be the issuer when present; the code is exchanged with the verifier; the ID token must be
  signed by a key in the provider's JWKS (fetched again once when the token names an unknown key:
  the provider rotated), with one of the advertised asymmetric algorithms, and its ``iss``, ``aud``
  (and ``azp``), ``nonce``, ``exp``, ``iat`` and ``at_hash`` must hold, with
  :attr:`OidcConfig.leeway_seconds` of clock skew (default 60).
* **The person** is their email, and only a verified one (``email_verified`` true): an unverified
  address could be anyone's. Groups come from the ID token's :attr:`OidcConfig.groups_claim`
  (default ``groups``; a list of strings or one string), at most :data:`MAX_GROUPS`.

Every failure is an :class:`OidcError` with a stable code (``workflows.codes``) and a message that
says what to do, never a secret or a token.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)
from joserfc.jwk import KeySet

from workflows.codes import Code

__all__ = [
    "ASYMMETRIC_ALGORITHMS",
    "DEFAULT_GROUPS_CLAIM",
    "DEFAULT_SCOPES",
    "HTTP_TIMEOUT_SECONDS",
    "JWKS_REFRESH_MIN_SECONDS",
    "MAX_DOCUMENT_BYTES",
    "MAX_EMAIL_CHARS",
    "MAX_ERROR_CHARS",
    "MAX_GROUPS",
    "MAX_GROUP_CHARS",
    "MAX_ID_TOKEN_CHARS",
    "METADATA_TTL_SECONDS",
    "OidcClient",
    "OidcConfig",
    "OidcError",
    "OidcIdentity",
    "PendingSignIn",
]

DEFAULT_SCOPES = "openid email profile"
DEFAULT_GROUPS_CLAIM = "groups"
METADATA_TTL_SECONDS = 3600.0
#: An unknown key id makes us fetch the JWKS again, at most this often (a forged kid cannot make us
#: hammer the provider).
JWKS_REFRESH_MIN_SECONDS = 10.0
HTTP_TIMEOUT_SECONDS = 10.0
MAX_DOCUMENT_BYTES = 1_000_000
MAX_ID_TOKEN_CHARS = 64_000
MAX_GROUPS = 500
MAX_GROUP_CHARS = 256
MAX_EMAIL_CHARS = 320
MAX_ERROR_CHARS = 300
#: Signing algorithms accepted for ID tokens: asymmetric only, so a leaked client secret cannot
#: mint identities and "none" is never accepted.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class OidcError(Exception):
    """A sign-in that cannot go on; ``code`` is stable, ``message`` is for the person."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class OidcConfig:
    """The relying party: ``FOLLOWTHROUGH_OIDC_ISSUER``, ``_CLIENT_ID``, ``_CLIENT_SECRET``,
    ``_SCOPES`` (default ``openid email profile``) and ``_GROUPS_CLAIM`` (default ``groups``)."""

    issuer: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    scopes: str = DEFAULT_SCOPES
    groups_claim: str = DEFAULT_GROUPS_CLAIM
    leeway_seconds: int = 60

    @property
    def scope_list(self) -> list[str]:
        """The scopes to ask for; ``openid`` is added when missing (without it there is no ID
        token)."""
        names = [s for s in self.scopes.replace(",", " ").split() if s]
        return names if "openid" in names else ["openid", *names]


@dataclass(frozen=True)
class PendingSignIn:
    """What the browser carries between leaving for the provider and coming back."""

    state: str
    nonce: str
    code_verifier: str = field(repr=False)
    redirect_uri: str
    next: str = "/"

    def to_dict(self) -> dict[str, str]:
        return {
            "state": self.state,
            "nonce": self.nonce,
            "code_verifier": self.code_verifier,
            "redirect_uri": self.redirect_uri,
            "next": self.next,
        }

    @classmethod
    def from_dict(cls, data: object) -> PendingSignIn | None:
        """The pending sign-in from its cookie payload, or None when it is not one."""
        if not isinstance(data, dict):
            return None
        keys = ("state", "nonce", "code_verifier", "redirect_uri", "next")
        if not all(isinstance(data.get(k), str) and data.get(k) for k in keys):
            return None
        return cls(**{k: data[k] for k in keys})


@dataclass(frozen=True)
class OidcIdentity:
    """The signed-in person: a verified email, a display name, groups and the provider's subject."""

    email: str
    name: str | None
    groups: tuple[str, ...]
    subject: str


def _clip(text: object, limit: int = MAX_ERROR_CHARS) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"


class OidcClient:
    """One relying party against one provider; safe to share between requests.

    Args:
        config: the client's settings.
        http_options: extra ``httpx.AsyncClient`` keyword arguments (``verify``, ``trust_env``,
            ``transport``); tests pass ``trust_env=False``.
        clock: seconds since the epoch, for expiry checks (tests move it forward).
    """

    def __init__(
        self,
        config: OidcConfig,
        *,
        http_options: Mapping[str, Any] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.http_options = dict(http_options or {})
        self.clock = clock
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._jwks: dict[str, Any] | None = None
        self._jwks_at = 0.0
        self._lock = asyncio.Lock()

    @property
    def issuer(self) -> str:
        """The configured issuer, exactly: it must equal the discovery document's and the ID
        token's ``iss`` (a trailing slash counts)."""
        return self.config.issuer

    # --- HTTP ---------------------------------------------------------------------------------------

    def _http(self) -> httpx.AsyncClient:
        options: dict[str, Any] = {"timeout": HTTP_TIMEOUT_SECONDS, **self.http_options}
        return httpx.AsyncClient(**options)

    def _oauth(self) -> AsyncOAuth2Client:
        options: dict[str, Any] = {"timeout": HTTP_TIMEOUT_SECONDS, **self.http_options}
        return AsyncOAuth2Client(
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            scope=" ".join(self.config.scope_list),
            code_challenge_method="S256",
            token_endpoint_auth_method=(
                "client_secret_basic" if self.config.client_secret else "none"
            ),
            **options,
        )

    async def _get_json(self, url: str, what: str) -> dict[str, Any]:
        try:
            async with self._http() as http:
                response = await http.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise OidcError(
                Code.OIDC_UNAVAILABLE,
                f"The identity provider did not answer ({what} at {url}): "
                f"{_clip(type(exc).__name__)}. Try again in a moment.",
            ) from exc
        if response.status_code >= 500:
            raise OidcError(
                Code.OIDC_UNAVAILABLE,
                f"The identity provider answered {response.status_code} for its {what} at {url}. "
                "Try again in a moment.",
            )
        if response.status_code != 200 or len(response.content) > MAX_DOCUMENT_BYTES:
            raise OidcError(
                Code.OIDC_MISCONFIGURED,
                f"No {what} at {url} (HTTP {response.status_code}); "
                "check FOLLOWTHROUGH_OIDC_ISSUER.",
            )
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise OidcError(
                Code.OIDC_MISCONFIGURED,
                f"The {what} at {url} is not a JSON object; check FOLLOWTHROUGH_OIDC_ISSUER.",
            )
        return data

    # --- discovery and keys -------------------------------------------------------------------------

    async def metadata(self) -> dict[str, Any]:
        """The provider's discovery document, checked, cached for an hour."""
        now = time.monotonic()
        if self._metadata is not None and now - self._metadata_at < METADATA_TTL_SECONDS:
            return self._metadata
        async with self._lock:
            if self._metadata is not None and now - self._metadata_at < METADATA_TTL_SECONDS:
                return self._metadata
            url = f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"
            data = await self._get_json(url, "discovery document")
            self._check_metadata(data)
            self._metadata, self._metadata_at = data, time.monotonic()
            self._jwks = None
            return data

    def _check_metadata(self, data: Mapping[str, Any]) -> None:
        if data.get("issuer") != self.issuer:
            raise OidcError(
                Code.OIDC_MISCONFIGURED,
                f"The provider calls itself {_clip(data.get('issuer'))!s} but "
                f"FOLLOWTHROUGH_OIDC_ISSUER is {self.issuer}: they must be the same URL.",
            )
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(data.get(key), str) or not data[key]:
                raise OidcError(
                    Code.OIDC_MISCONFIGURED,
                    f"The provider's discovery document has no {key}.",
                )
        response_types = data.get("response_types_supported")
        if isinstance(response_types, list) and "code" not in response_types:
            raise OidcError(
                Code.OIDC_MISCONFIGURED,
                "The provider does not offer the authorization code flow (response type code).",
            )
        methods = data.get("code_challenge_methods_supported")
        if isinstance(methods, list) and "S256" not in methods:
            raise OidcError(Code.OIDC_MISCONFIGURED, "The provider does not offer PKCE with S256.")
        if not self.algorithms(data):
            raise OidcError(
                Code.OIDC_MISCONFIGURED,
                "The provider signs ID tokens with no asymmetric algorithm Followthrough accepts "
                f"({', '.join(sorted(ASYMMETRIC_ALGORITHMS))}).",
            )

    @staticmethod
    def algorithms(metadata: Mapping[str, Any]) -> list[str]:
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        return sorted(a for a in offered if isinstance(a, str) and a in ASYMMETRIC_ALGORITHMS)

    async def _key_set(self, *, refresh: bool = False) -> KeySet:
        metadata = await self.metadata()
        now = time.monotonic()
        stale = self._jwks is None or now - self._jwks_at >= METADATA_TTL_SECONDS
        may_refresh = refresh and now - self._jwks_at >= JWKS_REFRESH_MIN_SECONDS
        if stale or may_refresh or self._jwks is None:
            data = await self._get_json(str(metadata["jwks_uri"]), "key set (JWKS)")
            if not isinstance(data.get("keys"), list):
                raise OidcError(Code.OIDC_MISCONFIGURED, "The provider's JWKS has no keys.")
            self._jwks, self._jwks_at = data, time.monotonic()
        try:
            return KeySet.import_key_set(self._jwks)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError) as exc:
            raise OidcError(
                Code.OIDC_MISCONFIGURED, f"The provider's JWKS cannot be read: {_clip(exc)}"
            ) from exc

    # --- the flow -----------------------------------------------------------------------------------

    async def begin(self, redirect_uri: str, next_path: str = "/") -> tuple[str, PendingSignIn]:
        """The URL to send the browser to, and what to keep until it comes back."""
        metadata = await self.metadata()
        pending = PendingSignIn(
            state=secrets.token_urlsafe(24),
            nonce=secrets.token_urlsafe(24),
            code_verifier=secrets.token_urlsafe(48),
            redirect_uri=redirect_uri,
            next=next_path,
        )
        async with self._oauth() as oauth:
            url, _state = oauth.create_authorization_url(
                metadata["authorization_endpoint"],
                state=pending.state,
                code_verifier=pending.code_verifier,
                nonce=pending.nonce,
                redirect_uri=redirect_uri,
            )
        return str(url), pending

    async def finish(self, params: Mapping[str, str], pending: PendingSignIn) -> OidcIdentity:
        """Check the provider's redirect, exchange the code, validate the ID token."""
        code = self.check_callback(params, pending)
        token = await self.exchange(code, pending)
        return await self.identity(token, pending)

    def check_callback(self, params: Mapping[str, str], pending: PendingSignIn) -> str:
        """The authorization code from the callback's query, after the refusal/state/iss checks."""
        error = params.get("error")
        if error:
            described = params.get("error_description") or error
            raise OidcError(
                Code.OIDC_REFUSED,
                f"The identity provider refused the sign-in: {_clip(described)}",
            )
        state = params.get("state") or ""
        if not secrets.compare_digest(state.encode(), pending.state.encode()):
            raise OidcError(
                Code.OIDC_STATE_MISMATCH,
                "This sign-in did not start here (its state does not match); sign in again.",
            )
        iss = params.get("iss")
        if iss is not None and iss != self.issuer:
            raise OidcError(
                Code.OIDC_TOKEN_INVALID,
                "The answer came from another identity provider than the one configured.",
            )
        code = params.get("code")
        if not code:
            raise OidcError(Code.OIDC_REFUSED, "The identity provider sent no authorization code.")
        return code

    async def exchange(self, code: str, pending: PendingSignIn) -> dict[str, Any]:
        """Trade the code (and the PKCE verifier) for tokens at the token endpoint."""
        metadata = await self.metadata()
        try:
            async with self._oauth() as oauth:
                token = await oauth.fetch_token(
                    metadata["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=pending.code_verifier,
                    redirect_uri=pending.redirect_uri,
                )
        except OAuthError as exc:
            error = str(getattr(exc, "error", "") or "")
            if error in {"invalid_client", "unauthorized_client"}:
                raise OidcError(
                    Code.OIDC_MISCONFIGURED,
                    "The identity provider refused Followthrough's client id or secret; check "
                    "FOLLOWTHROUGH_OIDC_CLIENT_ID and FOLLOWTHROUGH_OIDC_CLIENT_SECRET.",
                ) from exc
            described = getattr(exc, "description", "") or error or "no reason given"
            raise OidcError(
                Code.OIDC_REFUSED,
                f"The identity provider refused the sign-in code ({_clip(described)}); "
                "sign in again.",
            ) from exc
        except httpx.HTTPError as exc:
            raise OidcError(
                Code.OIDC_UNAVAILABLE,
                f"The identity provider's token endpoint did not answer: "
                f"{type(exc).__name__}. Try again in a moment.",
            ) from exc
        except ValueError as exc:  # a body that is not JSON
            raise OidcError(
                Code.OIDC_MISCONFIGURED,
                "The identity provider's token endpoint did not answer with JSON.",
            ) from exc
        data = dict(token)
        if not isinstance(data.get("id_token"), str):
            raise OidcError(
                Code.OIDC_MISCONFIGURED,
                "The identity provider sent no ID token; FOLLOWTHROUGH_OIDC_SCOPES must include "
                "openid.",
            )
        return data

    async def identity(self, token: Mapping[str, Any], pending: PendingSignIn) -> OidcIdentity:
        """Validate the token response's ID token and read the person from it."""
        claims = await self.validate_id_token(
            str(token.get("id_token") or ""),
            nonce=pending.nonce,
            access_token=token.get("access_token"),
        )
        return self.person(claims)

    async def validate_id_token(
        self, id_token: str, *, nonce: str, access_token: object = None
    ) -> dict[str, Any]:
        """The ID token's claims once its signature and claims hold; :class:`OidcError` otherwise."""
        if not id_token or len(id_token) > MAX_ID_TOKEN_CHARS:
            raise OidcError(Code.OIDC_TOKEN_INVALID, "The ID token is missing or too long.")
        metadata = await self.metadata()
        algorithms = self.algorithms(metadata)
        try:
            try:
                decoded = jwt.decode(id_token, await self._key_set(), algorithms=algorithms)
            except InvalidKeyIdError:
                decoded = jwt.decode(
                    id_token, await self._key_set(refresh=True), algorithms=algorithms
                )
        except BadSignatureError as exc:
            raise OidcError(
                Code.OIDC_TOKEN_INVALID,
                "The ID token's signature does not verify against the provider's keys.",
            ) from exc
        except JoseError as exc:
            raise OidcError(
                Code.OIDC_TOKEN_INVALID, f"The ID token cannot be read: {_clip(exc)}"
            ) from exc
        params: dict[str, Any] = {"nonce": nonce, "client_id": self.config.client_id}
        if isinstance(access_token, str):
            params["access_token"] = access_token
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": self.issuer},
            "aud": {"essential": True, "value": self.config.client_id},
        }
        claims = CodeIDToken(dict(decoded.claims), dict(decoded.header), options, params)
        try:
            claims.validate(now=int(self.clock()), leeway=self.config.leeway_seconds)
        except ExpiredTokenError as exc:
            raise OidcError(
                Code.OIDC_TOKEN_EXPIRED, "The ID token has expired; sign in again."
            ) from exc
        except ClaimError as exc:
            raise OidcError(
                Code.OIDC_TOKEN_INVALID,
                f"The ID token's {exc.claim} claim does not hold ({_clip(exc)}).",
            ) from exc
        iat = claims.get("iat")
        if isinstance(iat, int | float) and iat > self.clock() + self.config.leeway_seconds:
            raise OidcError(Code.OIDC_TOKEN_INVALID, "The ID token was issued in the future.")
        return dict(claims)

    def person(self, claims: Mapping[str, Any]) -> OidcIdentity:
        """The person an ID token names: their verified email, name and groups."""
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email or len(email) > MAX_EMAIL_CHARS:
            raise OidcError(
                Code.OIDC_EMAIL_UNVERIFIED,
                "The identity provider sent no email address for you; Followthrough knows people "
                "by their email (FOLLOWTHROUGH_OIDC_SCOPES must include email).",
            )
        verified = claims.get("email_verified")
        if verified is not True and verified != "true":
            raise OidcError(
                Code.OIDC_EMAIL_UNVERIFIED,
                f"Your email address {email} is not verified at the identity provider; verify "
                "it there, then sign in again.",
            )
        name = claims.get("name")
        return OidcIdentity(
            email=email.strip().lower(),
            name=name.strip()[:200] if isinstance(name, str) and name.strip() else None,
            groups=self.groups(claims),
            subject=str(claims.get("sub", "")),
        )

    def groups(self, claims: Mapping[str, Any]) -> tuple[str, ...]:
        """The groups claim as a tuple of names (a single string counts as one group)."""
        raw = claims.get(self.config.groups_claim)
        values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
        kept: list[str] = []
        for value in values[:MAX_GROUPS]:
            if isinstance(value, str) and value.strip() and len(value) <= MAX_GROUP_CHARS:
                kept.append(value.strip())
        return tuple(dict.fromkeys(kept))
