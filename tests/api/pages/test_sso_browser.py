"""Headless Chromium signs in through the real OpenID Connect provider (npm oidc-provider), and
signing out ends the session for a second browser context holding the same cookie.

The app is served by uvicorn on a free 127.0.0.1 port, on the module's Temporal dev server and
worker (the ``site`` fixture); Debian's ``/usr/bin/chromium`` is driven by Playwright (never its
own browser download).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from pydantic import SecretStr

from api.app import create_app
from tests.fakes.oidc_provider import USERS, OidcProvider
from tests.support.browser import chromium, need_chromium, new_context, served
from tests.support.ports import free_port
from tests.support.site import Site
from workflows.policy import Policy

need_chromium()

from playwright._impl._api_structures import SetCookieParam  # noqa: E402
from playwright.async_api import Browser, BrowserContext, expect  # noqa: E402

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def sso_base(site: Site, oidc_provider: OidcProvider) -> AsyncIterator[str]:
    """The app with single sign-on configured, served on a free port; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    registered = oidc_provider.register_client([f"{base}/auth/callback"])
    settings = site.settings.model_copy(
        update={
            "public_url": base,
            "oidc_issuer": oidc_provider.issuer,
            "oidc_client_id": registered.client_id,
            "oidc_client_secret": SecretStr(registered.client_secret),
        }
    )
    async with served(create_app(settings, site.env.client, Policy()), port) as served_base:
        yield served_base


@pytest_asyncio.fixture(loop_scope="session", scope="module", name="chromium")
async def chromium_browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


async def signed_in_context(browser: Browser, base: str, review: str, user: str) -> BrowserContext:
    """A fresh context that opened ``review``, was sent to sign in, and signed in as ``user`` at
    the provider's own login form."""
    context = await new_context(browser)
    page = await context.new_page()
    await page.goto(f"{base}/reviews/{review}")
    assert "/login" in page.url
    await page.click("#sso")
    await page.wait_for_selector("#login")
    await page.fill("#login", user)
    await page.fill("#password", USERS[user].password)
    await page.click("#submit")
    await page.wait_for_url(f"{base}/reviews/{review}")
    return context


async def test_chromium_signs_in_through_the_provider_as_the_verified_email(
    chromium: Browser, sso_base: str, site: Site
) -> None:
    context = await signed_in_context(chromium, sso_base, site.first, "fay")
    page = context.pages[0]
    await expect(page.locator("[data-testid=signed-in-as]")).to_contain_text("fay@example.com")
    # Not this review's facilitator (the policy's default is): a viewer, told why.
    await expect(page.locator("[data-testid=publish-refused]")).to_contain_text(
        "needs the facilitator role"
    )
    await context.close()


async def test_an_unverified_email_is_refused_on_the_page(chromium: Browser, sso_base: str) -> None:
    context = await new_context(chromium)
    page = await context.new_page()
    await page.goto(f"{sso_base}/login")
    await page.click("#sso")
    await page.fill("#login", "una")
    await page.fill("#password", USERS["una"].password)
    await page.click("#submit")
    await expect(page.locator("#login-error")).to_contain_text("not verified")
    await context.close()


async def test_signing_out_ends_the_session_for_another_context_with_the_same_cookie(
    chromium: Browser, sso_base: str, site: Site
) -> None:
    first = await signed_in_context(chromium, sso_base, site.first, "rui")
    second = await new_context(chromium)
    copied = [
        SetCookieParam(name=c["name"], value=c["value"], url=sso_base)
        for c in await first.cookies(sso_base)
    ]
    await second.add_cookies(copied)
    other = await second.new_page()
    await other.goto(f"{sso_base}/reviews/{site.first}")
    await expect(other.locator("[data-testid=signed-in-as]")).to_contain_text("rui@example.com")

    await first.pages[0].click("text=Sign out")
    await first.pages[0].wait_for_url(f"{sso_base}/login")

    await other.goto(f"{sso_base}/reviews/{site.first}")
    assert "/login" in other.url
    await first.close()
    await second.close()
