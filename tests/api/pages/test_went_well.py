"""What went well mended on the page (api.pages.went_well): an entry rewritten by a contributor,
removed by the facilitator, each control shown only to a role that may use it (the others are told
why), and a refused rewrite shown again next to its entry.

The app runs in process on a real Temporal dev server and worker (the site fixture). On a fresh
review alice@example.com is a responder (contributor), facilitator@example.com the facilitator
and lee@example.com a viewer.
"""

from __future__ import annotations

import re

import httpx

from tests.support.pages import element, post
from tests.support.site import API_TOKEN, Site
from workflows import limits

FIRST = "The on-call was paged within two minutes."
SECOND = "The runbook had the exact rollback command."


async def review_with_two_entries(site: Site) -> str:
    incident_id = await site.new_review()
    async with site.acting_as("alice@example.com") as alice:
        for text in (FIRST, SECOND):
            assert (await post(alice, incident_id, "went-well", {"text": text})).status_code == 303
    return incident_id


async def went_well(browser: httpx.AsyncClient, incident_id: str) -> list[str]:
    review = (await browser.get(f"/api/reviews/{incident_id}")).json()
    return [str(entry) for entry in review["went_well"]]


def form_actions(html: str, incident_id: str) -> set[str]:
    """The went-well forms the page offers, as ``<n>/edit`` and ``<n>/remove``."""
    return set(re.findall(rf'action="/reviews/{incident_id}/went-well/(\d+/\w+)"', html))


# --- what each role is shown -------------------------------------------------------------------


async def test_the_facilitator_is_offered_edit_and_remove_on_every_entry(site: Site) -> None:
    incident_id = await review_with_two_entries(site)
    async with site.acting_as("facilitator@example.com") as fay:
        page = (await fay.get(f"/reviews/{incident_id}")).text
    assert form_actions(page, incident_id) == {"0/edit", "0/remove", "1/edit", "1/remove"}
    assert 'data-testid="went-well-refused"' not in page


async def test_a_contributor_may_edit_but_not_remove_and_is_told_why(site: Site) -> None:
    incident_id = await review_with_two_entries(site)
    async with site.acting_as("alice@example.com") as alice:
        page = (await alice.get(f"/reviews/{incident_id}")).text
    assert form_actions(page, incident_id) == {"0/edit", "1/edit"}
    said = element(page, "went-well").text
    assert "Removing what went well needs the facilitator role" in said
    assert "you have the contributor role" in said


async def test_a_viewer_is_offered_neither_and_is_told_why(site: Site) -> None:
    incident_id = await review_with_two_entries(site)
    async with site.acting_as("lee@example.com") as lee:
        page = (await lee.get(f"/reviews/{incident_id}")).text
    assert form_actions(page, incident_id) == set()
    assert "Changing what went well needs the contributor role" in element(page, "went-well").text


# --- rewriting ---------------------------------------------------------------------------------


async def test_a_contributor_rewrites_an_entry_in_place(site: Site) -> None:
    incident_id = await review_with_two_entries(site)
    rewritten = "The on-call was paged within ninety seconds of the first error."
    async with site.acting_as("alice@example.com") as alice:
        answer = await post(alice, incident_id, "went-well/0/edit", {"text": rewritten})
        entries = await went_well(alice, incident_id)
        page = (await alice.get(answer.headers["location"])).text
    assert answer.status_code == 303
    assert entries == [rewritten, SECOND]
    assert "The entry is changed." in element(page, "went-well").text


async def test_a_rewrite_over_the_limit_is_shown_again_at_its_entry_with_the_text_kept(
    site: Site,
) -> None:
    incident_id = await review_with_two_entries(site)
    typed = "y" * (limits.TEXT + 3)
    async with site.acting_as("alice@example.com") as alice:
        answer = await post(alice, incident_id, "went-well/1/edit", {"text": typed})
        entries = await went_well(alice, incident_id)
    assert answer.status_code == 422
    entry = element(answer.text, "f-went_well-1-text")
    assert f"the limit is {limits.TEXT:,}" in entry.text
    assert typed in entry.text
    assert element(answer.text, "f-went_well-1-text-input-room").text == (
        f"3 characters over the limit of {limits.TEXT:,}"
    )
    assert re.search(
        r'<details class="went-well__edit" data-testid="edit-went-well-1" open', answer.text
    )
    assert entries == [FIRST, SECOND]


async def test_an_empty_rewrite_is_refused_and_changes_nothing(site: Site) -> None:
    incident_id = await review_with_two_entries(site)
    async with site.acting_as("alice@example.com") as alice:
        answer = await post(alice, incident_id, "went-well/0/edit", {"text": "  "})
        entries = await went_well(alice, incident_id)
    assert answer.status_code == 422
    assert "empty" in element(answer.text, "f-went_well-0-text").text
    assert entries == [FIRST, SECOND]


async def test_at_the_limit_the_add_form_gives_way_to_a_plain_note(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.signed_in() as admin:
        for n in range(limits.WENT_WELL):
            added = await admin.post(
                f"/api/reviews/{incident_id}/went-well",
                json={"text": f"Paging worked {n}."},
                headers={"Authorization": f"Bearer {API_TOKEN}"},
            )
            assert added.status_code == 200, added.text
        page = (await admin.get(f"/reviews/{incident_id}")).text
    said = f"{limits.WENT_WELL} of {limits.WENT_WELL} entries: the limit"
    assert element(page, "went-well-room").text == said
    assert f'action="/reviews/{incident_id}/went-well"' not in page
    assert "merge two to add another" in element(page, "went-well").text


# --- removing ----------------------------------------------------------------------------------


async def test_the_facilitator_removes_an_entry(site: Site) -> None:
    incident_id = await review_with_two_entries(site)
    async with site.acting_as("facilitator@example.com") as fay:
        answer = await post(fay, incident_id, "went-well/0/remove", {})
        entries = await went_well(fay, incident_id)
        page = (await fay.get(answer.headers["location"])).text
    assert answer.status_code == 303
    assert entries == [SECOND]
    assert element(page, "went-well-room").text == f"1 of {limits.WENT_WELL} entries"
    assert "removed from what went well" in element(page, "went-well").text


async def test_a_contributor_removing_is_refused_with_403_and_changes_nothing(site: Site) -> None:
    incident_id = await review_with_two_entries(site)
    async with site.acting_as("alice@example.com") as alice:
        answer = await post(alice, incident_id, "went-well/0/remove", {})
        entries = await went_well(alice, incident_id)
    assert answer.status_code == 403
    assert "needs the facilitator role" in answer.text
    assert entries == [FIRST, SECOND]


async def test_removing_an_entry_that_is_not_there_is_refused_at_the_list(site: Site) -> None:
    incident_id = await review_with_two_entries(site)
    async with site.acting_as("facilitator@example.com") as fay:
        answer = await post(fay, incident_id, "went-well/7/remove", {})
        entries = await went_well(fay, incident_id)
    assert answer.status_code == 422
    assert "went_well_unknown" in answer.text
    assert entries == [FIRST, SECOND]


async def test_a_position_that_is_not_a_number_answers_404(site: Site) -> None:
    incident_id = await review_with_two_entries(site)
    async with site.acting_as("facilitator@example.com") as fay:
        answer = await post(fay, incident_id, "went-well/first/remove", {})
    assert answer.status_code == 404
    assert "no such entry" in answer.text
