"""api.identity.access on a small app: tokens, server-side sessions, CSRF, the limit, refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient

from api import errors
from api.identity.access import SESSION_COOKIE, Identity, authorize
from api.identity.roles import AccessRules, Action, LinkGrant, ReviewFacts, Role
from api.identity.sessions import SessionRecord, SignedInWith
from api.identity.tokens import new_token

NOW = datetime.now(UTC)
RULES = AccessRules.of(admins=["ada@example.com"])
FACTS = {
    "P1": ReviewFacts.of("P1", "fay@example.com", responders=["rui@example.com"]),
    "P2": ReviewFacts.of("P2", "fay@example.com", links_revoked_at=NOW),
}
CI_TOKEN, CI_ENTRY = new_token("ci", "read")


def build() -> tuple[TestClient, Identity]:
    identity = Identity(key="k" * 32, rules=RULES, tokens=(CI_ENTRY,), legacy_token="legacy")
    app = FastAPI()
    errors.install(app)

    @app.get("/whoami")
    async def whoami(request: Request) -> dict[str, str]:
        caller = identity.require(request)
        return {"name": caller.who.name, "via": caller.via.value}

    @app.post("/reviews/{incident_id}/publish")
    async def publish(request: Request, incident_id: str) -> dict[str, str]:
        caller = identity.require(request)
        role = authorize(caller, FACTS[incident_id], Action.PUBLISH, RULES)
        return {"role": role.value}

    @app.post("/sign-in/{email}")
    async def sign_in(email: str, response: Response) -> dict[str, str]:
        record = SessionRecord(email, SignedInWith.DEV, 0, 0)
        session_id = identity.start_session(response, record)
        return {"csrf": identity.csrf_token(session_id)}

    @app.post("/link/{incident_id}/{email}/{role}")
    async def link(incident_id: str, email: str, role: str, response: Response) -> dict[str, str]:
        grant = LinkGrant(incident_id, email, Role(role), NOW - timedelta(days=1))
        record = SessionRecord(None, SignedInWith.LINK, 0, 0).with_grant(grant)
        return {"csrf": identity.csrf_token(identity.start_session(response, record))}

    @app.post("/sign-out")
    async def sign_out(request: Request, response: Response) -> dict[str, str]:
        identity.end_session(request, response)
        return {}

    return TestClient(app), identity


def test_a_named_token_is_its_name_over_the_api() -> None:
    client, _ = build()
    answer = client.get("/whoami", headers={"Authorization": f"Bearer {CI_TOKEN}"})
    assert answer.json() == {"name": "ci", "via": "api"}


def test_the_eleventh_failed_sign_in_in_a_minute_answers_429_with_retry_after() -> None:
    client, _ = build()
    for _ in range(10):
        assert client.get("/whoami", headers={"Authorization": "Bearer wrong"}).status_code == 401
    blocked = client.get("/whoami", headers={"Authorization": f"Bearer {CI_TOKEN}"})
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) in range(1, 61)
    assert blocked.json()["errors"][0]["code"] == "too_many_sign_ins"


def test_signing_out_ends_the_session_for_another_holder_of_the_same_cookie() -> None:
    client, _ = build()
    client.post("/sign-in/fay@example.com")
    cookie = client.cookies[SESSION_COOKIE]
    other = TestClient(client.app, cookies={SESSION_COOKIE: cookie})
    assert other.get("/whoami").json()["name"] == "fay@example.com"
    client.post("/sign-out")
    assert other.get("/whoami").status_code == 401


def test_a_cookie_call_that_changes_something_needs_the_csrf_token() -> None:
    client, _ = build()
    csrf = client.post("/sign-in/fay@example.com").json()["csrf"]
    assert client.post("/reviews/P1/publish").json()["errors"][0]["code"] == "csrf_invalid"
    answer = client.post("/reviews/P1/publish", headers={"X-CSRF-Token": csrf})
    assert answer.json() == {"role": "facilitator"}


def test_a_contributor_is_refused_publishing_with_the_role_it_needs() -> None:
    client, _ = build()
    csrf = client.post("/sign-in/rui@example.com").json()["csrf"]
    answer = client.post("/reviews/P1/publish", headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 403
    error = answer.json()["errors"][0]
    assert error["code"] == "forbidden"
    assert "needs the facilitator role" in error["message"]


@pytest.mark.parametrize(
    ("target", "status", "code"),
    [("P2", 401, "link_revoked"), ("P1", 403, "forbidden")],
    ids=["revoked", "other-review"],
)
def test_a_link_answers_for_its_own_review_only_and_not_once_revoked(
    target: str, status: int, code: str
) -> None:
    client, _ = build()
    # A facilitator link for P2 (revoked since), and nothing for P1.
    csrf = client.post("/link/P2/fay@example.com/facilitator").json()["csrf"]
    answer = client.post(f"/reviews/{target}/publish", headers={"X-CSRF-Token": csrf})
    assert answer.status_code == status
    assert answer.json()["errors"][0]["code"] == code


def test_a_forged_cookie_is_nobody() -> None:
    client, _ = build()
    client.cookies.set(SESSION_COOKIE, "forged")
    assert client.get("/whoami").status_code == 401
