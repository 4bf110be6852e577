"""Who may open a page or send a form (api.pages.common): sign-in redirects, review-scoped
links, CSRF, the security headers, and no secrets in pages.

The app runs in process (httpx's ASGI transport, the async sibling of FastAPI's TestClient) on a
real Temporal dev server with the production worker, so pages answer from real reviews.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.responses import Response
from starlette.datastructures import FormData

from api.errors import ApiError
from api.pages import session as pages_auth
from api.pages.common import as_typed, redirect, saved_or_refused
from connectors.links import link_secret, sign_review_token
from tests.support.pages import post
from tests.support.site import (
    API_TOKEN,
    JIRA_SECRET,
    PAGERDUTY_SECRET,
    SESSION_SECRET,
    Site,
    meta_csrf,
)
from workflows.codes import Code
from workflows.limits import TEXT


def old_token(incident_id: str, secret: str, age_seconds: float) -> str:
    """A review-link token signed ``age_seconds`` ago."""
    signed_at = time.time() - age_seconds
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("itsdangerous.timed.time", SimpleNamespace(time=lambda: signed_at))
        return sign_review_token(incident_id, secret)


# --- without a session --------------------------------------------------------------------------


async def test_each_page_without_a_session_redirects_to_login(site: Site) -> None:
    async with site.browser() as browser:
        for path in (
            "/",
            f"/reviews/{site.first}",
            f"/reviews/{site.first}/follow-up",
            f"/reviews/{site.first}/document",
            "/outbox",
        ):
            response = await browser.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login?next="), path


async def test_each_form_post_without_a_session_is_refused_with_401(site: Site) -> None:
    async with site.browser() as browser:
        for path in (
            f"/reviews/{site.first}/five-whys",
            f"/reviews/{site.first}/action-items",
            f"/reviews/{site.first}/went-well",
            f"/reviews/{site.first}/publish",
            f"/reviews/{site.first}/follow-up",
            f"/reviews/{site.first}/action-items/1/close",
        ):
            response = await browser.post(path, data={"text": "x"})
            assert response.status_code == 401, path


# --- signing in ---------------------------------------------------------------------------------


async def test_signed_in_session_opens_every_page(site: Site) -> None:
    async with site.signed_in() as browser:
        for path in (
            "/",
            f"/reviews/{site.first}",
            f"/reviews/{site.second}",
            f"/reviews/{site.first}/follow-up",
            f"/reviews/{site.first}/document",
            "/outbox",
        ):
            assert (await browser.get(path)).status_code == 200, path


# --- review links -------------------------------------------------------------------------------


async def test_review_link_sets_a_scoped_session_and_drops_the_token_from_the_url(
    site: Site,
) -> None:
    token = sign_review_token(site.first, SESSION_SECRET)
    async with site.browser() as browser:
        response = await browser.get(f"/reviews/{site.first}", params={"t": token})
        assert response.status_code == 303
        assert response.headers["location"] == f"/reviews/{site.first}"
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        page = await browser.get(f"/reviews/{site.first}")
        assert page.status_code == 200
        assert token not in page.text


async def test_scoped_session_cannot_open_another_review_or_the_dashboard(site: Site) -> None:
    token = sign_review_token(site.first, SESSION_SECRET)
    async with site.browser() as browser:
        await browser.get(f"/reviews/{site.first}", params={"t": token})
        assert (await browser.get(f"/reviews/{site.second}")).status_code == 403
        assert (await browser.get(f"/reviews/{site.second}/document")).status_code == 403
        assert (await browser.get("/")).status_code == 403
        assert (await browser.get("/outbox")).status_code == 403


async def test_expired_review_link_is_refused(site: Site) -> None:
    # Past the policy's links.max_age (default 14 days): 401 with a way to sign in.
    token = old_token(site.first, SESSION_SECRET, age_seconds=15 * 86400)
    async with site.browser() as browser:
        response = await browser.get(f"/reviews/{site.first}", params={"t": token})
        assert response.status_code == 401
        assert 'href="/login"' in response.text
        assert "expired" in response.text
        assert pages_auth.SESSION_COOKIE not in response.cookies
        assert (await browser.get(f"/reviews/{site.first}")).status_code == 303


async def test_recent_review_link_is_accepted(site: Site) -> None:
    token = old_token(site.first, SESSION_SECRET, age_seconds=13 * 86400)
    async with site.browser() as browser:
        response = await browser.get(f"/reviews/{site.first}", params={"t": token})
    assert response.status_code == 303
    assert pages_auth.SESSION_COOKIE in response.cookies


async def test_review_link_for_another_review_is_refused(site: Site) -> None:
    token = sign_review_token(site.second, SESSION_SECRET)
    async with site.browser() as browser:
        response = await browser.get(f"/reviews/{site.first}", params={"t": token})
        assert response.status_code == 403
        assert (await browser.get(f"/reviews/{site.first}")).status_code == 303


async def test_review_link_signed_with_another_secret_is_refused(site: Site) -> None:
    token = sign_review_token(site.first, "some-other-secret")
    async with site.browser() as browser:
        response = await browser.get(f"/reviews/{site.first}", params={"t": token})
    assert response.status_code == 401


# --- CSRF ---------------------------------------------------------------------------------------


async def test_form_post_without_csrf_token_is_refused_with_403(site: Site) -> None:
    async with site.signed_in() as browser:
        response = await browser.post(
            f"/reviews/{site.first}/went-well", data={"text": "The page came fast."}
        )
        assert response.status_code == 403
        wrong = await browser.post(
            f"/reviews/{site.first}/went-well",
            data={"text": "The page came fast.", "csrf": "0" * 64},
        )
        assert wrong.status_code == 403


async def test_csrf_token_of_another_session_is_refused(site: Site) -> None:
    async with site.signed_in() as other:
        foreign = meta_csrf((await other.get(f"/reviews/{site.first}")).text)
    async with site.signed_in() as browser:
        response = await browser.post(
            f"/reviews/{site.first}/went-well", data={"text": "Quick page.", "csrf": foreign}
        )
    assert response.status_code == 403


async def test_form_post_with_the_session_csrf_token_is_accepted(site: Site) -> None:
    async with site.signed_in() as browser:
        csrf = meta_csrf((await browser.get(f"/reviews/{site.second}")).text)
        response = await browser.post(
            f"/reviews/{site.second}/went-well",
            data={"text": "The runbook had the right command.", "csrf": csrf},
        )
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/reviews/{site.second}?saved=went_well")


async def test_scoped_session_cannot_post_to_another_review(site: Site) -> None:
    token = sign_review_token(site.first, SESSION_SECRET)
    async with site.browser() as browser:
        await browser.get(f"/reviews/{site.first}", params={"t": token})
        csrf = meta_csrf((await browser.get(f"/reviews/{site.first}")).text)
        response = await browser.post(
            f"/reviews/{site.second}/went-well", data={"text": "Quick page.", "csrf": csrf}
        )
    assert response.status_code == 403


# --- secrets --------------------------------------------------------------------------------------


async def test_pages_contain_no_secret_values(site: Site) -> None:
    derived = link_secret(None, API_TOKEN)
    async with site.signed_in() as browser:
        cookie = browser.cookies.get(pages_auth.SESSION_COOKIE)
        assert cookie
        paths = [
            "/login",
            "/",
            f"/reviews/{site.first}",
            f"/reviews/{site.first}/follow-up",
            f"/reviews/{site.first}/document",
            "/outbox",
        ]
        for path in paths:
            response = await browser.get(path)
            text = response.text + response.headers.get("location", "")
            for secret in (
                API_TOKEN,
                SESSION_SECRET,
                PAGERDUTY_SECRET,
                JIRA_SECRET,
                derived,
                cookie,
            ):
                assert secret not in text, f"{path} shows a secret"


async def test_pages_send_a_strict_content_security_policy(site: Site) -> None:
    async with site.signed_in() as browser:
        response = await browser.get(f"/reviews/{site.first}")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["cache-control"] == "no-store"


# --- the end of every form: saved, or shown again ----------------------------------------------


async def _accepted() -> None:
    return None


async def _refused(status: int) -> None:
    raise ApiError(status, Code.TOO_LONG, "text is too long", field="text")


async def _shown_again(violations: list[dict[str, Any]]) -> Response:
    return Response(",".join(v["code"] for v in violations), status_code=422)


async def test_an_accepted_form_answers_the_redirect_back() -> None:
    back = redirect("/reviews/P1?saved=went_well")
    assert await saved_or_refused(_accepted(), back, _shown_again) is back


async def test_a_form_the_rules_refuse_is_shown_again_with_their_violations() -> None:
    answer = await saved_or_refused(_refused(422), redirect("/"), _shown_again)
    assert (answer.status_code, answer.body) == (422, b"too_long")


async def test_any_other_refusal_goes_to_the_one_error_path() -> None:
    with pytest.raises(ApiError) as raised:
        await saved_or_refused(_refused(503), redirect("/"), _shown_again)
    assert raised.value.status == 503


# --- form text as typed ----------------------------------------------------------------------------


def test_every_crlf_and_lone_cr_of_a_form_becomes_one_lf() -> None:
    form = as_typed(FormData([("text", "one\r\ntwo\rthree\nfour"), ("text", "a\r\n")]))
    assert form.getlist("text") == ["one\ntwo\nthree\nfour", "a\n"]


async def test_a_text_at_the_limit_sent_with_crlf_line_breaks_is_accepted(site: Site) -> None:
    line = "The runbook named the exact rollback command for the payments config."
    typed = "\n".join([line] * (TEXT // (len(line) + 1) + 1))[: TEXT - 1].rstrip()
    typed += "." * (TEXT - len(typed))
    sent = typed.replace("\n", "\r\n")  # what a browser posts for a text area
    assert (len(typed), len(sent) > TEXT) == (TEXT, True)
    incident_id = await site.new_review()
    async with site.signed_in() as browser:
        answer = await post(browser, incident_id, "went-well", {"text": sent})
        review = (await browser.get(f"/api/reviews/{incident_id}")).json()
    assert answer.status_code == 303, answer.text[:2000]
    assert review["went_well"] == [typed]
