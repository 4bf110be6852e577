"""Sign-in through a real OpenID Connect provider (npm oidc-provider): the flow and every refusal."""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from api.identity.oidc import OidcClient, OidcConfig, OidcError, PendingSignIn
from tests.fakes.oidc_provider import OidcProvider, RegisteredClient, callback_params
from workflows.codes import Code

CALLBACK = "http://127.0.0.1:9/auth/callback"


def client_for(provider: OidcProvider, registered: RegisteredClient, **config: Any) -> OidcClient:
    settings = OidcConfig(
        issuer=config.pop("issuer", provider.issuer),
        client_id=config.pop("client_id", registered.client_id),
        client_secret=config.pop("client_secret", registered.client_secret),
        **config,
    )
    return OidcClient(settings, http_options={"trust_env": False})


@pytest.fixture(scope="module")
def registered(oidc_provider: OidcProvider) -> RegisteredClient:
    return oidc_provider.register_client([CALLBACK])


async def to_callback(
    provider: OidcProvider, oidc: OidcClient, user: str, *, cancel: bool = False
) -> tuple[dict[str, str], PendingSignIn]:
    url, pending = await oidc.begin(CALLBACK, "/reviews/P1")
    landed = await provider.sign_in(url, user, cancel=cancel)
    assert landed.startswith(CALLBACK)
    return callback_params(landed), pending


async def token_for(
    provider: OidcProvider, oidc: OidcClient, user: str
) -> tuple[dict[str, Any], PendingSignIn]:
    params, pending = await to_callback(provider, oidc, user)
    code = oidc.check_callback(params, pending)
    return await oidc.exchange(code, pending), pending


def tampered(id_token: str, **changes: Any) -> str:
    header, payload, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{encoded}.{signature}"


async def test_a_verified_person_signs_in_as_their_email_with_their_groups(
    oidc_provider: OidcProvider, registered: RegisteredClient
) -> None:
    oidc = client_for(oidc_provider, registered)
    params, pending = await to_callback(oidc_provider, oidc, "fay")
    person = await oidc.finish(params, pending)
    assert person.email == "fay@example.com"
    assert person.name == "Fay Facilitator"
    assert person.groups == ("payments-facilitators",)
    assert pending.next == "/reviews/P1"


async def test_the_authorization_request_uses_pkce_s256_state_and_nonce(
    oidc_provider: OidcProvider, registered: RegisteredClient
) -> None:
    oidc = client_for(oidc_provider, registered)
    url, pending = await oidc.begin(CALLBACK)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["code_challenge_method"] == "S256"
    assert query["state"] == pending.state and query["nonce"] == pending.nonce
    assert query["code_challenge"] != pending.code_verifier
    assert query["scope"].split() == ["openid", "email", "profile"]


async def test_a_code_exchanged_without_its_pkce_verifier_is_refused(
    oidc_provider: OidcProvider, registered: RegisteredClient
) -> None:
    oidc = client_for(oidc_provider, registered)
    params, pending = await to_callback(oidc_provider, oidc, "rui")
    code = oidc.check_callback(params, pending)
    other = PendingSignIn(
        pending.state, pending.nonce, "x" * 64, pending.redirect_uri, pending.next
    )
    with pytest.raises(OidcError) as refused:
        await oidc.exchange(code, other)
    assert refused.value.code == Code.OIDC_REFUSED


async def test_a_code_used_twice_is_refused_the_second_time(
    oidc_provider: OidcProvider, registered: RegisteredClient
) -> None:
    oidc = client_for(oidc_provider, registered)
    params, pending = await to_callback(oidc_provider, oidc, "rui")
    await oidc.finish(params, pending)
    with pytest.raises(OidcError) as refused:
        await oidc.finish(params, pending)
    assert refused.value.code == Code.OIDC_REFUSED


async def test_cancelling_at_the_provider_is_a_clear_refusal(
    oidc_provider: OidcProvider, registered: RegisteredClient
) -> None:
    oidc = client_for(oidc_provider, registered)
    params, pending = await to_callback(oidc_provider, oidc, "rui", cancel=True)
    with pytest.raises(OidcError) as refused:
        await oidc.finish(params, pending)
    assert refused.value.code == Code.OIDC_REFUSED
    assert "cancelled" in refused.value.message


async def test_a_callback_whose_state_does_not_match_is_refused(
    oidc_provider: OidcProvider, registered: RegisteredClient
) -> None:
    oidc = client_for(oidc_provider, registered)
    params, pending = await to_callback(oidc_provider, oidc, "rui")
    with pytest.raises(OidcError) as refused:
        await oidc.finish({**params, "state": "forged"}, pending)
    assert refused.value.code == Code.OIDC_STATE_MISMATCH


async def test_a_tampered_id_token_is_refused(
    oidc_provider: OidcProvider, registered: RegisteredClient
) -> None:
    oidc = client_for(oidc_provider, registered)
    token, pending = await token_for(oidc_provider, oidc, "rui")
    forged = {**token, "id_token": tampered(token["id_token"], email="ada@example.com")}
    with pytest.raises(OidcError) as refused:
        await oidc.identity(forged, pending)
    assert refused.value.code == Code.OIDC_TOKEN_INVALID
    assert "signature" in refused.value.message


