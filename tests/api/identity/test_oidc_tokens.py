"""The ID token's checks and the person it names (api.identity.oidc_tokens), on tokens a real
OpenID Connect provider (npm oidc-provider) issued: forged, expired, replayed, someone else's."""

from __future__ import annotations

import time

import pytest

from api.identity.oidc import OidcClient, PendingSignIn
from tests.fakes.oidc_provider import OidcProvider, RegisteredClient
from tests.support.oidc_flow import CALLBACK, Arrive, Tokens, client_for, refusal, tampered
from workflows.codes import Code


async def test_a_tampered_id_token_is_refused(oidc: OidcClient, tokens: Tokens) -> None:
    token, pending = await tokens("rui")
    forged = {**token, "id_token": tampered(token["id_token"], email="ada@example.com")}
    refused = await refusal(oidc.identity(forged, pending))
    assert refused.code == Code.OIDC_TOKEN_INVALID
    assert "signature" in refused.message


async def test_an_expired_id_token_is_refused(oidc_provider: OidcProvider, tokens: Tokens) -> None:
    short = oidc_provider.register_client([CALLBACK], id_token_ttl=1)
    oidc = client_for(oidc_provider, short)
    token, pending = await tokens("rui", client=oidc)
    assert (await oidc.identity(token, pending)).email == "rui@example.com"
    # The token really expires one second after issue; move past that and the leeway.
    later = OidcClient(
        oidc.config, http_options={"trust_env": False}, clock=lambda: time.time() + 62
    )
    refused = await refusal(later.identity(token, pending))
    assert refused.code == Code.OIDC_TOKEN_EXPIRED


async def test_an_id_token_with_another_nonce_is_refused(oidc: OidcClient, tokens: Tokens) -> None:
    token, pending = await tokens("rui")
    replayed = PendingSignIn(pending.state, "another-nonce", pending.code_verifier, CALLBACK)
    refused = await refusal(oidc.identity(token, replayed))
    assert refused.code == Code.OIDC_TOKEN_INVALID
    assert "nonce" in refused.message


async def test_an_id_token_issued_to_another_client_is_refused(
    oidc_provider: OidcProvider, oidc: OidcClient, tokens: Tokens
) -> None:
    theirs = client_for(oidc_provider, oidc_provider.register_client([CALLBACK]))
    token, pending = await tokens("rui", client=theirs)
    refused = await refusal(oidc.identity(token, pending))
    assert refused.code == Code.OIDC_TOKEN_INVALID
    assert "aud" in refused.message


@pytest.mark.parametrize("user", ["una", "nem"])
async def test_an_unverified_or_missing_email_is_refused(
    oidc: OidcClient, arrive: Arrive, user: str
) -> None:
    params, pending = await arrive(user)
    refused = await refusal(oidc.finish(params, pending))
    assert refused.code == Code.OIDC_EMAIL_UNVERIFIED


async def test_the_groups_claim_name_is_configurable(
    oidc_provider: OidcProvider, registered: RegisteredClient, arrive: Arrive
) -> None:
    oidc = client_for(oidc_provider, registered, groups_claim="roles")
    params, pending = await arrive("ada", client=oidc)
    assert (await oidc.finish(params, pending)).groups == ()


def test_groups_are_a_list_or_one_name_trimmed_without_repeats(oidc: OidcClient) -> None:
    assert oidc.groups({"groups": [" ops ", "ops", "", 7, "sre"]}) == ("ops", "sre")
    assert oidc.groups({"groups": "payments"}) == ("payments",)
    assert oidc.groups({"groups": {"not": "a list"}}) == ()
