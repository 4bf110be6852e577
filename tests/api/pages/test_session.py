"""Web sessions (api.pages.session): expiry, and the JSON API with a session cookie.

The app runs in process (httpx's ASGI transport) on a real Temporal dev server and worker.
"""

from __future__ import annotations

import itsdangerous

from api.identity.access import SESSION_COOKIE, SESSION_SALT
from connectors.links import sign_review_token
from tests.support.site import SESSION_SECRET, Site, meta_csrf


async def test_api_without_token_or_session_is_refused(site: Site) -> None:
    async with site.browser() as browser:
        response = await browser.post("/api/lint", json={"text": "careless"})
    assert response.status_code == 401


async def test_a_signed_cookie_of_no_live_session_is_sent_to_sign_in(site: Site) -> None:
    key = site.settings.signing_key
    assert key is not None
    forged = itsdangerous.URLSafeSerializer(key, salt=SESSION_SALT).dumps("not-a-session")
    async with site.browser() as browser:
        browser.cookies.set(SESSION_COOKIE, forged, domain="review.test")
        response = await browser.get("/")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_scoped_session_may_lint_and_read_only_its_own_review_through_the_api(
    site: Site,
) -> None:
    token = sign_review_token(site.first, SESSION_SECRET)
    async with site.browser() as browser:
        await browser.get(f"/reviews/{site.first}", params={"t": token})
        csrf = meta_csrf((await browser.get(f"/reviews/{site.first}")).text)
        lint = await browser.post(
            "/api/lint", json={"text": "He was careless."}, headers={"X-CSRF-Token": csrf}
        )
        assert lint.status_code == 200
        assert lint.json()["findings"]
        assert (await browser.get(f"/api/reviews/{site.first}")).status_code == 200
        assert (await browser.get(f"/api/reviews/{site.second}")).status_code == 403
        assert (await browser.get("/api/reviews")).status_code == 403


async def test_api_post_with_a_session_cookie_needs_the_csrf_header(site: Site) -> None:
    async with site.signed_in() as browser:
        response = await browser.post("/api/lint", json={"text": "He was careless."})
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "csrf_invalid"
