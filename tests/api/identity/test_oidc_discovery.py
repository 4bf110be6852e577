"""The provider's discovery document and key set (api.identity.oidc_discovery), against a real
OpenID Connect provider (npm oidc-provider): a misconfigured or unreachable one is named before
the browser leaves, and a rotated signing key is fetched when a token names it."""

from __future__ import annotations

import base64
import json

import pytest

from api.identity.oidc import OidcClient
from tests.fakes.oidc_provider import OidcProvider, RegisteredClient
from tests.support.oidc_flow import CALLBACK, Tokens, client_for, refusal
from workflows.codes import Code


async def test_a_rotated_signing_key_is_fetched_when_a_token_names_it(
    oidc_provider: OidcProvider, oidc: OidcClient, tokens: Tokens
) -> None:
    await tokens("rui")  # caches the current key set
    oidc._jwks_at -= 60  # past the refresh floor, as a minute later
    kid = oidc_provider.rotate_keys()
    token, pending = await tokens("ola")
    header = json.loads(base64.urlsafe_b64decode(token["id_token"].split(".")[0] + "=="))
    assert header["kid"] == kid
    assert (await oidc.identity(token, pending)).email == "ola@example.com"


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
    refused = await refusal(oidc.begin(CALLBACK))
    assert refused.code == code
    assert named in refused.message


def test_only_advertised_asymmetric_algorithms_are_accepted() -> None:
    offered = {"id_token_signing_alg_values_supported": ["HS256", "none", "ES256", "RS256"]}
    assert OidcClient.algorithms(offered) == ["ES256", "RS256"]
    assert OidcClient.algorithms({}) == ["RS256"]
