"""Web sessions (api.pages.session): expiry, and the JSON API with a session cookie.

The app runs in process (httpx's ASGI transport) on a real Temporal dev server and worker.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import itsdangerous
import pytest

from api.pages import session as pages_auth
from connectors.links import sign_review_token
from tests.support.site import (
    SESSION_SECRET,
    Site,
    meta_csrf,
)


async def test_api_without_token_or_session_is_refused(site: Site) -> None:
    async with site.browser() as browser:
        response = await browser.post("/api/lint", json={"text": "careless"})
    assert response.status_code == 401


async def test_expired_session_cookie_is_refused(site: Site) -> None:
    serializer = itsdangerous.URLSafeTimedSerializer(SESSION_SECRET, salt=pages_auth.SESSION_SALT)
    signed_at = time.time() - pages_auth.SESSION_MAX_AGE_SECONDS - 60
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("itsdangerous.timed.time", SimpleNamespace(time=lambda: signed_at))
        stale = serializer.dumps({"sid": "old", "reviews": None})
    async with site.browser() as browser:
        browser.cookies.set(pages_auth.SESSION_COOKIE, stale, domain="review.test")
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
        assert (await browser.get(f"/api/reviews/{site.second}")).status_code == 401
        assert (await browser.get("/api/reviews")).status_code == 401


async def test_api_post_with_a_session_cookie_needs_the_csrf_header(site: Site) -> None:
    async with site.signed_in() as browser:
        response = await browser.post("/api/lint", json={"text": "He was careless."})
    assert response.status_code == 401
