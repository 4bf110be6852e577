"""A review's page (api.pages.review): every rule violation next to its field, findings
highlighted, publishing, the document.

The app runs in process on a real Temporal dev server and worker (the site fixture).
"""

from __future__ import annotations

import re

from tests.support.harness import eventually
from tests.support.pages import (
    GOOD_WHYS,
    due_in,
    element,
    five_whys,
    good_item,
    post,
    published_review,
)
from tests.support.site import Site
from workflows import limits

# --- five whys ------------------------------------------------------------------------------------


async def test_too_few_whys_are_refused_next_to_the_field_with_the_typed_text_kept(
    site: Site,
) -> None:
    incident_id = await site.new_review()
    async with site.signed_in() as browser:
        response = await post(
            browser, incident_id, "five-whys", five_whys(["The pool ran out.", "", ""])
        )
    assert response.status_code == 422
    whys = element(response.text, "f-whys")
    assert "at least 3" in whys.text
    assert "Keep asking why" in whys.text
    assert "The pool ran out." in element(response.text, "f-whys-0").text
    assert "were not saved" in element(response.text, "five-whys").text


async def test_blank_why_rows_are_skipped_and_violations_point_at_the_typed_row(
    site: Site,
) -> None:
    incident_id = await site.new_review()
    whys = ["", "The pool ran out.", "The pool ran out.", "The job opened a connection per record."]
    async with site.signed_in() as browser:
        response = await post(browser, incident_id, "five-whys", five_whys(whys))
    assert response.status_code == 422
    assert "repeats" in element(response.text, "f-whys-2").text
    assert "repeats" not in element(response.text, "f-whys-1").text


