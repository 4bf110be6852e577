"""The review pages in headless Chromium: the room left in every limited text and list changes as
you type (static/app.js, under the strict CSP), and what went well is edited and removed on the
page.

The app is served by uvicorn on a free 127.0.0.1 port, on the module's Temporal dev server and
worker (the ``site`` fixture); Chromium is the one launcher of tests/support/browser.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from api.app import create_app
from tests.support.browser import chromium, need_chromium, new_page, served
from tests.support.pages import published_review
from tests.support.site import API_TOKEN, Site
from workflows import limits
from workflows.policy import Policy

need_chromium()

from playwright.async_api import Browser, Page, expect  # noqa: E402

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def base(site: Site) -> AsyncIterator[str]:
    async with served(create_app(site.settings, site.env.client, Policy())) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session", scope="module", name="chromium")
async def chromium_browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


async def review_page(browser: Browser, base: str, incident_id: str) -> Page:
    """A fresh browser signed in with the API token (an admin), on the review's page."""
    page = await new_page(browser)
    await page.goto(f"{base}/reviews/{incident_id}")
    await page.fill("#token", API_TOKEN)
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_url(f"{base}/reviews/{incident_id}")
    return page


async def test_the_room_left_in_a_text_changes_as_you_type(
    chromium: Browser, base: str, site: Site
) -> None:
    page = await review_page(chromium, base, await site.new_review())
    counter = page.locator("#f-symptom-input-room")
    await expect(counter).to_have_text(f"{limits.TEXT:,} characters left")
    await page.locator("#f-symptom-input").press_sequentially("Checkout")
    await expect(counter).to_have_text(f"{limits.TEXT - 8:,} characters left")
    await expect(counter).not_to_have_class("room room--over")
    await page.context.close()


async def test_a_text_over_its_limit_is_shown_plainly_while_typing(
    chromium: Browser, base: str, site: Site
) -> None:
    page = await review_page(chromium, base, await site.new_review())
    area = page.locator("#f-new_went_well-text-input")
    await area.fill("x" * limits.TEXT)
    counter = page.locator("#f-new_went_well-text-input-room")
    await expect(counter).to_have_text("0 characters left")
    await area.press("End")
    await area.press_sequentially("yz")
    await expect(counter).to_have_text(f"2 characters over the limit of {limits.TEXT:,}")
    await expect(counter).to_have_class("room room--over")
    await expect(area).to_have_attribute("data-over", "1")
    await page.context.close()


async def test_a_line_break_in_an_item_title_is_named_while_typing(
    chromium: Browser, base: str, site: Site
) -> None:
    page = await review_page(chromium, base, await site.new_review())
    title = page.locator("#f-new_item-title-input")
    await title.fill("Add a pool limit check")
    counter = page.locator("#f-new_item-title-input-room")
    await expect(counter).to_have_text(f"{limits.TITLE - 22} characters left")
    await title.press("Enter")
    await expect(counter).to_contain_text("one line only")
    await expect(counter).to_have_class("room room--over")
    await page.context.close()


async def test_a_root_cause_counts_against_the_limit_once_it_has_a_statement(
    chromium: Browser, base: str, site: Site
) -> None:
    page = await review_page(chromium, base, await site.new_review())
    counter = page.locator("#root-causes-room")
    await expect(counter).to_have_text(f"0 of {limits.ROOT_CAUSES} root causes")
    await page.locator("#f-root_causes-0-statement-input").fill("The runbook omits the drain step")
    await expect(counter).to_have_text(f"1 of {limits.ROOT_CAUSES} root causes")
    await page.click("[data-add-row=root-cause]")
    await expect(counter).to_have_text(f"1 of {limits.ROOT_CAUSES} root causes")
    # The new row's statement has its own counter, alive as well, and counts once typed into.
    statement = page.locator("#f-root_causes-1-statement-input")
    await statement.fill("The template")
    await expect(page.locator("#f-root_causes-1-statement-input-room")).to_have_text(
        f"{limits.TEXT - 12:,} characters left"
    )
    await expect(counter).to_have_text(f"2 of {limits.ROOT_CAUSES} root causes")
    await statement.fill("")
    await expect(counter).to_have_text(f"1 of {limits.ROOT_CAUSES} root causes")
    await page.context.close()


async def test_an_entry_of_what_went_well_is_rewritten_then_removed_on_the_page(
    chromium: Browser, base: str, site: Site
) -> None:
    page = await review_page(chromium, base, await site.new_review())
    await page.fill("#f-new_went_well-text-input", "The on-call was paged in two minutes.")
    await page.click("#went-well button[type=submit]")
    await expect(page.locator("[role=status]")).to_contain_text("Added to what went well")
    await expect(page.locator("#went-well-room")).to_have_text(f"1 of {limits.WENT_WELL} entries")

    await page.click("[data-testid=edit-went-well-0] summary")
    area = page.locator("#f-went_well-0-text-input")
    await expect(area).to_have_value("The on-call was paged in two minutes.")
    rewritten = "The on-call was paged within ninety seconds of the first error."
    await area.fill(rewritten)
    await expect(page.locator("#f-went_well-0-text-input-room")).to_have_text(
        f"{limits.TEXT - len(rewritten):,} characters left"
    )
    await page.click("[data-testid=edit-went-well-0] button[type=submit]")
    await expect(page.locator("[role=status]")).to_contain_text("The entry is changed")
    await expect(page.locator("#f-went_well-0")).to_contain_text(rewritten)

    await page.click("[data-testid=remove-went-well-0]")
    await expect(page.locator("[role=status]")).to_contain_text("removed from what went well")
    await expect(page.locator("#f-went_well-0")).to_have_count(0)
    await expect(page.locator("#went-well-room")).to_have_text(f"0 of {limits.WENT_WELL} entries")
    await page.context.close()


async def test_the_follow_up_reason_and_notes_show_their_room_as_you_type(
    chromium: Browser, base: str, site: Site
) -> None:
    async with site.signed_in() as client:
        incident_id = await published_review(site, client)
    page = await review_page(chromium, base, incident_id)
    await page.goto(f"{base}/reviews/{incident_id}/follow-up")
    await page.check("input[name=outcome-1][value=replanned]")
    await page.fill("#reason-1", "Waiting for the runbook migration")
    await expect(page.locator("#reason-1-room")).to_have_text(
        f"{limits.TEXT - 33:,} characters left"
    )
    await page.fill("#notes", "x" * (limits.TEXT + 1))
    await expect(page.locator("#notes-room")).to_have_class("room room--over")
    await page.context.close()
