"""The trends page (api.pages.trends): charts and their tables over the review store."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import httpx
from temporalio.client import Client

from api.app import create_app
from connectors.store import ReviewStore
from tests.connectors.store.build import at, cause, item, review
from tests.support.site import API_TOKEN, sign_in, site_settings
from workflows.policy import Policy


async def test_trends_page_draws_causes_by_quarter_with_tables(tmp_path: Path) -> None:
    settings = site_settings(tmp_path)
    store = ReviewStore(settings.store_url)
    store.write_many(
        [
            review("PT1", resolved_at=at(300), items=[item(1, due_at=at(310))]),
            review(
                "PT2",
                resolved_at=at(320),
                root_causes=[cause(1, category="process", statement="No rollback drill")],
            ),
        ]
    )
    # Nothing here reaches Temporal: the page reads the store.
    app = create_app(settings, cast(Client, None), Policy(), store)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=settings.base_url) as browser:
        await sign_in(browser, API_TOKEN)
        page = await browser.get(
            "/trends", params={"from": "2026-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"}
        )
    assert page.status_code == 200
    chart = page.text.split('id="categories-chart"', 1)[1].split("</figure>", 1)[0]
    assert "<svg" in chart
    services = page.text.split('id="services"', 1)[1].split("</table>", 1)[0]
    assert "<td>checkout</td><td>2</td><td>1</td>" in services
    assert "<script" not in page.text.split("</head>", 1)[1]


async def test_trends_page_needs_a_signed_in_session(tmp_path: Path) -> None:
    settings = site_settings(tmp_path)
    app = create_app(settings, cast(Client, None), Policy())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=settings.base_url) as browser:
        page = await browser.get("/trends")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")
