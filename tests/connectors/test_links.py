"""Signed review links (connectors.links): bound to one review (and, per person, to its recipient
and role), tamper-proof, expiring."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import SimpleNamespace

import itsdangerous
import pytest

from connectors.links import (
    LINK_MAX_AGE_SECONDS,
    LinkRefused,
    LinkSecretMissing,
    link_secret,
    read_link_token,
    sign_person_link,
    sign_person_token,
    sign_review_link,
    sign_review_token,
    verify_review_token,
)

SECRET = "a-session-secret-for-links"
DAY = 86400


def signed_ago(seconds: float, sign: Callable[[], str]) -> str:
    """The token ``sign`` makes, as if signed ``seconds`` ago."""
    signed_at = time.time() - seconds
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("itsdangerous.timed.time", SimpleNamespace(time=lambda: signed_at))
        return sign()


def review_token(incident_id: str) -> Callable[[], str]:
    return lambda: sign_review_token(incident_id, SECRET)


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
    token = signed_ago(LINK_MAX_AGE_SECONDS + 60, review_token("PT4KHLK"))
    assert not verify_review_token(token, "PT4KHLK", SECRET)


def test_token_within_its_max_age_is_accepted() -> None:
    token = signed_ago(LINK_MAX_AGE_SECONDS - 3600, review_token("PT4KHLK"))
    assert verify_review_token(token, "PT4KHLK", SECRET)


def test_shorter_max_age_is_honoured() -> None:
    token = signed_ago(120, review_token("PT4KHLK"))
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


# -- per-recipient, per-role links --------------------------------------------------------


def test_a_link_carries_its_review_recipient_role_and_signing_time() -> None:
    before = int(time.time())
    link = sign_person_link(
        "https://ft.example.com/", "P1", "Rui@Example.com", "contributor", SECRET
    )
    assert link.startswith("https://ft.example.com/reviews/P1?t=")
    claim = read_link_token(link.split("?t=")[1], SECRET, 14 * DAY)
    assert (claim.incident_id, claim.recipient, claim.role) == (
        "P1",
        "rui@example.com",
        "contributor",
    )
    assert before <= claim.issued_at.timestamp() <= time.time()


def test_a_link_past_its_age_is_refused_as_expired() -> None:
    token = signed_ago(
        15 * DAY, lambda: sign_person_token("P1", "rui@example.com", "viewer", SECRET)
    )
    with pytest.raises(LinkRefused) as refused:
        read_link_token(token, SECRET, 14 * DAY)
    assert refused.value.code == "link_expired"


@pytest.mark.parametrize("change", ["flip", "other-key", "junk"])
def test_an_altered_or_foreign_link_is_refused_as_invalid(change: str) -> None:
    token = sign_person_token("P1", "rui@example.com", "viewer", SECRET)
    if change == "flip":
        token = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    elif change == "other-key":
        token = sign_person_token("P1", "rui@example.com", "viewer", "another-secret")
    else:
        token = "not-a-token"
    with pytest.raises(LinkRefused) as refused:
        read_link_token(token, SECRET, 14 * DAY)
    assert refused.value.code == "link_invalid"


def test_a_link_cannot_carry_the_admin_role() -> None:
    with pytest.raises(ValueError, match="role"):
        sign_person_token("P1", "ada@example.com", "admin", SECRET)


def test_a_link_of_version_0_1_opens_its_review_as_a_viewer_without_a_recipient() -> None:
    claim = read_link_token(sign_review_token("P1", SECRET), SECRET, 14 * DAY)
    assert (claim.incident_id, claim.recipient, claim.role) == ("P1", None, "viewer")
