"""Named, scoped API tokens, stored only as hashes.

``FOLLOWTHROUGH_API_TOKENS`` lists tokens as comma-separated entries ``name:scope:sha256:<hex>``,
for example ``ci:read:sha256:9f86d0...``: the token's name (what the audit trail shows), its scope
(``read``, ``write`` or ``admin``, see :mod:`api.identity.roles`) and the SHA-256 of the token. The
token itself is shown once, by ``followthrough token new --name ci --scope read``, and stored
nowhere. A plain SHA-256 is the right hash here: tokens are 256 random bits, so there is nothing to
guess that a slow password hash would protect (the same reasoning as GitHub's token storage).

The single ``FOLLOWTHROUGH_API_TOKEN`` keeps working as an admin token named ``api-token``.
Comparison is constant-time; a lookup hashes once and compares against every entry (linear in the
number of tokens, which is small).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from api.identity.roles import Scope

__all__ = [
    "HASH_SCHEME",
    "LEGACY_TOKEN_NAME",
    "MAX_TOKENS",
    "MAX_TOKEN_LENGTH",
    "NAME_PATTERN",
    "TOKEN_PREFIX",
    "MatchedToken",
    "TokenConfigError",
    "TokenEntry",
    "digest",
    "match_token",
    "new_token",
    "parse_tokens",
    "token_new_text",
    "with_entry",
]

TOKEN_PREFIX = "ftk_"  # noqa: S105 (a name, not a secret)
LEGACY_TOKEN_NAME = "api-token"  # noqa: S105 (a name, not a secret)
HASH_SCHEME = "sha256"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
MAX_TOKENS = 200
MAX_TOKEN_LENGTH = 512


class TokenConfigError(ValueError):
    """``FOLLOWTHROUGH_API_TOKENS`` cannot be read; the message names the entry, never a value."""


@dataclass(frozen=True)
class TokenEntry:
    """One configured token: its name, scope and hash (hex SHA-256)."""

    name: str
    scope: Scope
    digest: str

    @property
    def line(self) -> str:
        """The entry as ``FOLLOWTHROUGH_API_TOKENS`` holds it."""
        return f"{self.name}:{self.scope.value}:{HASH_SCHEME}:{self.digest}"


@dataclass(frozen=True)
class MatchedToken:
    """Who a presented token is: its name and scope; ``legacy`` for FOLLOWTHROUGH_API_TOKEN."""

    name: str
    scope: Scope
    legacy: bool = False


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_tokens(raw: str | None) -> tuple[TokenEntry, ...]:
    """Read ``FOLLOWTHROUGH_API_TOKENS``. Raises :class:`TokenConfigError` naming the bad entry."""
    if not raw or not raw.strip():
        return ()
    entries: list[TokenEntry] = []
    seen: set[str] = set()
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) > MAX_TOKENS:
        raise TokenConfigError(f"at most {MAX_TOKENS} tokens, found {len(parts)}")
    for position, part in enumerate(parts, start=1):
        fields = part.split(":")
        where = f"entry {position}"
        if len(fields) != 4:
            raise TokenConfigError(
                f"{where}: expected name:scope:sha256:<hex> (from `followthrough token new`)"
            )
        name, scope, scheme, hexdigest = fields
        if not NAME_PATTERN.match(name):
            raise TokenConfigError(
                f"{where}: the name must be 1-40 of a-z, 0-9, '.', '_', '-' (lower case)"
            )
        if name in seen or name == LEGACY_TOKEN_NAME:
            raise TokenConfigError(f"{where}: the name {name!r} is used twice or reserved")
        try:
            parsed_scope = Scope(scope)
        except ValueError:
            raise TokenConfigError(
                f"{where} ({name}): the scope must be read, write or admin"
            ) from None
        if scheme != HASH_SCHEME or not re.fullmatch(r"[0-9a-f]{64}", hexdigest):
            raise TokenConfigError(f"{where} ({name}): the hash must be sha256:<64 hex digits>")
        seen.add(name)
        entries.append(TokenEntry(name, parsed_scope, hexdigest))
    return tuple(entries)


def match_token(
    given: str | None, entries: Iterable[TokenEntry], legacy: str | None = None
) -> MatchedToken | None:
    """The token ``given`` is, or None. Every comparison runs, so timing tells nothing."""
    if not given or len(given) > MAX_TOKEN_LENGTH:
        return None
    found: MatchedToken | None = None
    if legacy and hmac.compare_digest(given.encode(), legacy.encode()):
        found = MatchedToken(LEGACY_TOKEN_NAME, Scope.ADMIN, legacy=True)
    presented = digest(given)
    for entry in entries:
        if hmac.compare_digest(presented, entry.digest) and found is None:
            found = MatchedToken(entry.name, entry.scope)
    return found


def new_token(name: str, scope: Scope | str) -> tuple[str, TokenEntry]:
    """A fresh token and its entry. Raises :class:`TokenConfigError` for a bad name or scope."""
    if not NAME_PATTERN.match(name) or name == LEGACY_TOKEN_NAME:
        raise TokenConfigError(
            f"the name {name!r} must be 1-40 of a-z, 0-9, '.', '_', '-' and not {LEGACY_TOKEN_NAME!r}"
        )
    try:
        parsed = Scope(scope)
    except ValueError:
        raise TokenConfigError(f"the scope {scope!r} must be read, write or admin") from None
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, TokenEntry(name, parsed, digest(token))


def with_entry(existing: str | None, entry: TokenEntry) -> str:
    """``FOLLOWTHROUGH_API_TOKENS`` with ``entry`` added (replacing a token of the same name)."""
    kept = [e for e in parse_tokens(existing) if e.name != entry.name]
    return ",".join(e.line for e in [*kept, entry])


def token_new_text(name: str, scope: str, existing: str | None) -> str:
    """What ``followthrough token new`` prints: the token (shown once) and the new setting."""
    token, entry = new_token(name, scope)
    return (
        f"Token {entry.name} ({entry.scope.value}), shown once; give it to its user:\n\n"
        f"  {token}\n\n"
        "Set this in the environment of the API (it holds only hashes):\n\n"
        f"  FOLLOWTHROUGH_API_TOKENS={with_entry(existing, entry)}\n"
    )
