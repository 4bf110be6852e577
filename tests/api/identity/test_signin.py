"""The sign-in flows (api.identity.signin) through the real OpenID Connect provider, on a bare app.

The pages' own tests drive the same flows through ``/login`` in Chromium; these check each
outcome of a flow without a browser: who the session is, and every refusal.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import Depends, FastAPI, Request, Response
from pydantic import SecretStr

from api import errors
from api.identity.guard import require_caller
from api.identity.principal import Principal
from api.identity.signin import (
    CALLBACK_PATH,
    SignInFailed,
    begin_oidc,
    finish_oidc,
    sign_in_dev,
    sign_in_token,
    sign_out,
)
from api.identity.tokens import new_token
from api.identity.wiring import identity_from_settings
from followthrough.settings import Settings
from tests.fakes.oidc_provider import OidcProvider, callback_params

BASE = "http://127.0.0.1:9"
LEGACY = "legacy-admin-token-0123456789"


def make_app(settings: Settings) -> FastAPI:
    app = FastAPI()
    app.state.settings = settings
    app.state.identity = identity_from_settings(settings, oidc_http_options={"trust_env": False})
    errors.install(app)

    def failed(exc: SignInFailed) -> Response:
        return Response(f"{exc.code}: {exc.message}", status_code=exc.status, headers=exc.headers)

    @app.get("/login/sso")
    async def sso(request: Request, next: str = "/") -> Response:
        try:
            return await begin_oidc(request, next)
        except SignInFailed as exc:
            return failed(exc)

    @app.get(CALLBACK_PATH)
    async def callback(request: Request) -> Response:
        try:
            return await finish_oidc(request)
        except SignInFailed as exc:
            return failed(exc)

    def form_route(path: str, field: str, sign_in: Any) -> None:
        async def route(request: Request) -> Response:
            form = await request.form()
            try:
                response: Response = sign_in(request, str(form.get(field, "")), "/me")
            except SignInFailed as exc:
                return failed(exc)
            return response

        app.post(path)(route)

    form_route("/login/token", "token", sign_in_token)
    form_route("/login/dev", "email", sign_in_dev)

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        return sign_out(request)

    @app.get("/me")
    async def me(caller: Principal = Depends(require_caller)) -> dict[str, Any]:
        return {"name": caller.who.name, "groups": sorted(caller.who.groups), "via": caller.via}

    return app


@pytest.fixture(scope="module")
def sso_settings(oidc_provider: OidcProvider) -> Settings:
    registered = oidc_provider.register_client([BASE + CALLBACK_PATH])
    return Settings(
        public_url=BASE,
        session_secret=SecretStr("s" * 32),
        api_token=SecretStr(LEGACY),
        oidc_issuer=oidc_provider.issuer,
        oidc_client_id=registered.client_id,
        oidc_client_secret=SecretStr(registered.client_secret),
    )


@pytest_asyncio.fixture(loop_scope="session")
async def browser(sso_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(sso_settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http:
        yield http


async def sso_sign_in(http: httpx.AsyncClient, provider: OidcProvider, user: str) -> httpx.Response:
    left = await http.get("/login/sso", params={"next": "/me"})
    assert left.status_code == 303
    landed = await provider.sign_in(left.headers["location"], user)
    return await http.get(CALLBACK_PATH, params=callback_params(landed))


@pytest.mark.asyncio(loop_scope="session")
async def test_sso_signs_in_as_the_verified_email_with_groups(
    browser: httpx.AsyncClient, oidc_provider: OidcProvider
) -> None:
    back = await sso_sign_in(browser, oidc_provider, "fay")
    assert back.status_code == 303 and back.headers["location"] == "/me"
    me = (await browser.get("/me")).json()
    assert me == {"name": "fay@example.com", "groups": ["payments-facilitators"], "via": "page"}


@pytest.mark.asyncio(loop_scope="session")
async def test_sso_refuses_an_unverified_email(
    browser: httpx.AsyncClient, oidc_provider: OidcProvider
) -> None:
    back = await sso_sign_in(browser, oidc_provider, "una")
    assert back.status_code == 401 and "oidc_email_unverified" in back.text
    assert (await browser.get("/me")).status_code == 401


@pytest.mark.asyncio(loop_scope="session")
async def test_a_callback_without_its_pending_cookie_is_refused(
    browser: httpx.AsyncClient, oidc_provider: OidcProvider
) -> None:
    left = await browser.get("/login/sso")
    landed = await oidc_provider.sign_in(left.headers["location"], "ada")
    browser.cookies.clear()
    back = await browser.get(CALLBACK_PATH, params=callback_params(landed))
    assert back.status_code == 400 and "oidc_state_mismatch" in back.text


@pytest.mark.asyncio(loop_scope="session")
async def test_a_provider_cancel_is_shown_as_a_refusal(
    browser: httpx.AsyncClient, oidc_provider: OidcProvider
) -> None:
    left = await browser.get("/login/sso")
    landed = await oidc_provider.sign_in(left.headers["location"], "ada", cancel=True)
    back = await browser.get(CALLBACK_PATH, params=callback_params(landed))
    assert back.status_code == 401 and "oidc_refused" in back.text


@pytest.mark.asyncio(loop_scope="session")
async def test_a_wrong_client_secret_is_named_as_misconfiguration(
    sso_settings: Settings, oidc_provider: OidcProvider
) -> None:
    wrong = sso_settings.model_copy(update={"oidc_client_secret": SecretStr("not-the-secret")})
    transport = httpx.ASGITransport(app=make_app(wrong))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        back = await sso_sign_in(http, oidc_provider, "ada")
    assert back.status_code == 401 and "oidc_misconfigured" in back.text
    assert "not-the-secret" not in back.text


@pytest.mark.asyncio(loop_scope="session")
async def test_sign_out_ends_the_session_for_every_copy_of_the_cookie(
    browser: httpx.AsyncClient, oidc_provider: OidcProvider
) -> None:
    await sso_sign_in(browser, oidc_provider, "rui")
    copy = dict(browser.cookies.items())
    await browser.post("/logout")
    browser.cookies.update(copy)
    assert (await browser.get("/me")).status_code == 401


@pytest.mark.asyncio(loop_scope="session")
async def test_a_named_token_signs_in_on_the_page_under_its_name() -> None:
    token, entry = new_token("ci", "write")
    settings = Settings(public_url=BASE, session_secret=SecretStr("k" * 32), api_tokens=entry.line)
    transport = httpx.ASGITransport(app=make_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        assert (await http.post("/login/token", data={"token": token})).status_code == 303
        assert (await http.get("/me")).json()["name"] == "ci"


@pytest.mark.asyncio(loop_scope="session")
async def test_the_eleventh_failed_sign_in_in_a_minute_answers_429() -> None:
    settings = Settings(public_url=BASE, session_secret=SecretStr("k" * 32))
    transport = httpx.ASGITransport(app=make_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        answers = [(await http.post("/login/token", data={"token": "wrong"})) for _ in range(11)]
    assert [a.status_code for a in answers] == [401] * 10 + [429]
    assert int(answers[-1].headers["retry-after"]) > 0


@pytest.mark.asyncio(loop_scope="session")
async def test_dev_sign_in_acts_as_the_picked_email_in_dev_mode_only() -> None:
    for dev_mode, expected in ((True, 303), (False, 403)):
        settings = Settings(public_url=BASE, session_secret=SecretStr("k" * 32), dev_mode=dev_mode)
        transport = httpx.ASGITransport(app=make_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
            answer = await http.post("/login/dev", data={"email": "Ola@Example.com"})
            assert answer.status_code == expected
            if dev_mode:
                assert (await http.get("/me")).json()["name"] == "ola@example.com"


@pytest.mark.asyncio(loop_scope="session")
async def test_a_misconfigured_issuer_is_named_on_the_way_out(sso_settings: Settings) -> None:
    assert sso_settings.oidc_issuer is not None
    wrong = sso_settings.model_copy(update={"oidc_issuer": sso_settings.oidc_issuer + "/nope"})
    transport = httpx.ASGITransport(app=make_app(wrong))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
        left = await http.get("/login/sso")
    assert left.status_code == 502
    assert left.text.startswith("oidc_")
