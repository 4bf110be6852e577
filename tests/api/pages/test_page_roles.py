"""Roles on the pages: a page hides what the role cannot do, a forbidden form answers 403 with a
plain explanation and changes nothing, and the history names who made each change."""

from __future__ import annotations

import pytest

from connectors.links import sign_person_token
from tests.support.pages import GOOD_WHYS, element, five_whys, post
from tests.support.site import Site

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_responder_sees_no_publish_button_and_is_told_why(site: Site) -> None:
    async with site.acting_as("alice@example.com") as alice:
        page = (await alice.get(f"/reviews/{site.first}")).text
    assert "Publish review" not in page
    assert "needs the facilitator role" in element(page, "publish").text
    assert 'action="/reviews/' + site.first + '/five-whys"' in page


async def test_the_facilitator_sees_publish_and_revoke(site: Site) -> None:
    async with site.acting_as("facilitator@example.com") as fay:
        page = (await fay.get(f"/reviews/{site.first}")).text
    assert "Publish review" in page
    assert 'data-testid="revoke-links"' in page


async def test_a_viewer_sees_the_review_read_only(site: Site) -> None:
    async with site.acting_as("lee@example.com") as lee:
        page = (await lee.get(f"/reviews/{site.first}")).text
    assert "Save the five whys" not in page
    assert "Add action item" not in page
    assert 'data-testid="revoke-links"' not in page


async def test_a_forbidden_form_answers_403_and_changes_nothing(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.acting_as("lee@example.com") as lee:
        before = (await lee.get(f"/api/reviews/{incident_id}")).json()["revision"]
        answer = await post(lee, incident_id, "five-whys", five_whys(GOOD_WHYS))
        after = (await lee.get(f"/api/reviews/{incident_id}")).json()["revision"]
    assert answer.status_code == 403
    assert "needs the contributor role" in answer.text
    assert after == before


async def test_the_history_names_the_person_who_saved_on_the_page(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.acting_as("bob@example.com") as bob:
        assert (await post(bob, incident_id, "five-whys", five_whys(GOOD_WHYS))).status_code == 303
        page = (await bob.get(f"/reviews/{incident_id}")).text
    history = element(page, "history").text
    assert "bob@example.com (page, contributor) : Changed the five whys (3 whys" in history


async def test_an_admin_names_the_facilitator_on_the_page(site: Site) -> None:
    incident_id = await site.new_review()
    async with site.signed_in() as admin:  # the single API token is an admin
        answer = await post(admin, incident_id, "facilitator", {"facilitator": "fay@example.com"})
        assert answer.status_code == 303, answer.text
        view = (await admin.get(f"/api/reviews/{incident_id}")).json()
    assert view["facilitator"] == "fay@example.com"


async def test_a_contributor_link_cannot_publish_from_the_page(site: Site) -> None:
    incident_id = await site.new_review()
    key = site.settings.signing_key
    assert key is not None
    token = sign_person_token(incident_id, "alice@example.com", "contributor", key)
    async with site.browser() as http:
        assert (await http.get(f"/reviews/{incident_id}", params={"t": token})).status_code == 303
        answer = await post(http, incident_id, "publish", {"blame_override": "Fine as it is."})
    assert answer.status_code == 403
    assert "needs the facilitator role" in answer.text


async def test_the_facilitator_revokes_the_links_from_the_page(site: Site) -> None:
    incident_id = await site.new_review()
    key = site.settings.signing_key
    assert key is not None
    token = sign_person_token(incident_id, "alice@example.com", "contributor", key)
    async with site.acting_as("facilitator@example.com") as fay:
        assert (await post(fay, incident_id, "links/revoke", {})).status_code == 303
    async with site.browser() as http:
        await http.get(f"/reviews/{incident_id}", params={"t": token})
        answer = await http.get(f"/reviews/{incident_id}")
    assert answer.status_code == 401
    assert "revoked" in answer.text
