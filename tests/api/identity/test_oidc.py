"""Sign-in through a real OpenID Connect provider (npm oidc-provider): the flow of OidcClient
(begin with PKCE, the callback's checks, the code exchange) and its refusals."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from api.identity.oidc import OidcClient, PendingSignIn
from tests.fakes.oidc_provider import OidcProvider, RegisteredClient
from tests.support.oidc_flow import CALLBACK, Arrive, client_for, refusal
from workflows.codes import Code


async def test_a_verified_person_signs_in_as_their_email_with_their_groups(
    oidc: OidcClient, arrive: Arrive
) -> None:
    params, pending = await arrive("fay")
    person = await oidc.finish(params, pending)
    assert person.email == "fay@example.com"
    assert person.name == "Fay Facilitator"
    assert person.groups == ("payments-facilitators",)
    assert pending.next == "/reviews/P1"


async def test_the_authorization_request_uses_pkce_s256_state_and_nonce(oidc: OidcClient) -> None:
    url, pending = await oidc.begin(CALLBACK)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["code_challenge_method"] == "S256"
    assert query["state"] == pending.state and query["nonce"] == pending.nonce
    assert query["code_challenge"] != pending.code_verifier
    assert query["scope"].split() == ["openid", "email", "profile"]


async def test_a_code_exchanged_without_its_pkce_verifier_is_refused(
    oidc: OidcClient, arrive: Arrive
) -> None:
    params, pending = await arrive("rui")
    code = oidc.check_callback(params, pending)
    other = PendingSignIn(
        pending.state, pending.nonce, "x" * 64, pending.redirect_uri, pending.next
    )
    refused = await refusal(oidc.exchange(code, other))
    assert refused.code == Code.OIDC_REFUSED


async def test_a_code_used_twice_is_refused_the_second_time(
    oidc: OidcClient, arrive: Arrive
) -> None:
    params, pending = await arrive("rui")
    await oidc.finish(params, pending)
    refused = await refusal(oidc.finish(params, pending))
    assert refused.code == Code.OIDC_REFUSED


async def test_cancelling_at_the_provider_is_a_clear_refusal(
    oidc: OidcClient, arrive: Arrive
) -> None:
    params, pending = await arrive("rui", cancel=True)
    refused = await refusal(oidc.finish(params, pending))
    assert refused.code == Code.OIDC_REFUSED
    assert "cancelled" in refused.message


async def test_a_callback_whose_state_does_not_match_is_refused(
    oidc: OidcClient, arrive: Arrive
) -> None:
    params, pending = await arrive("rui")
    refused = await refusal(oidc.finish({**params, "state": "forged"}, pending))
    assert refused.code == Code.OIDC_STATE_MISMATCH


async def test_a_wrong_client_secret_is_named_as_misconfiguration(
    oidc_provider: OidcProvider, registered: RegisteredClient, arrive: Arrive
) -> None:
    oidc = client_for(oidc_provider, registered, client_secret="not-the-secret")
    params, pending = await arrive("rui", client=oidc)
    refused = await refusal(oidc.finish(params, pending))
    assert refused.code == Code.OIDC_MISCONFIGURED
    assert "FOLLOWTHROUGH_OIDC_CLIENT_SECRET" in refused.message
    assert "not-the-secret" not in refused.message