async def test_an_expired_id_token_is_refused(oidc_provider: OidcProvider) -> None:
    short = oidc_provider.register_client([CALLBACK], id_token_ttl=1)
    oidc = client_for(oidc_provider, short)
    token, pending = await token_for(oidc_provider, oidc, "rui")
    assert (await oidc.identity(token, pending)).email == "rui@example.com"
    # The token really expires one second after issue; move past that and the leeway.
    later = OidcClient(
        oidc.config, http_options={"trust_env": False}, clock=lambda: time.time() + 62
    )
    with pytest.raises(OidcError) as refused:
        await later.identity(token, pending)
    assert refused.value.code == Code.OIDC_TOKEN_EXPIRED


async def test_an_id_token_with_another_nonce_is_refused(
    oidc_provider: OidcProvider, registered: RegisteredClient
) -> None:
    oidc = client_for(oidc_provider, registered)
    token, pending = await token_for(oidc_provider, oidc, "rui")
    replayed = PendingSignIn(pending.state, "another-nonce", pending.code_verifier, CALLBACK)
    with pytest.raises(OidcError) as refused:
        await oidc.identity(token, replayed)
    assert refused.value.code == Code.OIDC_TOKEN_INVALID
    assert "nonce" in refused.value.message


async def test_an_id_token_issued_to_another_client_is_refused(
    oidc_provider: OidcProvider, registered: RegisteredClient
) -> None:
    other = oidc_provider.register_client([CALLBACK])
    theirs = client_for(oidc_provider, other)
    token, pending = await token_for(oidc_provider, theirs, "rui")
    ours = client_for(oidc_provider, registered)
    with pytest.raises(OidcError) as refused:
        await ours.identity(token, pending)
    assert refused.value.code == Code.OIDC_TOKEN_INVALID
    assert "aud" in refused.value.message


@pytest.mark.parametrize("user", ["una", "nem"])
async def test_an_unverified_or_missing_email_is_refused(
    oidc_provider: OidcProvider, registered: RegisteredClient, user: str
) -> None:
    oidc = client_for(oidc_provider, registered)
    params, pending = await to_callback(oidc_provider, oidc, user)
    with pytest.raises(OidcError) as refused:
        await oidc.finish(params, pending)
    assert refused.value.code == Code.OIDC_EMAIL_UNVERIFIED


async def test_a_rotated_signing_key_is_fetched_when_a_token_names_it(
    oidc_provider: OidcProvider, registered: RegisteredClient
) -> None:
    oidc = client_for(oidc_provider, registered)
    await token_for(oidc_provider, oidc, "rui")  # caches the current key set
    oidc._jwks_at -= 60  # past the refresh floor, as a minute later
    kid = oidc_provider.rotate_keys()
    token, pending = await token_for(oidc_provider, oidc, "ola")
    header = json.loads(base64.urlsafe_b64decode(token["id_token"].split(".")[0] + "=="))
    assert header["kid"] == kid
    assert (await oidc.identity(token, pending)).email == "ola@example.com"


async def test_the_groups_claim_name_is_configurable(
    oidc_provider: OidcProvider, registered: RegisteredClient
) -> None:
    oidc = client_for(oidc_provider, registered, groups_claim="roles")
    params, pending = await to_callback(oidc_provider, oidc, "ada")
    assert (await oidc.finish(params, pending)).groups == ()


async def test_a_wrong_client_secret_is_named_as_misconfiguration(
    oidc_provider: OidcProvider, registered: RegisteredClient
) -> None:
    oidc = client_for(oidc_provider, registered, client_secret="not-the-secret")
    params, pending = await to_callback(oidc_provider, oidc, "rui")
    with pytest.raises(OidcError) as refused:
        await oidc.finish(params, pending)
    assert refused.value.code == Code.OIDC_MISCONFIGURED
    assert "FOLLOWTHROUGH_OIDC_CLIENT_SECRET" in refused.value.message
    assert "not-the-secret" not in refused.value.message


@pytest.mark.parametrize(
    ("issuer", "code", "named"),
    [
        # The discovery document says the issuer has no trailing slash: they must be equal.
        ("{issuer}/", Code.OIDC_MISCONFIGURED, "FOLLOWTHROUGH_OIDC_ISSUER"),
        ("{issuer}/nothing-here", Code.OIDC_MISCONFIGURED, "404"),
        ("http://127.0.0.1:9", Code.OIDC_UNAVAILABLE, "did not answer"),
    ],
    ids=["issuer-differs", "no-discovery-document", "unreachable"],
)
async def test_a_misconfigured_or_unreachable_provider_is_named_before_leaving(
    oidc_provider: OidcProvider, registered: RegisteredClient, issuer: str, code: Code, named: str
) -> None:
    oidc = client_for(oidc_provider, registered, issuer=issuer.format(issuer=oidc_provider.issuer))
    with pytest.raises(OidcError) as refused:
        await oidc.begin(CALLBACK)
    assert refused.value.code == code
    assert named in refused.value.message
