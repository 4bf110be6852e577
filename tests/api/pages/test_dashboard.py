"""The dashboard page (api.pages.dashboard): reviews by phase and server-rendered charts.

The app runs in process on a real Temporal dev server and worker (the site fixture).
"""

from __future__ import annotations

from tests.support.pages import (
    published_review,
)
from tests.support.site import Site


async def test_dashboard_shows_reviews_by_phase_and_server_rendered_charts(site: Site) -> None:
    async with site.signed_in() as browser:
        incident_id = await published_review(site, browser)
        page = await browser.get("/")
    assert page.status_code == 200
    assert incident_id in page.text
    chart = page.text.split('id="completion-chart"', 1)[1].split("</figure>", 1)[0]
    assert "<svg" in chart
    assert "<script" not in page.text.split("</head>", 1)[1]
