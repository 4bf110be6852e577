"""api.identity.guard: the one question every page and /api route asks, on a bare app.

A person signs in through the dev pick (``followthrough dev`` only), a link through
``open_link``; the review is a real ``ReviewState`` the routes ask about.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio
from fastapi import FastAPI, Request, Response
from pydantic import SecretStr

from api import errors
from api.identity.guard import authorize_review, facts_of, open_link
from api.identity.roles import Action, Role
from api.identity.signin import sign_in_dev
from api.identity.wiring import identity_from_settings
from connectors.links import sign_person_token
from followthrough.settings import Settings
from tests.support.rules import ready_state
from workflows.policy import Policy, Team
from workflows.review import Person, ReviewState

BASE = "http://127.0.0.1:9"
SETTINGS = Settings(public_url=BASE, session_secret=SecretStr("g" * 32), dev_mode=True)
POLICY = Policy(teams=[Team(name="Payments", facilitator_groups=["payments-leads"])])


def review(incident_id: str = "PT4KHLK") -> ReviewState:
    state = ready_state(team="Payments")
    incident = state.incident.model_copy(
        update={"id": incident_id, "responders": [Person(name="Rui", email="Rui@Example.com")]}
    )
    return state.model_copy(update={"incident": incident})


REVIEWS = {r.incident.id: r for r in (review("PT4KHLK"), review("POTHER1"))}


def make_app() -> FastAPI:
    app = FastAPI()
    app.state.identity = identity_from_settings(SETTINGS)
    app.state.policy = POLICY
    errors.install(app)

    @app.post("/login/dev")
    async def dev(request: Request) -> Response:
        form = await request.form()
        return sign_in_dev(request, str(form.get("email", "")), "/")

    @app.get("/reviews/{incident_id}/access")
    async def access(request: Request, incident_id: str, action: str = "read") -> dict[str, Any]:
        allowed = authorize_review(request, REVIEWS[incident_id], Action(action))
        return {"role": allowed.role.value, "can": sorted(allowed.can)}

    @app.get("/reviews/{incident_id}/open")
    async def opened(
        request: Request, response: Response, incident_id: str, t: str
    ) -> dict[str, Any]:
        grant = open_link(request, response, incident_id, t)
        return {"role": grant.role.value, "recipient": grant.recipient}

    return app


@pytest_asyncio.fixture(loop_scope="session")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app())
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield client


async def signed_in_as(http: httpx.AsyncClient, email: str) -> None:
    assert (await http.post("/login/dev", data={"email": email})).status_code == 303


def link(incident_id: str, recipient: str, role: str) -> str:
    assert SETTINGS.signing_key is not None
    return sign_person_token(incident_id, recipient, role, SETTINGS.signing_key)


def test_the_facts_hold_the_facilitator_responders_owners_and_team_groups() -> None:
    facts = facts_of(review(), POLICY)

    assert facts.facilitator == "facilitator@example.com"
    assert facts.responders == frozenset({"rui@example.com"})
    assert "bob@example.com" in facts.owners
    assert facts.facilitator_groups == frozenset({"payments-leads"})


def test_a_review_of_no_known_team_has_no_facilitator_groups() -> None:
    facts = facts_of(ready_state(team="Search"), POLICY)

    assert facts.facilitator_groups == frozenset()


async def test_a_caller_who_is_not_signed_in_is_refused_with_401(http: httpx.AsyncClient) -> None:
    answer = await http.get("/reviews/PT4KHLK/access")

    assert answer.status_code == 401


async def test_the_facilitator_may_publish(http: httpx.AsyncClient) -> None:
    await signed_in_as(http, "facilitator@example.com")

    answer = await http.get("/reviews/PT4KHLK/access", params={"action": "publish"})

    assert answer.status_code == 200, answer.text
    assert answer.json()["role"] == Role.FACILITATOR
    assert "publish" in answer.json()["can"]


async def test_a_responder_is_a_contributor(http: httpx.AsyncClient) -> None:
    await signed_in_as(http, "rui@example.com")

    answer = await http.get("/reviews/PT4KHLK/access", params={"action": "edit_five_whys"})

    assert answer.json()["role"] == Role.CONTRIBUTOR


async def test_an_action_above_the_callers_role_is_refused_with_403(
    http: httpx.AsyncClient,
) -> None:
    await signed_in_as(http, "rui@example.com")

    answer = await http.get("/reviews/PT4KHLK/access", params={"action": "publish"})

    assert answer.status_code == 403
    assert answer.json()["errors"][0]["code"] == "forbidden"


async def test_a_link_gives_its_recipient_the_links_role_on_its_review(
    http: httpx.AsyncClient,
) -> None:
    opened = await http.get(
        "/reviews/PT4KHLK/open", params={"t": link("PT4KHLK", "rui@example.com", "contributor")}
    )
    answer = await http.get("/reviews/PT4KHLK/access", params={"action": "edit_five_whys"})

    assert opened.json() == {"role": "contributor", "recipient": "rui@example.com"}
    assert answer.status_code == 200, answer.text
    assert answer.json()["role"] == Role.CONTRIBUTOR


async def test_a_link_gives_no_more_than_its_recipient_has_on_the_review(
    http: httpx.AsyncClient,
) -> None:
    await http.get(
        "/reviews/PT4KHLK/open", params={"t": link("PT4KHLK", "ana@example.com", "contributor")}
    )

    answer = await http.get("/reviews/PT4KHLK/access")

    assert answer.json()["role"] == Role.VIEWER


async def test_a_link_session_may_not_read_another_review(http: httpx.AsyncClient) -> None:
    await http.get(
        "/reviews/PT4KHLK/open", params={"t": link("PT4KHLK", "ana@example.com", "viewer")}
    )

    answer = await http.get("/reviews/POTHER1/access")

    assert answer.status_code == 403


async def test_a_link_opened_on_another_review_is_refused(http: httpx.AsyncClient) -> None:
    answer = await http.get(
        "/reviews/POTHER1/open", params={"t": link("PT4KHLK", "ana@example.com", "viewer")}
    )

    assert answer.status_code == 403
    assert answer.json()["errors"][0]["code"] == "link_other_review"


async def test_a_forged_link_is_refused_with_401(http: httpx.AsyncClient) -> None:
    forged = sign_person_token("PT4KHLK", "ana@example.com", "facilitator", "x" * 32)

    answer = await http.get("/reviews/PT4KHLK/open", params={"t": forged})

    assert answer.status_code == 401


async def test_a_person_signed_in_in_full_keeps_their_session_when_opening_a_link(
    http: httpx.AsyncClient,
) -> None:
    await signed_in_as(http, "rui@example.com")
    await http.get(
        "/reviews/PT4KHLK/open", params={"t": link("PT4KHLK", "rui@example.com", "viewer")}
    )

    answer = await http.get("/reviews/POTHER1/access", params={"action": "edit_five_whys"})

    assert answer.json()["role"] == Role.CONTRIBUTOR
