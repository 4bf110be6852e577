"""Signed review links: the link in an email opens one review, for a limited time, without a login.

A link is ``<base_url>/reviews/<incident id>?t=<token>``. Since 0.2 the token is an itsdangerous
``URLSafeTimedSerializer`` signature (salt ``review-link-v2``) of
``{"r": <incident id>, "to": <recipient email>, "role": facilitator|contributor|viewer}``: bound
to one review, one person and one role, tamper-proof, and timestamped, so it expires after the
policy's ``links.max_age`` (default 14 days, checked by the API). A facilitator revokes a review's
links by recording when: links signed until then are refused (the review keeps the moment, so the
mail of item workflows needs to know nothing). The web page that receives a valid token turns it into a session for that review and
redirects to the clean URL, so the token does not linger in the browser history.

Links of 0.1 (salt ``review-link``, ``{"review": <incident id>}``, no recipient) still open their
review, as a viewer only (:func:`read_link_token`), so mail already sent keeps working without
the facilitator rights it used to carry.

The signing key is :func:`link_secret`: ``FOLLOWTHROUGH_SESSION_SECRET`` when set, otherwise a key
derived from the API token with HMAC-SHA256 (the token itself never signs anything, and rotating
either value invalidates every link and session).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

__all__ = [
    "LINK_MAX_AGE_SECONDS",
    "LINK_ROLES",
    "LINK_SALT",
    "PERSON_LINK_SALT",
    "LinkClaim",
    "LinkRefused",
    "LinkSecretMissing",
    "link_secret",
    "read_link_token",
    "sign_person_link",
    "sign_person_token",
    "sign_review_link",
    "sign_review_token",
    "verify_review_token",
]

LINK_SALT = "review-link"
PERSON_LINK_SALT = "review-link-v2"
LINK_MAX_AGE_SECONDS = 60 * 86400
#: Roles a link may carry (never admin: an admin signs in).
LINK_ROLES = ("facilitator", "contributor", "viewer")
MAX_LINK_TOKEN_CHARS = 2048
MAX_RECIPIENT_CHARS = 320
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


# --- per-recipient, per-role links (0.2) ------------------------------------------------------------


@dataclass(frozen=True)
class LinkClaim:
    """What a valid link says: the review, the person, the role and when it was signed.

    ``recipient`` is None only for a 0.1 link (then ``role`` is ``viewer``).
    """

    incident_id: str
    recipient: str | None
    role: str
    issued_at: datetime


class LinkRefused(ValueError):
    """A link that opens nothing; ``code`` is ``link_invalid`` or ``link_expired``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def sign_person_token(incident_id: str, recipient: str, role: str, secret: str) -> str:
    """The token of a link to one review for one person with one role.

    Raises:
        ValueError: for a role other than :data:`LINK_ROLES` or an empty recipient.
    """
    if role not in LINK_ROLES:
        raise ValueError(f"a link's role is one of {', '.join(LINK_ROLES)}, not {role!r}")
    person = recipient.strip().lower()
    if not person or len(person) > MAX_RECIPIENT_CHARS:
        raise ValueError("a link needs its recipient's email")
    payload = {"r": incident_id, "to": person, "role": role}
    token: str = URLSafeTimedSerializer(secret, salt=PERSON_LINK_SALT).dumps(payload)
    return token


def sign_person_link(
    base_url: str, incident_id: str, recipient: str, role: str, secret: str
) -> str:
    """``<base_url>/reviews/<incident id>?t=<token>`` for one person and role (see above)."""
    token = sign_person_token(incident_id, recipient, role, secret)
    return f"{base_url.rstrip('/')}/reviews/{quote(incident_id, safe='')}?t={token}"


def _claim(data: Any, issued_at: datetime) -> LinkClaim | None:
    if not isinstance(data, dict):
        return None
    review, person, role = data.get("r"), data.get("to"), data.get("role")
    if not (isinstance(review, str) and isinstance(person, str) and person):
        return None
    if role not in LINK_ROLES:
        return None
    return LinkClaim(review, person, str(role), issued_at)


def read_link_token(token: str, secret: str, max_age_seconds: int) -> LinkClaim:
    """What a link token says, once its signature and age hold.

    The caller still checks that the claim's review is the one opened and that it was signed
    after the review's links were last revoked.

    Raises:
        LinkRefused: ``link_expired`` for a genuine link older than ``max_age_seconds``,
            ``link_invalid`` for anything altered, malformed or signed with another key.
    """
    if not token or not secret or len(token) > MAX_LINK_TOKEN_CHARS:
        raise LinkRefused("link_invalid", "This link is not a Followthrough review link.")
    for salt in (PERSON_LINK_SALT, LINK_SALT):
        serializer = URLSafeTimedSerializer(secret, salt=salt)
        try:
            data, issued_at = serializer.loads(
                token, max_age=max_age_seconds, return_timestamp=True
            )
        except SignatureExpired as exc:
            raise LinkRefused("link_expired", "This link has expired.") from exc
        except BadData:
            continue
        if salt == LINK_SALT:
            review = data.get("review") if isinstance(data, dict) else None
            if isinstance(review, str):
                return LinkClaim(review, None, "viewer", issued_at)
            break
        claim = _claim(data, issued_at)
        if claim is not None:
            return claim
        break
    raise LinkRefused("link_invalid", "This link is not a valid Followthrough review link.")
