"""Roles over the API: per role, every allowed action succeeds and every forbidden one answers 403
``forbidden`` and leaves the review as it was (its revision does not move).

People sign in by picking an email (the site runs in dev mode); their API calls carry the session
cookie and the page's CSRF token, as the pages' JavaScript does. The review's facilitator is the
policy's default (facilitator@example.com); alice@example.com is a responder (contributor);
lee@example.com is nobody in it (viewer); ada@example.com is an admin.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from api.identity.tokens import new_token
from tests.support.pages import GOOD_WHYS, due_in, good_item
from tests.support.site import Site, hidden, meta_csrf

pytestmark = pytest.mark.asyncio(loop_scope="session")

FACILITATOR = "facilitator@example.com"
RESPONDER = "alice@example.com"
LEADER = "lee@example.com"
ADMIN = "ada@example.com"

FIVE_WHYS = {
    "symptom": "Checkout returned 503 for 40 minutes.",
    "whys": GOOD_WHYS,
    "root_causes": [
        {
            "id": "rc1",
            "category": "tooling",
            "statement": "Connection pools default to unbounded in the service template.",
        }
    ],
}


class Person:
    """A browser signed in as one email, calling the API as the pages' JavaScript does."""

    def __init__(self, http: httpx.AsyncClient, csrf: str) -> None:
        self.http = http
        self.csrf = csrf

    async def call(self, method: str, path: str, json: Any = None) -> httpx.Response:
        return await self.http.request(method, path, json=json, headers={"X-CSRF-Token": self.csrf})


async def act_as(http: httpx.AsyncClient, email: str, incident_id: str) -> Person:
    form = await http.get("/login")
    answer = await http.post(
        "/login/dev", data={"email": email, "csrf": hidden(form.text, "csrf"), "next": "/"}
    )
    assert answer.status_code == 303, answer.text
    page = await http.get(f"/reviews/{incident_id}")
    assert page.status_code == 200, page.text
    return Person(http, meta_csrf(page.text))


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def review(site: Site) -> str:
    return await site.new_review()


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def people(site: Site, review: str) -> AsyncIterator[dict[str, Person]]:
    settings = site.settings.model_copy(update={"admins": [ADMIN]})
    browsers = [site.browser(settings) for _ in range(4)]
    try:
        signed = {
            email: await act_as(http, email, review)
            for email, http in zip((FACILITATOR, RESPONDER, LEADER, ADMIN), browsers, strict=True)
        }
        yield signed
    finally:
        for http in browsers:
            await http.aclose()


async def revision(person: Person, incident_id: str) -> int:
    answer = await person.call("GET", f"/api/reviews/{incident_id}")
    assert answer.status_code == 200, answer.text
    return int(answer.json()["revision"])


def forbidden(answer: httpx.Response, needs: str) -> None:
    assert answer.status_code == 403, answer.text
    error = answer.json()["errors"][0]
    assert error["code"] == "forbidden"
    assert f"needs the {needs} role" in error["message"]


async def test_every_role_reads_the_review(people: dict[str, Person], review: str) -> None:
    for person in people.values():
        assert (await person.call("GET", f"/api/reviews/{review}")).status_code == 200


async def test_a_viewer_cannot_change_the_five_whys(people: dict[str, Person], review: str) -> None:
    before = await revision(people[LEADER], review)
    answer = await people[LEADER].call("PUT", f"/api/reviews/{review}/five-whys", FIVE_WHYS)
    forbidden(answer, "contributor")
    assert await revision(people[LEADER], review) == before


async def test_a_viewer_cannot_add_an_item(people: dict[str, Person], review: str) -> None:
    before = await revision(people[LEADER], review)
    answer = await people[LEADER].call("POST", f"/api/reviews/{review}/action-items", good_item())
    forbidden(answer, "contributor")
    assert await revision(people[LEADER], review) == before


async def test_a_responder_edits_the_five_whys_and_adds_items(
    people: dict[str, Person], review: str
) -> None:
    alice = people[RESPONDER]
    assert (
        await alice.call("PUT", f"/api/reviews/{review}/five-whys", FIVE_WHYS)
    ).status_code == 200
    added = await alice.call("POST", f"/api/reviews/{review}/action-items", good_item())
    assert added.status_code == 201, added.text
    went_well = {"text": "The on-call was paged within two minutes."}
    assert (
        await alice.call("POST", f"/api/reviews/{review}/went-well", went_well)
    ).status_code == 200


async def test_a_responder_cannot_publish(people: dict[str, Person], review: str) -> None:
    before = await revision(people[RESPONDER], review)
    answer = await people[RESPONDER].call("POST", f"/api/reviews/{review}/publish", {})
    forbidden(answer, "facilitator")
    assert await revision(people[RESPONDER], review) == before


async def test_a_responder_cannot_override_findings(people: dict[str, Person], review: str) -> None:
    before = await revision(people[RESPONDER], review)
    answer = await people[RESPONDER].call(
        "POST", f"/api/reviews/{review}/publish", {"blame_override": "It is fine."}
    )
    forbidden(answer, "facilitator")
    assert await revision(people[RESPONDER], review) == before


