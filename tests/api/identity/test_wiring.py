"""api.identity.wiring: the app's identity from the process settings (no I/O at start-up)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from api.identity.tokens import TokenConfigError, new_token
from api.identity.wiring import identity_from_settings
from followthrough.settings import Settings

SECRET = SecretStr("s" * 32)


def settings(**values: object) -> Settings:
    return Settings(public_url="http://127.0.0.1:8000", session_secret=SECRET, **values)  # type: ignore[arg-type]


def test_without_an_issuer_there_is_no_sso() -> None:
    assert identity_from_settings(settings(oidc_client_id="followthrough")).oidc is None


def test_an_issuer_and_a_client_id_configure_sso_against_that_issuer() -> None:
    identity = identity_from_settings(
        settings(oidc_issuer="https://idp.example.com", oidc_client_id="followthrough")
    )

    assert identity.oidc is not None
    assert identity.oidc.issuer == "https://idp.example.com"


def test_the_listed_admins_and_admin_groups_are_admins() -> None:
    rules = identity_from_settings(
        settings(admins=["Lead@Example.com"], admin_groups=["sre-leads"])
    ).rules

    assert rules.is_admin("lead@example.com", [])
    assert rules.is_admin("ana@example.com", ["SRE-Leads"])
    assert not rules.is_admin("ana@example.com", ["payments"])


def test_named_api_tokens_are_read_from_their_setting() -> None:
    _, entry = new_token("ci", "write")

    (token,) = identity_from_settings(settings(api_tokens=entry.line)).tokens

    assert token.name == "ci"


def test_a_malformed_api_tokens_setting_is_refused() -> None:
    with pytest.raises(TokenConfigError):
        identity_from_settings(settings(api_tokens="ci"))


def test_cookies_are_secure_behind_an_https_public_url() -> None:
    identity = identity_from_settings(
        Settings(public_url="https://followthrough.example.com", session_secret=SECRET)
    )

    assert identity.secure_cookies


def test_cookies_are_not_secure_over_plain_http() -> None:
    assert not identity_from_settings(settings()).secure_cookies


def test_the_session_limits_come_from_the_settings() -> None:
    identity = identity_from_settings(
        settings(session_idle_seconds=600, session_absolute_seconds=7200)
    )

    limits = identity.sessions.limits
    assert (limits.idle_seconds, limits.absolute_seconds) == (600, 7200)


def test_the_signing_key_is_the_settings_signing_key() -> None:
    configured = settings()

    assert identity_from_settings(configured).key == configured.signing_key
