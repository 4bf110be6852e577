"""Signed review links (connectors.links): bound to one review, tamper-proof, expiring."""

from __future__ import annotations

import time
from types import SimpleNamespace

import itsdangerous
import pytest

from connectors.links import (
    LINK_MAX_AGE_SECONDS,
    LinkSecretMissing,
    link_secret,
    sign_review_link,
    sign_review_token,
    verify_review_token,
)

SECRET = "a-session-secret-for-links"


def signed_ago(incident_id: str, seconds: float) -> str:
    signed_at = time.time() - seconds
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("itsdangerous.timed.time", SimpleNamespace(time=lambda: signed_at))
        return sign_review_token(incident_id, SECRET)


def test_token_is_the_documented_itsdangerous_signature() -> None:
    token = sign_review_token("PT4KHLK", SECRET)
    serializer = itsdangerous.URLSafeTimedSerializer(SECRET, salt="review-link")
    assert serializer.loads(token) == {"review": "PT4KHLK"}


def test_token_for_another_review_is_refused() -> None:
    assert not verify_review_token(sign_review_token("PAAAAAA", SECRET), "PBBBBBB", SECRET)


def test_tampered_token_is_refused() -> None:
    token = sign_review_token("PT4KHLK", SECRET)
    # Change a character well inside the signature: the last base64 character also carries
    # padding bits a decoder may ignore, so flipping it does not always change the signature.
    at = len(token) - 10
    flipped = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]
    assert not verify_review_token(flipped, "PT4KHLK", SECRET)


def test_token_signed_with_another_secret_is_refused() -> None:
    assert not verify_review_token(sign_review_token("PT4KHLK", "other"), "PT4KHLK", SECRET)


def test_expired_token_is_refused() -> None:
    token = signed_ago("PT4KHLK", LINK_MAX_AGE_SECONDS + 60)
    assert not verify_review_token(token, "PT4KHLK", SECRET)


def test_token_within_its_max_age_is_accepted() -> None:
    token = signed_ago("PT4KHLK", LINK_MAX_AGE_SECONDS - 3600)
    assert verify_review_token(token, "PT4KHLK", SECRET)


def test_shorter_max_age_is_honoured() -> None:
    token = signed_ago("PT4KHLK", 120)
    assert not verify_review_token(token, "PT4KHLK", SECRET, max_age_seconds=60)


@pytest.mark.parametrize("junk", ["", "not-a-token", "a.b.c", "\u00e9\u00e9\u00e9"])
def test_malformed_token_is_refused_without_raising(junk: str) -> None:
    assert not verify_review_token(junk, "PT4KHLK", SECRET)


def test_session_secret_is_used_as_the_link_secret_when_set() -> None:
    assert link_secret("the-session-secret", "the-api-token") == "the-session-secret"


def test_link_secret_is_derived_from_the_api_token_without_revealing_it() -> None:
    derived = link_secret(None, "the-api-token")
    assert derived == link_secret(None, "the-api-token")
    assert derived != link_secret(None, "another-api-token")
    assert "the-api-token" not in derived


def test_link_secret_needs_a_session_secret_or_an_api_token() -> None:
    with pytest.raises(LinkSecretMissing):
        link_secret(None, None)


def test_link_opens_the_review_page_with_a_token() -> None:
    link = sign_review_link("https://ft.example.com/", "PT4KHLK", SECRET)
    prefix = "https://ft.example.com/reviews/PT4KHLK?t="
    assert link.startswith(prefix)
    assert verify_review_token(link.removeprefix(prefix), "PT4KHLK", SECRET)
