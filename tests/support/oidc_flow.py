"""The OIDC client's tests' sign-in prologue (begin with a client, sign a person in at the real
provider, come back), the client built for a registered client, a tampered ID token, and the
refusal a step ends in.

``tests/api/identity/conftest.py`` offers them as fixtures (``oidc``, ``arrive``, ``tokens``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any

from api.identity.oidc import OidcClient, OidcConfig, OidcError, PendingSignIn
from tests.fakes.oidc_provider import OidcProvider, RegisteredClient, callback_params

__all__ = [
    "CALLBACK",
    "Arrive",
    "Tokens",
    "client_for",
    "refusal",
    "tampered",
    "to_callback",
    "token_for",
]

CALLBACK = "http://127.0.0.1:9/auth/callback"

#: ``await arrive(user, cancel=False, client=None)``: the callback's query and the pending sign-in.
Arrive = Callable[..., Awaitable[tuple[dict[str, str], PendingSignIn]]]
#: ``await tokens(user, client=None)``: the token endpoint's answer and the pending sign-in.
Tokens = Callable[..., Awaitable[tuple[dict[str, Any], PendingSignIn]]]


def client_for(provider: OidcProvider, registered: RegisteredClient, **config: Any) -> OidcClient:
    """An OidcClient for ``registered`` at ``provider``; ``config`` replaces OidcConfig fields."""
    settings = OidcConfig(
        issuer=config.pop("issuer", provider.issuer),
        client_id=config.pop("client_id", registered.client_id),
        client_secret=config.pop("client_secret", registered.client_secret),
        **config,
    )
    return OidcClient(settings, http_options={"trust_env": False})


async def to_callback(
    provider: OidcProvider, oidc: OidcClient, user: str, *, cancel: bool = False
) -> tuple[dict[str, str], PendingSignIn]:
    """Begin with ``oidc``, sign ``user`` in at ``provider`` (or cancel there) and come back."""
    url, pending = await oidc.begin(CALLBACK, "/reviews/P1")
    landed = await provider.sign_in(url, user, cancel=cancel)
    assert landed.startswith(CALLBACK)
    return callback_params(landed), pending


async def token_for(
    provider: OidcProvider, oidc: OidcClient, user: str
) -> tuple[dict[str, Any], PendingSignIn]:
    """Sign ``user`` in and exchange the callback's code: the token endpoint's answer."""
    params, pending = await to_callback(provider, oidc, user)
    code = oidc.check_callback(params, pending)
    return await oidc.exchange(code, pending), pending


def tampered(id_token: str, **changes: Any) -> str:
    """``id_token`` with ``changes`` written into its claims and its signature kept."""
    header, payload, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{encoded}.{signature}"


async def refusal(step: Awaitable[Any]) -> OidcError:
    """The :class:`OidcError` that ``step`` (one awaited OIDC call) is refused with."""
    try:
        await step
    except OidcError as exc:
        return exc
    raise AssertionError("the step was not refused")
