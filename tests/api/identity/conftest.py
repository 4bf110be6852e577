"""The OIDC client's tests' fixtures: a client registered at the real provider (``oidc_provider``,
tests/conftest.py), the OidcClient for it, and the sign-in prologue (``arrive``, ``tokens``)."""

from __future__ import annotations

from typing import Any

import pytest

from api.identity.oidc import OidcClient, PendingSignIn
from tests.fakes.oidc_provider import OidcProvider, RegisteredClient
from tests.support.oidc_flow import CALLBACK, Arrive, Tokens, client_for, to_callback, token_for


@pytest.fixture(scope="module")
def registered(oidc_provider: OidcProvider) -> RegisteredClient:
    return oidc_provider.register_client([CALLBACK])


@pytest.fixture
def oidc(oidc_provider: OidcProvider, registered: RegisteredClient) -> OidcClient:
    """The OidcClient for ``registered``, with the default settings."""
    return client_for(oidc_provider, registered)


@pytest.fixture
def arrive(oidc_provider: OidcProvider, oidc: OidcClient) -> Arrive:
    """``await arrive("rui")``: begin (with ``oidc`` unless ``client=`` says), sign the person in
    at the provider (``cancel=True``: cancel there) and come back with the callback's query."""

    async def go(
        user: str, *, cancel: bool = False, client: OidcClient | None = None
    ) -> tuple[dict[str, str], PendingSignIn]:
        return await to_callback(oidc_provider, client or oidc, user, cancel=cancel)

    return go


@pytest.fixture
def tokens(oidc_provider: OidcProvider, oidc: OidcClient) -> Tokens:
    """``await tokens("rui")``: sign the person in and exchange the code (with ``oidc`` unless
    ``client=`` says): the token endpoint's answer and the pending sign-in."""

    async def go(
        user: str, *, client: OidcClient | None = None
    ) -> tuple[dict[str, Any], PendingSignIn]:
        return await token_for(oidc_provider, client or oidc, user)

    return go
