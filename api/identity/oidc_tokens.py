"""The ID token's checks (OpenID Connect Core §3.1.3.7, through authlib's ``CodeIDToken``): its
signature against the provider's keys with an advertised asymmetric algorithm, its ``iss``, ``aud``
(and ``azp``), ``nonce``, ``exp``, ``iat`` and ``at_hash``; and the person it names: a verified
email, a name, groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)

from api.identity.oidc_config import (
    MAX_EMAIL_CHARS,
    MAX_GROUP_CHARS,
    MAX_GROUPS,
    MAX_ID_TOKEN_CHARS,
    OidcError,
    OidcIdentity,
    clip,
)
from api.identity.oidc_discovery import OidcDiscovery
from workflows.codes import Code

__all__ = ["OidcTokenChecks"]


class OidcTokenChecks(OidcDiscovery):
    """Adds the ID token's checks and the person it names to the provider's documents."""

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
                Code.OIDC_TOKEN_INVALID, f"The ID token cannot be read: {clip(exc)}"
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
                f"The ID token's {exc.claim} claim does not hold ({clip(exc)}).",
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
