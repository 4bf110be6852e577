"""The review REST API (api.reviews): an item's change or removal is one review update, and the
review (not the API) decides by phase whether it is an edit or a re-plan, a removal or a drop.

The app runs in process on a real Temporal dev server and worker (the site fixture).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from temporalio.service import RPCError

from tests.support.harness import eventually
from tests.support.pages import GOOD_WHYS, due_in, five_whys, good_item, post, published_review
from tests.support.site import API_TOKEN, Site
from workflows.action_item import ActionItemWorkflow
from workflows.ids import item_workflow_id

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


async def on_item(
    browser: httpx.AsyncClient, method: str, incident_id: str, **options: Any
) -> httpx.Response:
    """``method`` on the review's item 1 through the API, with the API token."""
    return await browser.request(
        method, f"/api/reviews/{incident_id}/action-items/1", headers=AUTH, **options
    )


async def drafted_review(site: Site, browser: httpx.AsyncClient) -> str:
    """A fresh review with its five whys and one draft item (id 1)."""
    incident_id = await site.new_review()
    assert (await post(browser, incident_id, "five-whys", five_whys(GOOD_WHYS))).status_code == 303
    assert (await post(browser, incident_id, "action-items", good_item())).status_code == 303
    return incident_id


async def test_patch_while_drafting_changes_the_given_fields_only(site: Site) -> None:
    async with site.signed_in() as browser:
        incident_id = await drafted_review(site, browser)
        answer = await on_item(browser, "PATCH", incident_id, json={"owner": "bob@example.com"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["owner"] == "bob@example.com"
    assert answer.json()["title"] == good_item()["title"]


async def test_patch_after_publishing_replans_the_item_and_its_workflow_hears_it(
    site: Site,
) -> None:
    new_due = due_in(30)
    async with site.signed_in() as browser:
        incident_id = await published_review(site, browser)
        answer = await on_item(
            browser,
            "PATCH",
            incident_id,
            json={"due": new_due, "reason": "Waiting for the CI runner upgrade."},
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["due"] == new_due
    handle = site.env.client.get_workflow_handle(item_workflow_id(incident_id, "1"))

    async def heard() -> None:
        try:
            item = await handle.query(ActionItemWorkflow.current)
        except RPCError as exc:  # the item's workflow starts within seconds of publishing
            raise AssertionError(str(exc)) from exc
        assert item.due == new_due

    await eventually(heard)


async def test_delete_while_drafting_removes_the_item_and_answers_the_review(site: Site) -> None:
    async with site.signed_in() as browser:
        incident_id = await drafted_review(site, browser)
        answer = await on_item(browser, "DELETE", incident_id)
    assert answer.status_code == 200, answer.text
    assert answer.json()["action_items"] == []
    assert answer.json()["incident"]["id"] == incident_id


async def test_delete_after_publishing_drops_the_item_with_its_reason(site: Site) -> None:
    async with site.signed_in() as browser:
        incident_id = await published_review(site, browser)
        answer = await on_item(
            browser,
            "DELETE",
            incident_id,
            params={"reason": "Superseded by the platform migration."},
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "dropped"
    assert answer.json()["outcome"] == "dropped"
    assert answer.json()["reason"] == "Superseded by the platform migration."


@pytest.mark.parametrize(
    ("method", "options", "missing"),
    [("PATCH", {"json": {"owner": "bob@example.com"}}, "due"), ("DELETE", {}, "reason")],
    ids=["a-patch-may-only-replan", "a-delete-needs-a-reason"],
)
async def test_a_change_after_publishing_that_is_no_replan_or_drop_is_refused(
    site: Site, method: str, options: dict[str, Any], missing: str
) -> None:
    async with site.signed_in() as browser:
        incident_id = await published_review(site, browser)
        answer = await on_item(browser, method, incident_id, **options)
    assert answer.status_code == 422
    assert [(e["code"], e["field"]) for e in answer.json()["errors"]] == [("wrong_phase", missing)]