async def test_a_responder_cannot_remove_an_item(people: dict[str, Person], review: str) -> None:
    view = (await people[RESPONDER].call("GET", f"/api/reviews/{review}")).json()
    item = view["action_items"][0]["id"]
    answer = await people[RESPONDER].call("DELETE", f"/api/reviews/{review}/action-items/{item}")
    forbidden(answer, "facilitator")
    assert await revision(people[RESPONDER], review) == view["revision"]


async def test_a_responder_cannot_revoke_links(people: dict[str, Person], review: str) -> None:
    before = await revision(people[RESPONDER], review)
    answer = await people[RESPONDER].call("POST", f"/api/reviews/{review}/links/revoke")
    forbidden(answer, "facilitator")
    assert await revision(people[RESPONDER], review) == before


async def test_the_facilitator_publishes_and_the_history_names_each_person(
    people: dict[str, Person], review: str
) -> None:
    published = await people[FACILITATOR].call("POST", f"/api/reviews/{review}/publish", {})
    assert published.status_code == 200, published.text
    audit = (await people[LEADER].call("GET", f"/api/reviews/{review}/audit")).json()
    who = {e["action"]: e["actor"]["name"] for e in audit["entries"]}
    assert who["five_whys.submitted"] == RESPONDER
    assert who["review.published"] == FACILITATOR


async def test_after_publishing_a_responder_cannot_replan(
    people: dict[str, Person], review: str
) -> None:
    view = (await people[RESPONDER].call("GET", f"/api/reviews/{review}")).json()
    item = view["action_items"][0]["id"]
    answer = await people[RESPONDER].call(
        "PATCH",
        f"/api/reviews/{review}/action-items/{item}",
        {"due": due_in(30), "reason": "Waiting on the vendor."},
    )
    forbidden(answer, "facilitator")
    # After publishing, the items' workflows keep reporting (tickets open), so the revision
    # moves on its own: the item itself is what must not have changed.
    after = (await people[RESPONDER].call("GET", f"/api/reviews/{review}")).json()
    kept = next(i for i in after["action_items"] if i["id"] == item)
    assert (kept["due"], kept["replans"]) == (view["action_items"][0]["due"], [])


async def test_an_admin_may_revoke_links(people: dict[str, Person], review: str) -> None:
    answer = await people[ADMIN].call("POST", f"/api/reviews/{review}/links/revoke")
    assert answer.status_code == 200, answer.text
    assert answer.json()["links_revoked_at"]


async def test_a_session_call_without_the_csrf_token_is_refused(
    people: dict[str, Person], review: str
) -> None:
    answer = await people[FACILITATOR].http.post(f"/api/reviews/{review}/links/revoke")
    assert answer.status_code == 403
    assert answer.json()["errors"][0]["code"] == "csrf_invalid"


# --- tokens ----------------------------------------------------------------------------------------


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def tokens(site: Site) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    made = {scope: new_token(f"ci-{scope}", scope) for scope in ("read", "write")}
    lines = ",".join(entry.line for _, entry in made.values())
    settings = site.settings.model_copy(update={"api_tokens": lines})
    clients: dict[str, httpx.AsyncClient] = {}
    for scope, (token, _) in made.items():
        http = site.browser(settings)
        http.headers["Authorization"] = f"Bearer {token}"
        clients[scope] = http
    yield clients
    for http in clients.values():
        await http.aclose()


async def test_a_read_token_reads_but_cannot_write(
    tokens: dict[str, httpx.AsyncClient], site: Site
) -> None:
    incident_id = site.first
    assert (await tokens["read"].get(f"/api/reviews/{incident_id}")).status_code == 200
    before = (await tokens["read"].get(f"/api/reviews/{incident_id}")).json()["revision"]
    answer = await tokens["read"].put(f"/api/reviews/{incident_id}/five-whys", json=FIVE_WHYS)
    forbidden(answer, "contributor")
    after = (await tokens["read"].get(f"/api/reviews/{incident_id}")).json()["revision"]
    assert after == before


async def test_a_write_token_changes_a_review_under_its_name(
    tokens: dict[str, httpx.AsyncClient], site: Site
) -> None:
    incident_id = await site.new_review()
    answer = await tokens["write"].put(f"/api/reviews/{incident_id}/five-whys", json=FIVE_WHYS)
    assert answer.status_code == 200, answer.text
    audit = (await tokens["write"].get(f"/api/reviews/{incident_id}/audit")).json()
    actor = audit["entries"][-1]["actor"]
    assert (actor["kind"], actor["name"], actor["via"]) == ("token", "ci-write", "api")


async def test_a_call_without_a_token_or_session_answers_401(site: Site) -> None:
    async with site.browser() as anonymous:
        answer = await anonymous.get(f"/api/reviews/{site.first}")
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["code"] == "unauthorized"
