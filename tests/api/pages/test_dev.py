"""The embedded defaults' pages (api.pages.dev): local tickets, closing them, the dev outbox.

The app runs in process on a real Temporal dev server and worker (the site fixture).
"""

from __future__ import annotations

import httpx

from tests.support.harness import eventually
from tests.support.pages import (
    element,
    post,
    published_review,
)
from tests.support.site import API_TOKEN, Site, sign_in


async def test_close_button_closes_the_local_ticket_and_the_item_is_done(site: Site) -> None:
    async with site.signed_in() as browser:
        incident_id = await published_review(site, browser)

        async def ticket_open() -> None:
            page = await browser.get(f"/reviews/{incident_id}")
            assert "Close ticket" in element(page.text, "f-action_items-1").text

        await eventually(ticket_open, timeout=30)
        closed = await post(browser, incident_id, "action-items/1/close", {})
        assert closed.status_code == 303

        async def item_done() -> None:
            review = (await browser.get(f"/api/reviews/{incident_id}")).json()
            assert review["action_items"][0]["status"] == "done"

        await eventually(item_done, timeout=30)
        page = await browser.get(f"/reviews/{incident_id}")
    assert "Done" in element(page.text, "f-action_items-1").text


async def test_local_ticket_page_shows_the_ticket_of_its_review(site: Site) -> None:
    async with site.signed_in() as browser:
        incident_id = await published_review(site, browser)

        async def ticket_link() -> str:
            page = await browser.get(f"/reviews/{incident_id}")
            row = page.text.split('id="f-action_items-1"', 1)[1]
            assert "/tracker/LOCAL-" in row
            return row.split('href="', 1)[1].split('"', 1)[0]

        link = await eventually(ticket_link, timeout=30)
        page = await browser.get(httpx.URL(link).path)
    assert page.status_code == 200
    assert "Add a CI check" in page.text
    assert "Close ticket (mark done)" in page.text


async def test_outbox_lists_messages_and_shows_their_text(site: Site) -> None:
    async with site.signed_in() as browser:
        listing = await browser.get("/outbox")
        assert "review opened" in listing.text
        link = listing.text.split('href="/outbox/', 1)[1].split('"', 1)[0]
        message = await browser.get(f"/outbox/{link}")
    assert message.status_code == 200
    assert 'class="mail"' in message.text


async def test_outbox_is_not_served_outside_dev_mode(site: Site) -> None:
    production = site.settings.model_copy(update={"dev_mode": False})
    async with site.browser(production) as browser:
        await sign_in(browser, API_TOKEN)
        response = await browser.get("/outbox")
    assert response.status_code == 404
