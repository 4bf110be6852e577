"""Emailed links over the API and the pages: each opens one review for one person with one role.

A contributor link cannot publish or override; a viewer link cannot write; a link for review A does
nothing on review B; a revoked link answers 401 ``link_revoked``; an expired one is refused.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from connectors.links import sign_person_token
from tests.support.pages import GOOD_WHYS
from tests.support.site import Site, meta_csrf

pytestmark = pytest.mark.asyncio(loop_scope="session")

FIVE_WHYS = {
    "symptom": "Checkout returned 503 for 40 minutes.",
    "whys": GOOD_WHYS,
    "root_causes": [
        {"id": "rc1", "category": "tooling", "statement": "Pools default to unbounded."}
    ],
}


def token_for(site: Site, incident_id: str, recipient: str, role: str) -> str:
    key = site.settings.signing_key
    assert key is not None
    return sign_person_token(incident_id, recipient, role, key)


async def open_link(http: httpx.AsyncClient, incident_id: str, token: str) -> str:
    """Open the emailed link; returns the page's CSRF token for the JSON calls."""
    landed = await http.get(f"/reviews/{incident_id}", params={"t": token})
    assert landed.status_code == 303, landed.text
    page = await http.get(f"/reviews/{incident_id}")
    assert page.status_code == 200, page.text
    return meta_csrf(page.text)


async def call(
    http: httpx.AsyncClient, csrf: str, method: str, path: str, json: Any = None
) -> httpx.Response:
    return await http.request(method, path, json=json, headers={"X-CSRF-Token": csrf})


def refused(answer: httpx.Response, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.json()["errors"][0]["code"] == code


async def revision(http: httpx.AsyncClient, csrf: str, incident_id: str) -> int:
    return int((await call(http, csrf, "GET", f"/api/reviews/{incident_id}")).json()["revision"])


async def test_a_contributor_link_edits_but_cannot_publish_or_override(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.browser() as http:
        csrf = await open_link(
            http, incident_id, token_for(site, incident_id, "alice@example.com", "contributor")
        )
        saved = await call(http, csrf, "PUT", f"/api/reviews/{incident_id}/five-whys", FIVE_WHYS)
        assert saved.status_code == 200, saved.text
        before = await revision(http, csrf, incident_id)
        for body in ({}, {"blame_override": "It reads fine."}):
            answer = await call(http, csrf, "POST", f"/api/reviews/{incident_id}/publish", body)
            refused(answer, 403, "forbidden")
        assert await revision(http, csrf, incident_id) == before
        audit = (await call(http, csrf, "GET", f"/api/reviews/{incident_id}/audit")).json()
    actor = audit["entries"][-1]["actor"]
    assert (actor["name"], actor["via"], actor["role"]) == (
        "alice@example.com",
        "link",
        "contributor",
    )


async def test_a_viewer_link_cannot_write(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.browser() as http:
        csrf = await open_link(
            http, incident_id, token_for(site, incident_id, "vp@example.com", "viewer")
        )
        before = await revision(http, csrf, incident_id)
        answer = await call(http, csrf, "PUT", f"/api/reviews/{incident_id}/five-whys", FIVE_WHYS)
        refused(answer, 403, "forbidden")
        assert await revision(http, csrf, incident_id) == before


async def test_a_facilitator_link_for_someone_who_is_not_the_facilitator_acts_as_what_they_are(
    site: Site,
) -> None:
    incident_id = await site.new_review()
    async with site.browser() as http:
        token = token_for(site, incident_id, "mallory@example.com", "facilitator")
        csrf = await open_link(http, incident_id, token)
        answer = await call(http, csrf, "PUT", f"/api/reviews/{incident_id}/five-whys", FIVE_WHYS)
        refused(answer, 403, "forbidden")


async def test_a_link_for_one_review_does_nothing_on_another(site: Site) -> None:
    first, second = site.first, site.second
    async with site.browser() as http:
        csrf = await open_link(
            http, first, token_for(site, first, "facilitator@example.com", "facilitator")
        )
        refused(await call(http, csrf, "GET", f"/api/reviews/{second}"), 403, "forbidden")
        answer = await call(http, csrf, "PUT", f"/api/reviews/{second}/five-whys", FIVE_WHYS)
        refused(answer, 403, "forbidden")
        assert (await http.get(f"/reviews/{second}")).status_code == 403
        assert (await http.get("/api/reviews", headers={"X-CSRF-Token": csrf})).status_code == 403


async def test_a_revoked_link_answers_link_revoked(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.browser() as holder, site.browser() as facilitator:
        token = token_for(site, incident_id, "alice@example.com", "contributor")
        csrf = await open_link(holder, incident_id, token)
        fcsrf = await open_link(
            facilitator,
            incident_id,
            token_for(site, incident_id, "facilitator@example.com", "facilitator"),
        )
        revoked = await call(facilitator, fcsrf, "POST", f"/api/reviews/{incident_id}/links/revoke")
        assert revoked.status_code == 200, revoked.text
        refused(await call(holder, csrf, "GET", f"/api/reviews/{incident_id}"), 401, "link_revoked")
        async with site.browser() as fresh:
            again = await fresh.get(
                f"/reviews/{incident_id}", params={"t": token}, follow_redirects=True
            )
        assert again.status_code == 401
        assert "/login" in again.text


async def test_an_expired_link_is_refused(site: Site) -> None:
    incident_id = site.first
    signed_at = time.time() - 15 * 86400
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("itsdangerous.timed.time", SimpleNamespace(time=lambda: signed_at))
        token = token_for(site, incident_id, "alice@example.com", "contributor")
    async with site.browser() as http:
        answer = await http.get(f"/reviews/{incident_id}", params={"t": token})
    assert answer.status_code == 401
    assert "expired" in answer.text
