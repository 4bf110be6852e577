"""One :class:`~api.identity.access.Identity` from the process settings (``app.state.identity``).

Reads ``FOLLOWTHROUGH_ADMINS``, ``_ADMIN_GROUPS``, ``_API_TOKENS``, ``_API_TOKEN``, ``_OIDC_*``,
``_SESSION_IDLE_SECONDS`` and ``_SESSION_ABSOLUTE_SECONDS``. Secrets stay inside the objects built
here (``repr=False``); nothing is logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from pydantic import SecretStr

from api.identity.access import Identity
from api.identity.oidc import OidcClient, OidcConfig
from api.identity.roles import AccessRules
from api.identity.sessions import MemorySessions, SessionLimits
from api.identity.stored_sessions import StoredSessions
from api.identity.tokens import parse_tokens
from connectors.store.store import ReviewStore

__all__ = ["IdentitySettings", "identity_from_settings"]


class IdentitySettings(Protocol):
    """The part of the process settings identity reads."""

    api_token: SecretStr | None
    api_tokens: str | None
    admins: list[str]
    admin_groups: list[str]
    oidc_issuer: str | None
    oidc_client_id: str | None
    oidc_client_secret: SecretStr | None
    oidc_scopes: str
    oidc_groups_claim: str
    session_idle_seconds: int
    session_absolute_seconds: int
    dev_mode: bool

    @property
    def base_url(self) -> str: ...

    @property
    def signing_key(self) -> str | None: ...


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value else None


def identity_from_settings(
    settings: IdentitySettings,
    *,
    oidc_http_options: Mapping[str, Any] | None = None,
    store: ReviewStore | None = None,
) -> Identity:
    """The app's identity: tokens, admins, sessions, the limiter and (when configured) the OIDC
    client. Sessions live in ``store``'s database when there is one (shared by every API
    process, kept across restarts), else in this process's memory. Raises :class:`~api.identity.tokens.TokenConfigError` for a bad
    ``FOLLOWTHROUGH_API_TOKENS`` (the message names the entry, never a hash)."""
    oidc = None
    if settings.oidc_issuer and settings.oidc_client_id:
        oidc = OidcClient(
            OidcConfig(
                issuer=settings.oidc_issuer,
                client_id=settings.oidc_client_id,
                client_secret=_secret(settings.oidc_client_secret),
                scopes=settings.oidc_scopes,
                groups_claim=settings.oidc_groups_claim,
            ),
            http_options=oidc_http_options,
        )
    limits = SessionLimits(
        idle_seconds=settings.session_idle_seconds,
        absolute_seconds=settings.session_absolute_seconds,
    )
    return Identity(
        key=settings.signing_key,
        rules=AccessRules.of(settings.admins, settings.admin_groups),
        tokens=parse_tokens(settings.api_tokens),
        legacy_token=_secret(settings.api_token),
        sessions=StoredSessions(store, limits) if store is not None else MemorySessions(limits),
        oidc=oidc,
        dev=settings.dev_mode,
        secure_cookies=settings.base_url.lower().startswith("https://"),
    )
