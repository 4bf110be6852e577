"""The dashboard page (api.pages.dashboard): reviews by phase and server-rendered charts.

The app runs in process on a real Temporal dev server and worker (the site fixture); the figures
come from the review store the worker writes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import httpx
from temporalio.client import Client

from api.app import create_app
from connectors.store import ReviewStore
from tests.connectors.store.build import at, review
from tests.support.harness import eventually
from tests.support.pages import (
    published_review,
)
from tests.support.site import API_TOKEN, Site, sign_in, site_settings
from workflows.policy import Policy


async def test_dashboard_shows_reviews_by_phase_and_server_rendered_charts(site: Site) -> None:
    async with site.signed_in() as browser:
        incident_id = await published_review(site, browser)

        async def published_in_the_store() -> httpx.Response:
            # The dashboard reads the review store, which the workflow writes just after the change.
            page = await browser.get("/")
            assert page.status_code == 200
            assert 'data-stat="done"' in page.text and "<svg" in page.text
            return page

        page = await eventually(published_in_the_store)
    assert incident_id in page.text
    chart = page.text.split('id="completion-chart"', 1)[1].split("</figure>", 1)[0]
    assert "<svg" in chart
    assert "<script" not in page.text.split("</head>", 1)[1]


async def test_dashboard_cards_show_publish_blockers_and_the_follow_up_date(tmp_path: Path) -> None:
    settings = site_settings(tmp_path)
    store = ReviewStore(settings.store_url)
    store.write_many(
        [
            review("PDRAFT", resolved_at=at(10), phase="drafting", publish_blockers=3),
            review("PREADY", resolved_at=at(11), phase="drafting", publish_blockers=0),
            review(
                "PTRACK",
                resolved_at=at(12),
                follow_up_at=datetime(2026, 2, 17, 10, tzinfo=UTC),
            ),
        ]
    )
    # Nothing here reaches Temporal: the dashboard reads the store.
    app = create_app(settings, cast(Client, None), Policy(), store)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=settings.base_url) as browser:
        await sign_in(browser, API_TOKEN)
        page = await browser.get("/")
    assert page.status_code == 200

    def card(incident_id: str) -> str:
        return page.text.split(f"/reviews/{incident_id}", 1)[1].split("</li>", 1)[0]

    assert "3 things before publishing" in card("PDRAFT")
    assert "Ready to publish" in card("PREADY")
    assert "follow-up 17 Feb" in card("PTRACK")
