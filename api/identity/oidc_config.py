"""OpenID Connect sign-in's settings and values: the relying party's configuration, the limits, the
pending sign-in the browser carries, the signed-in person, and the error every step raises."""

from __future__ import annotations

from dataclasses import dataclass, field

from workflows.codes import Code

__all__ = [
    "ASYMMETRIC_ALGORITHMS",
    "DEFAULT_GROUPS_CLAIM",
    "DEFAULT_SCOPES",
    "HTTP_TIMEOUT_SECONDS",
    "JWKS_REFRESH_MIN_SECONDS",
    "MAX_DOCUMENT_BYTES",
    "MAX_EMAIL_CHARS",
    "MAX_ERROR_CHARS",
    "MAX_GROUPS",
    "MAX_GROUP_CHARS",
    "MAX_ID_TOKEN_CHARS",
    "METADATA_TTL_SECONDS",
    "OidcConfig",
    "OidcError",
    "OidcIdentity",
    "PendingSignIn",
    "clip",
]

DEFAULT_SCOPES = "openid email profile"
DEFAULT_GROUPS_CLAIM = "groups"
METADATA_TTL_SECONDS = 3600.0
#: An unknown key id makes us fetch the JWKS again, at most this often (a forged kid cannot make us
#: hammer the provider).
JWKS_REFRESH_MIN_SECONDS = 10.0
HTTP_TIMEOUT_SECONDS = 10.0
MAX_DOCUMENT_BYTES = 1_000_000
MAX_ID_TOKEN_CHARS = 64_000
MAX_GROUPS = 500
MAX_GROUP_CHARS = 256
MAX_EMAIL_CHARS = 320
MAX_ERROR_CHARS = 300
#: Signing algorithms accepted for ID tokens: asymmetric only, so a leaked client secret cannot
#: mint identities and "none" is never accepted.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class OidcError(Exception):
    """A sign-in that cannot go on; ``code`` is stable, ``message`` is for the person."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class OidcConfig:
    """The relying party: ``FOLLOWTHROUGH_OIDC_ISSUER``, ``_CLIENT_ID``, ``_CLIENT_SECRET``,
    ``_SCOPES`` (default ``openid email profile``) and ``_GROUPS_CLAIM`` (default ``groups``)."""

    issuer: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    scopes: str = DEFAULT_SCOPES
    groups_claim: str = DEFAULT_GROUPS_CLAIM
    leeway_seconds: int = 60

    @property
    def scope_list(self) -> list[str]:
        """The scopes to ask for; ``openid`` is added when missing (without it there is no ID
        token)."""
        names = [s for s in self.scopes.replace(",", " ").split() if s]
        return names if "openid" in names else ["openid", *names]


@dataclass(frozen=True)
class PendingSignIn:
    """What the browser carries between leaving for the provider and coming back."""

    state: str
    nonce: str
    code_verifier: str = field(repr=False)
    redirect_uri: str
    next: str = "/"

    def to_dict(self) -> dict[str, str]:
        return {
            "state": self.state,
            "nonce": self.nonce,
            "code_verifier": self.code_verifier,
            "redirect_uri": self.redirect_uri,
            "next": self.next,
        }

    @classmethod
    def from_dict(cls, data: object) -> PendingSignIn | None:
        """The pending sign-in from its cookie payload, or None when it is not one."""
        if not isinstance(data, dict):
            return None
        keys = ("state", "nonce", "code_verifier", "redirect_uri", "next")
        if not all(isinstance(data.get(k), str) and data.get(k) for k in keys):
            return None
        return cls(**{k: data[k] for k in keys})


@dataclass(frozen=True)
class OidcIdentity:
    """The signed-in person: a verified email, a display name, groups and the provider's subject."""

    email: str
    name: str | None
    groups: tuple[str, ...]
    subject: str


def clip(text: object, limit: int = MAX_ERROR_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters: what an error message may quote."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"
