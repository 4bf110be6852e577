"""End to end in headless Chromium: a signed webhook opens a review, a facilitator runs it in the pages.

Runs against ``followthrough dev`` as a subprocess (the ``dev_app`` fixture of this folder's
conftest), drives Debian's ``/usr/bin/chromium`` with Playwright (never its own browser download),
and saves a screenshot of every page under ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.support.browser import chromium, need_chromium, new_page

need_chromium()

from playwright.async_api import Browser, Page, expect  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

BLAMING_WHY = "The engineer was careless and pushed the config without checking it."
NEUTRAL_WHY = "The deploy pipeline accepted a payments config without a connection limit."


async def _resolved(value: Any) -> Any:
    """The fixture's helpers may be sync or async; accept both."""
    return await value if inspect.isawaitable(value) else value


async def _review_exists(dev_app: Any, incident_id: str) -> None:
    for _ in range(150):
        response = await _resolved(dev_app.api("GET", f"/api/reviews/{incident_id}"))
        if response.status_code == 200:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"review {incident_id} did not open")


async def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def _reload_until(page: Page, selector: str, timeout_s: float = 30.0) -> None:
    """Reload until ``selector`` is on the page (the workflows work asynchronously)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while await page.locator(selector).count() == 0:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{selector} did not appear on {page.url}")
        await asyncio.sleep(0.5)
        await page.reload()


@pytest_asyncio.fixture(loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def test_pages_without_a_session_send_the_browser_to_sign_in(
    dev_app: Any, browser: Browser
) -> None:
    incident_id = f"PNOSESS{uuid.uuid4().hex[:6].upper()}"
    response = await _resolved(dev_app.send_pagerduty_resolved(incident_id))
    assert response.status_code in (200, 202)
    await _review_exists(dev_app, incident_id)
    page = await new_page(browser)
    for path in ("/", f"/reviews/{incident_id}", f"/reviews/{incident_id}/follow-up"):
        await page.goto(dev_app.base_url + path)
        assert "/login" in page.url, path
    await page.goto(f"{dev_app.base_url}/reviews/{incident_id}?t=not-a-valid-token")
    await expect(page.locator("h1")).to_have_text("Please sign in")
    await page.context.close()


async def test_facilitator_runs_a_review_from_webhook_to_follow_up(
    dev_app: Any, browser: Browser
) -> None:
    incident_id = f"PE2E{uuid.uuid4().hex[:6].upper()}"
    response = await _resolved(
        dev_app.send_pagerduty_resolved(incident_id, title="Checkout API returned 503s")
    )
    assert response.status_code in (200, 202), response.text
    await _review_exists(dev_app, incident_id)
    base = dev_app.base_url
    review_url = f"{base}/reviews/{incident_id}"
    page = await new_page(browser)

    # Sign in: the review page sends us to /login and back.
    await page.goto(review_url)
    assert "/login" in page.url
    await _shot(page, "01-login")
    await page.fill("#token", "not the token")
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page.locator("#login-error")).to_be_visible()
    await page.fill("#token", dev_app.api_token)
    await page.click("form[action='/login'] button[type=submit]")
    await page.wait_for_url(review_url)
    await expect(page.locator("h1")).to_have_text("Checkout API returned 503s")
    await _shot(page, "02-review-new")

    # A blaming sentence is flagged while typing, highlighted in the text, with a rewrite hint.
    await page.fill(
        "#f-symptom-input", "Checkout returned HTTP 503 for 38% of requests for 40 min."
    )
    why1 = page.locator("#f-whys-0-input")
    await why1.fill(BLAMING_WHY)
    finding = page.locator("#f-whys-0-findings .finding")
    await expect(finding).to_have_count(1)
    await expect(finding).to_contain_text("careless")
    # One finding for the blaming clause, marked over the person and what they did.
    await expect(page.locator("#f-whys-0 .lint-backdrop mark")).to_contain_text("careless")
    await _shot(page, "03-blame-flagged-while-typing")

    # "+ Add a why" adds a row in place (JavaScript); without it the button asks the server.
    await page.click("[data-add-row=why]")
    await expect(page.locator("#f-whys-5-input")).to_be_focused()
    await expect(page.locator("#f-whys-5 label")).to_have_text("Why 6?")

    # Saved as it is, the server flags it again and publishing is blocked on it.
    await page.fill("#f-whys-1-input", "The config had no connection limit for the new batch job.")
    await page.fill("#f-whys-2-input", "The pool size defaulted to unbounded.")
    await page.fill("#f-root_causes-0-id-input", "rc1")
    await page.select_option("#f-root_causes-0-category-input", "tooling")
    # A root cause that only restates what was seen is flagged while typing, as a symptom.
    cause = page.locator("#f-root_causes-0-statement-input")
    await cause.fill("Checkout returned HTTP 503.")
    symptom = page.locator("#f-root_causes-0-statement-findings .finding--symptom")
    await expect(symptom).to_contain_text("why once more", ignore_case=True)
    marks = page.locator("#f-root_causes-0-statement .lint-backdrop mark.finding-symptom")
    await expect(marks).to_have_count(1)
    await cause.fill("The deploy pipeline does not validate connection limits in service configs.")
    await expect(symptom).to_have_count(0)
    await page.click("text=Save the five whys")
    await expect(page.locator("[role=status]")).to_contain_text("five whys are saved")
    await expect(page.locator("#f-whys-0-findings .finding")).to_contain_text("careless")
    await expect(page.locator(".blockers [data-code=blame_findings_open]")).to_contain_text(
        "careless"
    )

    # Rewritten, the finding disappears live and after saving.
    await why1.fill(NEUTRAL_WHY)
    await expect(page.locator("#f-whys-0-findings .finding")).to_have_count(0)
    await page.click("text=Save the five whys")
    await expect(page.locator("[role=status]")).to_contain_text("five whys are saved")
    await expect(page.locator("#five-whys .finding")).to_have_count(0)

    # A vague action item gets the SMART question while typing and is refused on submit.
    due = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    await page.fill("#f-new_item-title-input", "Look into the deploy alerts")
    await expect(page.locator("#f-new_item-title-findings .finding")).to_contain_text(
        "who will do what", ignore_case=True
    )
    await page.fill("#item-owner", "alice@example.com")
    await page.fill("#item-due", due)
    await page.fill("#f-new_item-done_when-input", "Done")
    await page.select_option("#item-root-cause", "rc1")
    await page.click("text=Add action item")
    summary = page.locator("#action-items .error-summary")
    await expect(summary).to_contain_text("was not added")
    await expect(page.locator("#f-new_item-title .field-errors")).to_contain_text(
        "who will do what, by when, and how will we know it's done?", ignore_case=True
    )
    await expect(page.locator("#f-new_item-done_when .field-errors")).to_be_visible()
    await expect(page.locator("#item-owner")).to_have_value("alice@example.com")
    await _shot(page, "04-vague-item-refused")

    # Fixed, it is added; a second item will be re-planned at the follow-up.
    await page.fill(
        "#f-new_item-title-input",
        "Add a CI check that rejects service configs without a pool limit",
    )
    await page.fill(
        "#f-new_item-done_when-input",
        "A deploy of a config without a pool limit fails in CI with a message naming the key",
    )
    await page.click("text=Add action item")
    await expect(page.locator("[role=status]")).to_contain_text("Action item added")
    await page.click("#action-items summary")
    await page.fill(
        "#f-new_item-title-input", "Document connection limits in the service config runbook"
    )
    await page.fill("#item-owner", "bob@example.com")
    await page.fill("#item-due", due)
    await page.fill(
        "#f-new_item-done_when-input", "The runbook page lists every pool setting with its limit"
    )
    await page.select_option("#item-root-cause", "rc1")
    await page.click("text=Add action item")
    await expect(page.locator("table.items tbody tr")).to_have_count(2)

    # What went well, then publish: the blockers are gone.
    await page.fill(
        "#f-new_went_well-text-input",
        "The on-call was paged within two minutes of the first error.",
    )
    await page.click("#went-well button[type=submit]")
    await expect(page.locator("[role=status]")).to_contain_text("went well")
    await expect(page.locator(".blockers")).to_have_count(0)
    await _shot(page, "05-review-ready")
    await page.click("text=Publish review")
    await expect(page.locator("[role=status]")).to_contain_text("Published")
    await expect(page.locator(".page-head .badge")).to_have_text("Tracking")

    # The dashboard before anything is done (it reads the store, written just after a change).
    await page.goto(base + "/")
    await _reload_until(page, '[data-stat=completion]:text-is("0%")')
    await expect(page.locator("[data-stat=done]")).to_have_text("0")
    await expect(page.locator("[data-stat=completion]")).to_have_text("0%")
    before_svg = await page.locator("#completion-chart svg").inner_html()
    await _shot(page, "06-dashboard-before")

    # The owner closes the first ticket in the local tracker.
    await page.goto(review_url)
    await _reload_until(page, "[data-testid=close-1]")
    await _shot(page, "07-review-tracking")
    ticket_url = await page.locator("#f-action_items-2 .ticket a").get_attribute("href")
    await page.click("[data-testid=close-1]")
    await expect(page.locator("[role=status]")).to_contain_text("Ticket closed")
    await _reload_until(page, "#f-action_items-1 .badge--item-done")
    assert ticket_url
    await page.goto(ticket_url)
    await expect(page.locator("h1")).to_contain_text("Document connection limits")
    await _shot(page, "08-local-ticket")

    # The follow-up: item 2 is re-planned with a reason.
    await page.goto(f"{review_url}/follow-up")
    await expect(page.locator("#f-item-1")).to_contain_text("Done")
    await page.check("input[name=outcome-2][value=replanned]")
    new_due = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    await page.fill("#due-2", new_due)
    await page.fill("#reason-2", "Waiting for the runbook platform migration to finish.")
    await page.fill("#notes", "Item 1 landed; the runbook waits for the migration.")
    await _shot(page, "09-follow-up")
    await page.click("text=Record the follow-up")
    await expect(page.locator("[role=status]")).to_contain_text("Follow-up recorded")
    await expect(page.locator("#f-item-2")).to_contain_text(f"Re-planned to {new_due}")

    # The dashboard shows the change.
    await page.goto(base + "/")
    await _reload_until(page, '[data-stat=completion]:text-is("50%")')
    await expect(page.locator("[data-stat=done]")).to_have_text("1")
    await expect(page.locator("[data-stat=completion]")).to_have_text("50%")
    after_svg = await page.locator("#completion-chart svg").inner_html()
    assert after_svg != before_svg
    assert re.search(r">\s*50%\s*<", after_svg)
    await _shot(page, "10-dashboard-after")

    # The document and (dev mode) the outbox.
    await page.goto(f"{review_url}/document")
    await expect(page.locator("pre.document")).to_contain_text("Checkout API returned 503s")
    await _shot(page, "11-document")
    await page.goto(base + "/outbox")
    await expect(page.locator("table.outbox tbody tr").first).to_be_visible()
    await _shot(page, "12-outbox")
    await page.locator("table.outbox tbody a").first.click()
    await expect(page.locator("pre.mail")).to_be_visible()
    await _shot(page, "13-outbox-message")
    await page.context.close()
