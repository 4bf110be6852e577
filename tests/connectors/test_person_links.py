"""Per-recipient, per-role review links (connectors.links): bound, tamper-proof, expiring."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from connectors.links import (
    LinkRefused,
    read_link_token,
    sign_person_link,
    sign_person_token,
    sign_review_token,
)

SECRET = "a-session-secret-for-links"
DAY = 86400


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
    signed_at = time.time() - 15 * DAY
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("itsdangerous.timed.time", SimpleNamespace(time=lambda: signed_at))
        token = sign_person_token("P1", "rui@example.com", "viewer", SECRET)
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
