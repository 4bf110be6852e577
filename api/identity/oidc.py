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

This module holds the flow (:class:`OidcClient`: begin, the callback's checks, the code exchange);
``oidc_config`` the settings and values, ``oidc_discovery`` the provider's documents and keys,
``oidc_tokens`` the ID token's checks and the person. Their public names are offered here too.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

import httpx
from authlib.integrations.base_client import OAuthError

from api.identity.oidc_config import (
    ASYMMETRIC_ALGORITHMS,
    DEFAULT_GROUPS_CLAIM,
    DEFAULT_SCOPES,
    HTTP_TIMEOUT_SECONDS,
    JWKS_REFRESH_MIN_SECONDS,
    MAX_DOCUMENT_BYTES,
    MAX_EMAIL_CHARS,
    MAX_ERROR_CHARS,
    MAX_GROUP_CHARS,
    MAX_GROUPS,
    MAX_ID_TOKEN_CHARS,
    METADATA_TTL_SECONDS,
    OidcConfig,
    OidcError,
    OidcIdentity,
    PendingSignIn,
    clip,
)
from api.identity.oidc_tokens import OidcTokenChecks
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


class OidcClient(OidcTokenChecks):
    """One relying party against one provider; safe to share between requests.

    Args:
        config: the client's settings.
        http_options: extra ``httpx.AsyncClient`` keyword arguments (``verify``, ``trust_env``,
            ``transport``); tests pass ``trust_env=False``.
        clock: seconds since the epoch, for expiry checks (tests move it forward).
    """

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
                f"The identity provider refused the sign-in: {clip(described)}",
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
                f"The identity provider refused the sign-in code ({clip(described)}); "
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
