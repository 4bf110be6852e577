"""The follow-up page (api.pages.follow_up): outcomes per item, refusals next to their item.

The app runs in process on a real Temporal dev server and worker (the site fixture).
"""

from __future__ import annotations

from tests.support.pages import (
    due_in,
    element,
    published_review,
)
from tests.support.site import Site, meta_csrf
from workflows.limits import TEXT


async def test_replan_without_a_reason_is_refused_next_to_that_item(site: Site) -> None:
    async with site.signed_in() as browser:
        incident_id = await published_review(site, browser)
        page = await browser.get(f"/reviews/{incident_id}/follow-up")
        response = await browser.post(
            f"/reviews/{incident_id}/follow-up",
            data={"outcome-1": "replanned", "due-1": due_in(30), "csrf": meta_csrf(page.text)},
        )
    assert response.status_code == 422
    assert "needs a reason" in element(response.text, "f-item-1-reason").text
    assert 'value="replanned" checked' in response.text


async def test_follow_up_records_a_replan_with_its_reason(site: Site) -> None:
    new_due = due_in(30)
    async with site.signed_in() as browser:
        incident_id = await published_review(site, browser)
        page = await browser.get(f"/reviews/{incident_id}/follow-up")
        response = await browser.post(
            f"/reviews/{incident_id}/follow-up",
            data={
                "outcome-1": "replanned",
                "due-1": new_due,
                "reason-1": "Waiting for the CI runner upgrade.",
                "notes": "Good progress.",
                "csrf": meta_csrf(page.text),
            },
        )
        assert response.status_code == 303
        page = await browser.get(response.headers["location"])
    assert f"Re-planned to {new_due}" in element(page.text, "f-item-1").text
    assert "Follow-up recorded" in page.text


async def test_the_reason_and_the_notes_show_their_room_as_typed(site: Site) -> None:
    reason = "Waiting for the runbook platform migration."
    async with site.signed_in() as browser:
        incident_id = await published_review(site, browser)
        page = await browser.get(f"/reviews/{incident_id}/follow-up")
        refused = await browser.post(
            f"/reviews/{incident_id}/follow-up",
            data={"outcome-1": "replanned", "reason-1": reason, "csrf": meta_csrf(page.text)},
        )
    assert element(page.text, "notes-room").text == f"{TEXT:,} characters left"
    assert refused.status_code == 422  # a re-plan needs its new date
    assert element(refused.text, "reason-1-room").text == f"{TEXT - len(reason):,} characters left"
