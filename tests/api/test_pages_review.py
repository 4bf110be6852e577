"""The review pages' forms: every rule violation next to its field, findings highlighted, live status.

Same setup as the access tests: the app in process on a real Temporal dev server and worker.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from tests.api.site import API_TOKEN, Site, meta_csrf, running_site, sign_in
from tests.harness import eventually

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    text: str = ""
    marks: list[str] = field(default_factory=list)
    count: int = 0


class _Finder(HTMLParser):
    """Text (and <mark> texts) inside the element with a given id."""

    def __init__(self, element_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.depth = 0
        self.in_mark = False
        self.found = Element()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            if tag not in VOID:
                self.depth += 1
            if tag == "mark":
                self.in_mark = True
                self.found.marks.append("")
        elif dict(attrs).get("id") == self.element_id and tag not in VOID:
            self.depth = 1
            self.found.count += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            if tag == "mark":
                self.in_mark = False

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)
            if self.in_mark:
                self.found.marks[-1] += data


def element(html: str, element_id: str) -> Element:
    finder = _Finder(element_id)
    finder.feed(html)
    finder.found.text = " ".join(" ".join(finder.parts).split())
    assert finder.found.count == 1, f"#{element_id} found {finder.found.count} times"
    return finder.found


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def site(
    dev_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Site]:
    async with running_site(dev_env, tmp_path_factory.mktemp("review-pages")) as running:
        yield running


async def post(
    browser: httpx.AsyncClient, incident_id: str, action: str, data: dict[str, Any]
) -> httpx.Response:
    """POST a review form with the session's CSRF token, as the page would."""
    page = await browser.get(f"/reviews/{incident_id}")
    return await browser.post(
        f"/reviews/{incident_id}/{action}", data={**data, "csrf": meta_csrf(page.text)}
    )


def five_whys(whys: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "symptom": "Checkout returned 503 for 40 minutes.",
        "whys": whys,
        "rc_id": ["rc1"],
        "rc_category": ["tooling"],
        "rc_statement": ["Connection pools default to unbounded in the service template."],
        "action": "save",
        **extra,
    }


GOOD_WHYS = [
    "The API pods ran out of database connections.",
    "A new batch job opened one connection per record.",
    "The job's pool size defaulted to unbounded.",
]


def due_in(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


def good_item(**extra: str) -> dict[str, str]:
    return {
        "title": "Add a CI check that rejects service configs without a pool limit",
        "owner": "alice@example.com",
        "due": due_in(14),
        "done_when": "A config without a pool limit fails CI with a message naming the key",
        "root_cause": "rc1",
        "priority": "medium",
        **extra,
    }


async def published_review(site: Site, browser: httpx.AsyncClient) -> str:
    """A fresh review taken through the pages to publication, with one tracked item."""
    incident_id = await site.new_review()
    assert (await post(browser, incident_id, "five-whys", five_whys(GOOD_WHYS))).status_code == 303
    assert (await post(browser, incident_id, "action-items", good_item())).status_code == 303
    went_well = {"text": "The on-call was paged within two minutes."}
    assert (await post(browser, incident_id, "went-well", went_well)).status_code == 303
    assert (await post(browser, incident_id, "publish", {})).status_code == 303
    return incident_id


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


# --- follow-up --------------------------------------------------------------------------------------


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


# --- other pages ----------------------------------------------------------------------------------


async def test_dashboard_shows_reviews_by_phase_and_server_rendered_charts(site: Site) -> None:
    async with site.signed_in() as browser:
        incident_id = await published_review(site, browser)
        page = await browser.get("/")
    assert page.status_code == 200
    assert incident_id in page.text
    chart = page.text.split('id="completion-chart"', 1)[1].split("</figure>", 1)[0]
    assert "<svg" in chart
    assert "<script" not in page.text.split("</head>", 1)[1]


async def test_document_page_shows_the_markdown_document(site: Site) -> None:
    async with site.signed_in() as browser:
        page = await browser.get(f"/reviews/{site.first}/document")
    assert page.status_code == 200
    assert "# Post-incident review" in page.text


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


async def test_unknown_review_page_answers_404(site: Site) -> None:
    async with site.signed_in() as browser:
        response = await browser.get("/reviews/PNOSUCHREVIEW")
    assert response.status_code == 404
    assert "No review" in response.text