async def test_root_cause_without_category_is_refused_before_any_update(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.signed_in() as browser:
        response = await post(
            browser, incident_id, "five-whys", five_whys(GOOD_WHYS, rc_category=[""])
        )
        saved = await browser.get(f"/api/reviews/{incident_id}")
    assert response.status_code == 422
    assert "Choose a category" in element(response.text, "f-root_causes-0-category").text
    assert saved.json()["five_whys"] is None


async def test_add_a_why_without_javascript_shows_one_more_row_and_saves_nothing(
    site: Site,
) -> None:
    incident_id = await site.new_review()
    async with site.signed_in() as browser:
        response = await post(
            browser, incident_id, "five-whys", five_whys([*GOOD_WHYS, "", ""], action="add_why")
        )
        saved = await browser.get(f"/api/reviews/{incident_id}")
    assert response.status_code == 200
    assert response.text.count('name="whys"') == 6 + 1  # six rows, plus the JS row template
    assert saved.json()["five_whys"] is None


async def test_blaming_why_is_saved_and_highlighted_with_its_rewrite_hint(site: Site) -> None:
    incident_id = await site.new_review()
    whys = ["The engineer was careless with the config.", *GOOD_WHYS[1:]]
    async with site.signed_in() as browser:
        response = await post(browser, incident_id, "five-whys", five_whys(whys))
        assert response.status_code == 303
        page = await browser.get(f"/reviews/{incident_id}")
    why = element(page.text, "f-whys-0")
    assert why.marks == ["careless", "careless"]  # in the text area's backdrop and in the hint
    assert "what conditions" in why.text.lower() or "situation" in why.text.lower()
    blockers = element(page.text, "publish").text
    assert "careless" in blockers


async def test_a_symptom_root_cause_is_saved_marked_and_blocks_publishing(site: Site) -> None:
    incident_id = await site.new_review()
    form = five_whys(GOOD_WHYS, rc_statement=["The API pods crashed."])
    async with site.signed_in() as browser:
        assert (await post(browser, incident_id, "five-whys", form)).status_code == 303
        page = await browser.get(f"/reviews/{incident_id}")
    cause = element(page.text, "f-root_causes-0-statement")
    assert cause.marks == ["The API pods crashed", "The API pods crashed"]
    assert 'class="finding-symptom"' in page.text
    assert "why once more" in cause.text.lower()
    publish = element(page.text, "publish").text
    assert "as a symptom" in publish
    assert "Override reason" in publish


async def test_user_text_is_escaped_in_pages(site: Site) -> None:
    incident_id = await site.new_review()
    whys = ["<script>alert(1)</script> was careless", *GOOD_WHYS[1:]]
    async with site.signed_in() as browser:
        await post(browser, incident_id, "five-whys", five_whys(whys))
        page = await browser.get(f"/reviews/{incident_id}")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


# --- action items, what went well, publish ------------------------------------------------------


async def test_vague_action_item_is_refused_with_the_smart_question_next_to_the_title(
    site: Site,
) -> None:
    incident_id = await site.new_review()
    async with site.signed_in() as browser:
        await post(browser, incident_id, "five-whys", five_whys(GOOD_WHYS))
        response = await post(
            browser,
            incident_id,
            "action-items",
            good_item(title="Look into the deploy alerts", done_when="Done"),
        )
    assert response.status_code == 422
    title = element(response.text, "f-new_item-title").text
    assert "vague" in title
    assert "who will do what, by when, and how will we know it's done?" in title.lower()
    assert "not measurable" in element(response.text, "f-new_item-done_when").text
    assert 'value="alice@example.com"' in response.text


async def test_every_action_item_violation_is_shown_at_once(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.signed_in() as browser:
        await post(browser, incident_id, "five-whys", five_whys(GOOD_WHYS))
        response = await post(
            browser,
            incident_id,
            "action-items",
            good_item(owner="alice and bob", due=due_in(-2), root_cause="rc9"),
        )
    assert response.status_code == 422
    assert "owner" in element(response.text, "f-new_item-owner").text.lower()
    assert "already passed" in element(response.text, "f-new_item-due").text
    assert "rc9" in element(response.text, "f-new_item-root_cause").text


async def test_empty_went_well_is_refused_next_to_the_field(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.signed_in() as browser:
        response = await post(browser, incident_id, "went-well", {"text": "   "})
    assert response.status_code == 422
    assert "empty" in element(response.text, "f-new_went_well-text").text


async def test_publish_page_explains_what_blocks_it(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.signed_in() as browser:
        page = await browser.get(f"/reviews/{incident_id}")
        refused = await post(browser, incident_id, "publish", {})
    blockers = element(page.text, "publish").text
    for words in ("five-whys", "went well", "action items"):
        assert words in blockers
    assert refused.status_code == 422
    assert "was not published" in element(refused.text, "publish").text


async def test_publish_turns_the_review_into_tracked_tickets(site: Site) -> None:
    async with site.signed_in() as browser:
        incident_id = await published_review(site, browser)

        async def ticket_open() -> None:
            page = await browser.get(f"/reviews/{incident_id}")
            assert "LOCAL-" in element(page.text, "f-action_items-1").text

        await eventually(ticket_open, timeout=30)


# --- the room left in texts and lists ---------------------------------------------------------------


def room_of(html: str, element_id: str) -> tuple[str, bool]:
    """The counter's words, and whether it is marked over the limit."""
    found = re.search(rf'<p class="(room[^"]*)" id="{re.escape(element_id)}"', html)
    assert found, f"no counter #{element_id}"
    return element(html, element_id).text, "room--over" in found.group(1)


async def test_every_text_field_shows_its_room_from_the_limits(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.signed_in() as browser:
        page = (await browser.get(f"/reviews/{incident_id}")).text
    for field in ("f-symptom-input", "f-whys-0-input", "f-root_causes-0-statement-input"):
        assert room_of(page, f"{field}-room") == (f"{limits.TEXT:,} characters left", False)
    assert room_of(page, "f-new_item-title-input-room") == (
        f"{limits.TITLE} characters left",
        False,
    )
    assert room_of(page, "f-new_went_well-text-input-room")[0] == f"{limits.TEXT:,} characters left"


async def test_a_text_refused_over_the_limit_shows_plainly_how_far_over(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.signed_in() as browser:
        answer = await post(browser, incident_id, "went-well", {"text": "x" * (limits.TEXT + 7)})
    assert answer.status_code == 422
    said = f"7 characters over the limit of {limits.TEXT:,}"
    assert room_of(answer.text, "f-new_went_well-text-input-room") == (said, True)


async def test_a_saved_text_shows_the_room_it_leaves(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.signed_in() as browser:
        assert (
            await post(browser, incident_id, "five-whys", five_whys(GOOD_WHYS))
        ).status_code == 303
        page = (await browser.get(f"/reviews/{incident_id}")).text
    left = limits.TEXT - len(GOOD_WHYS[0])
    assert room_of(page, "f-whys-0-input-room") == (f"{left:,} characters left", False)


async def test_lists_show_their_entries_against_their_limits(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.signed_in() as browser:
        empty = (await browser.get(f"/reviews/{incident_id}")).text
        assert (
            await post(browser, incident_id, "five-whys", five_whys(GOOD_WHYS))
        ).status_code == 303
        assert (await post(browser, incident_id, "action-items", good_item())).status_code == 303
        page = (await browser.get(f"/reviews/{incident_id}")).text
    assert element(empty, "items-room").text == f"0 of {limits.ACTION_ITEMS} action items"
    # The blank row offered for the first root cause is not counted as one.
    assert element(empty, "root-causes-room").text == f"0 of {limits.ROOT_CAUSES} root causes"
    assert element(page, "items-room").text == f"1 of {limits.ACTION_ITEMS} action items"
    assert element(page, "root-causes-room").text == f"1 of {limits.ROOT_CAUSES} root causes"
    assert element(page, "went-well-room").text == f"0 of {limits.WENT_WELL} entries"


# --- follow-up --------------------------------------------------------------------------------------


# --- other pages ----------------------------------------------------------------------------------


async def test_document_page_shows_the_markdown_document(site: Site) -> None:
    async with site.signed_in() as browser:
        page = await browser.get(f"/reviews/{site.first}/document")
    assert page.status_code == 200
    assert "# Post-incident review" in page.text


async def test_unknown_review_page_answers_404(site: Site) -> None:
    async with site.signed_in() as browser:
        response = await browser.get("/reviews/PNOSUCHREVIEW")
    assert response.status_code == 404
    assert "No review" in response.text
