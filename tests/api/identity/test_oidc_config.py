"""OpenID Connect sign-in's settings and values (api.identity.oidc_config): the scopes asked for,
the pending sign-in's cookie payload, and what an error message may quote."""

from __future__ import annotations

from api.identity.oidc_config import MAX_ERROR_CHARS, OidcConfig, PendingSignIn, clip


def test_openid_is_asked_for_even_when_the_scopes_leave_it_out() -> None:
    config = OidcConfig(issuer="https://id.example.com", client_id="ft", scopes="email,profile")
    assert config.scope_list == ["openid", "email", "profile"]


def test_a_pending_sign_in_survives_its_cookie_payload() -> None:
    pending = PendingSignIn("s", "n", "v" * 43, "https://ft.example.com/auth/callback", "/r/P1")
    assert PendingSignIn.from_dict(pending.to_dict()) == pending


def test_a_cookie_payload_missing_a_part_is_no_pending_sign_in() -> None:
    payload = PendingSignIn("s", "n", "v", "https://ft.example.com/cb").to_dict()
    assert PendingSignIn.from_dict({**payload, "nonce": ""}) is None
    assert PendingSignIn.from_dict(["not", "a", "mapping"]) is None


def test_a_quoted_text_is_one_line_cut_to_the_limit() -> None:
    quoted = clip("a\nb   c" + "x" * 1000)
    assert quoted.startswith("a b c") and len(quoted) == MAX_ERROR_CHARS
    assert quoted.endswith("\u2026")
