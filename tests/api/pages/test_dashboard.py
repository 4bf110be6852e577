"""The dashboard page (api.pages.dashboard): reviews by phase and server-rendered charts.

The app runs in process on a real Temporal dev server and worker (the site fixture); the figures
come from the review store the worker writes.
"""

from __future__ import annotations

import httpx

from tests.support.harness import eventually
from tests.support.pages import (
    published_review,
)
from tests.support.site import Site


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
