"""Signing in and out (api.pages.login): the token, the login form's CSRF, the cookie.

The app runs in process (httpx's ASGI transport) on a real Temporal dev server and worker.
"""

from __future__ import annotations

from api.pages import session as pages_auth
from tests.support.site import (
    API_TOKEN,
    Site,
    meta_csrf,
    sign_in,
)


async def test_wrong_token_at_login_is_refused_without_a_session(site: Site) -> None:
    async with site.browser() as browser:
        response = await sign_in(browser, "not-the-token")
        assert response.status_code == 401
        assert "That token is not right" in response.text
        assert pages_auth.SESSION_COOKIE not in response.cookies
        assert (await browser.get("/")).status_code == 303


async def test_login_without_the_form_token_is_refused(site: Site) -> None:
    async with site.browser() as browser:
        response = await browser.post("/login", data={"token": API_TOKEN, "next": "/"})
    assert response.status_code == 403
    assert pages_auth.SESSION_COOKIE not in response.cookies


async def test_valid_login_sets_an_httponly_samesite_lax_expiring_cookie(site: Site) -> None:
    async with site.browser() as browser:
        response = await sign_in(browser, API_TOKEN, next_path=f"/reviews/{site.first}")
    assert response.status_code == 303
    assert response.headers["location"] == f"/reviews/{site.first}"
    cookie = next(
        v for v in response.headers.get_list("set-cookie") if v.startswith("followthrough_session=")
    )
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite", "max-age", "path"} <= attributes
    assert "samesite=lax" in cookie.lower()
    assert f"max-age={site.settings.session_absolute_seconds}" in cookie.lower()
    assert "secure" not in attributes  # http base URL


async def test_session_cookie_is_secure_when_the_base_url_is_https(site: Site) -> None:
    https = site.settings.model_copy(update={"public_url": "https://review.test"})
    async with site.browser(https) as browser:
        response = await sign_in(browser, API_TOKEN)
    cookie = next(
        v for v in response.headers.get_list("set-cookie") if v.startswith("followthrough_session=")
    )
    assert "secure" in cookie.lower()


async def test_login_never_redirects_off_site(site: Site) -> None:
    async with site.browser() as browser:
        response = await sign_in(browser, API_TOKEN, next_path="//evil.example/")
    assert response.headers["location"] == "/"


async def test_login_page_sends_a_signed_in_browser_on(site: Site) -> None:
    async with site.signed_in() as browser:
        response = await browser.get("/login", params={"next": f"/reviews/{site.first}"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/reviews/{site.first}"


async def test_logout_ends_the_session(site: Site) -> None:
    async with site.signed_in() as browser:
        page = await browser.get("/")
        response = await browser.post("/logout", data={"csrf": meta_csrf(page.text)})
        assert response.status_code == 303
        assert (await browser.get("/")).status_code == 303
