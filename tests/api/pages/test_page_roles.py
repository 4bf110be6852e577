"""Roles on the pages: a page hides what the role cannot do, a forbidden form answers 403 with a
plain explanation and changes nothing, and the history names who made each change."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from tests.support.pages import GOOD_WHYS, element, five_whys, post
from tests.support.site import Site, hidden

pytestmark = pytest.mark.asyncio(loop_scope="session")


@asynccontextmanager
async def act_as(site: Site, email: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser signed in by picking ``email`` (the site runs in dev mode)."""
    async with site.browser() as http:
        form = await http.get("/login")
        answer = await http.post(
            "/login/dev", data={"email": email, "csrf": hidden(form.text, "csrf"), "next": "/"}
        )
        assert answer.status_code == 303, answer.text
        yield http


async def test_a_responder_sees_no_publish_button_and_is_told_why(site: Site) -> None:
    async with act_as(site, "alice@example.com") as alice:
        page = (await alice.get(f"/reviews/{site.first}")).text
    assert "Publish review" not in page
    assert "needs the facilitator role" in element(page, "publish").text
    assert 'action="/reviews/' + site.first + '/five-whys"' in page


async def test_the_facilitator_sees_publish_and_revoke(site: Site) -> None:
    async with act_as(site, "facilitator@example.com") as fay:
        page = (await fay.get(f"/reviews/{site.first}")).text
    assert "Publish review" in page
    assert 'data-testid="revoke-links"' in page


async def test_a_viewer_sees_the_review_read_only(site: Site) -> None:
    async with act_as(site, "lee@example.com") as lee:
        page = (await lee.get(f"/reviews/{site.first}")).text
    assert "Save the five whys" not in page
    assert "Add action item" not in page
    assert 'data-testid="revoke-links"' not in page


async def test_a_forbidden_form_answers_403_and_changes_nothing(site: Site) -> None:
    incident_id = await site.new_review()
    async with act_as(site, "lee@example.com") as lee:
        before = (await lee.get(f"/api/reviews/{incident_id}")).json()["revision"]
        answer = await post(lee, incident_id, "five-whys", five_whys(GOOD_WHYS))
        after = (await lee.get(f"/api/reviews/{incident_id}")).json()["revision"]
    assert answer.status_code == 403
    assert "needs the contributor role" in answer.text
    assert after == before


async def test_the_history_names_the_person_who_saved_on_the_page(site: Site) -> None:
    incident_id = await site.new_review()
    async with act_as(site, "bob@example.com") as bob:
        assert (await post(bob, incident_id, "five-whys", five_whys(GOOD_WHYS))).status_code == 303
        page = (await bob.get(f"/reviews/{incident_id}")).text
    history = element(page, "history").text
    assert "bob@example.com (page, contributor) : Changed the five whys (3 whys" in history
