"""Signed review links: the link in an email opens one review, for a limited time, without a login.

A link is ``<base_url>/reviews/<incident id>?t=<token>``; the token is an itsdangerous
``URLSafeTimedSerializer`` signature of ``{"review": <incident id>}`` with the salt
``review-link``, so it is bound to that review, cannot be altered, and expires (60 days by
default). The web page that receives a valid token turns it into a session cookie scoped to that
review and redirects to the clean URL, so the token does not linger in the browser history.

The signing key is :func:`link_secret`: ``FOLLOWTHROUGH_SESSION_SECRET`` when set, otherwise a key
derived from the API token with HMAC-SHA256 (the token itself never signs anything, and rotating
either value invalidates every link and session).
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote

from itsdangerous import BadData, URLSafeTimedSerializer

__all__ = [
    "LINK_MAX_AGE_SECONDS",
    "LINK_SALT",
    "LinkSecretMissing",
    "link_secret",
    "sign_review_link",
    "sign_review_token",
    "verify_review_token",
]

LINK_SALT = "review-link"
LINK_MAX_AGE_SECONDS = 60 * 86400
_DERIVATION_LABEL = b"followthrough web session and review links v1"


class LinkSecretMissing(ValueError):
    """Neither a session secret nor an API token is configured, so nothing can be signed."""


def link_secret(session_secret: str | None, api_token: str | None = None) -> str:
    """The key that signs web sessions and review links.

    Args:
        session_secret: ``FOLLOWTHROUGH_SESSION_SECRET``; used as is when set.
        api_token: ``FOLLOWTHROUGH_API_TOKEN``; when there is no session secret the key is
            ``HMAC-SHA256(api_token, label)``, so the token cannot be recovered from a signature.

    Raises:
        LinkSecretMissing: when both are empty.
    """
    if session_secret:
        return session_secret
    if api_token:
        return hmac.new(api_token.encode(), _DERIVATION_LABEL, hashlib.sha256).hexdigest()
    raise LinkSecretMissing(
        "set FOLLOWTHROUGH_SESSION_SECRET or FOLLOWTHROUGH_API_TOKEN to sign review links"
    )


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=LINK_SALT)


def sign_review_token(incident_id: str, secret: str) -> str:
    """The token of a link to one review (valid for :data:`LINK_MAX_AGE_SECONDS` by default)."""
    token: str = _serializer(secret).dumps({"review": incident_id})
    return token


def sign_review_link(base_url: str, incident_id: str, secret: str) -> str:
    """``<base_url>/reviews/<incident id>?t=<token>``: opens that review, and only that one."""
    token = sign_review_token(incident_id, secret)
    return f"{base_url.rstrip('/')}/reviews/{quote(incident_id, safe='')}?t={token}"


def verify_review_token(
    token: str, incident_id: str, secret: str, max_age_seconds: int = LINK_MAX_AGE_SECONDS
) -> bool:
    """True when ``token`` was signed with ``secret`` for ``incident_id`` and has not expired.

    False (never an exception) for an expired, altered or malformed token, or one for another
    review.
    """
    if not token or not secret:
        return False
    try:
        data = _serializer(secret).loads(token, max_age=max_age_seconds)
    except BadData:
        return False
    return isinstance(data, dict) and data.get("review") == incident_id
