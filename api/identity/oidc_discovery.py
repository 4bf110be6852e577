"""The OpenID Connect provider's documents: the discovery document (fetched once, kept for
:data:`METADATA_TTL_SECONDS`, its ``issuer`` equal to the configured one, its endpoints present)
and its key set (JWKS; fetched again, at most every :data:`JWKS_REFRESH_MIN_SECONDS`, when a token
names a key it does not hold), with the HTTP and OAuth clients that fetch them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from api.identity.oidc_config import (
    ASYMMETRIC_ALGORITHMS,
    HTTP_TIMEOUT_SECONDS,
    JWKS_REFRESH_MIN_SECONDS,
    MAX_DOCUMENT_BYTES,
    METADATA_TTL_SECONDS,
    OidcConfig,
    OidcError,
    clip,
)
from workflows.codes import Code

__all__ = ["OidcDiscovery"]


class OidcDiscovery:
    """One relying party's view of its provider: settings, documents, keys (see OidcClient)."""

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
                f"{clip(type(exc).__name__)}. Try again in a moment.",
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
                f"The provider calls itself {clip(data.get('issuer'))!s} but "
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
                Code.OIDC_MISCONFIGURED, f"The provider's JWKS cannot be read: {clip(exc)}"
            ) from exc
