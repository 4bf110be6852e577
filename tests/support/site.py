"""A running site for page tests: the app on a real worker with two fresh reviews, and what a
browser does with it (sign in, read form tokens)."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.starter import start_review
from followthrough.settings import Settings
from tests.support.harness import eventually, incident, local_worker, settings_for
from workflows.ids import review_workflow_id
from workflows.policy import Policy
from workflows.postmortem import PostmortemWorkflow

API_TOKEN = "api-token-5f1c7e0a9b2d4c6e8f"
SESSION_SECRET = "session-secret-3a7d9c1e5b0f2468"
PAGERDUTY_SECRET = "pagerduty-secret-8e6c4a2019bd"
JIRA_SECRET = "jira-secret-4b2d0f8e6c1a"


@dataclass
class Site:
    """One app on a real worker, with two reviews (``first`` and ``second``)."""

    env: WorkflowEnvironment
    settings: Settings
    tmp_path: Path
    first: str
    second: str

    def browser(self, settings: Settings | None = None) -> httpx.AsyncClient:
        """A fresh cookie jar, like a new browser."""
        settings = settings or self.settings
        app = create_app(settings, self.env.client, Policy())
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=settings.base_url,
            follow_redirects=False,
        )

    async def new_review(self) -> str:
        return await open_review(self.env, self.settings, f"PNEW{uuid.uuid4().hex[:8].upper()}")

    @asynccontextmanager
    async def signed_in(self) -> AsyncIterator[httpx.AsyncClient]:
        async with self.browser() as browser:
            await sign_in(browser, API_TOKEN)
            yield browser

    @asynccontextmanager
    async def acting_as(self, email: str) -> AsyncIterator[httpx.AsyncClient]:
        """A browser signed in by picking ``email`` (the site runs in dev mode)."""
        async with self.browser() as browser:
            form = await browser.get("/login")
            answer = await browser.post(
                "/login/dev", data={"email": email, "csrf": hidden(form.text, "csrf"), "next": "/"}
            )
            assert answer.status_code == 303, answer.text
            yield browser


def site_settings(tmp_path: Path, **extra: Any) -> Settings:
    return settings_for(
        tmp_path,
        api_token=API_TOKEN,
        session_secret=SESSION_SECRET,
        pagerduty_webhook_secrets=PAGERDUTY_SECRET,
        jira_webhook_secret=JIRA_SECRET,
        dev_mode=True,
        **extra,
    )


async def open_review(env: WorkflowEnvironment, settings: Settings, incident_id: str) -> str:
    """Start a review the way the webhook does, and wait until its document is written."""
    await start_review(env.client, settings, Policy(), incident(incident_id, datetime.now(UTC)))

    async def opened() -> None:
        handle = env.client.get_workflow_handle(review_workflow_id(incident_id))
        status = await handle.query(PostmortemWorkflow.status)
        assert status.state.doc_url, "the document is not written yet"

    await eventually(opened)
    return incident_id


@asynccontextmanager
async def running_site(env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Site]:
    """An app on the production worker, with two fresh reviews."""
    settings = site_settings(tmp_path)
    suffix = uuid.uuid4().hex[:8].upper()
    async with local_worker(env.client, settings):
        first = await open_review(env, settings, f"PFIRST{suffix}")
        second = await open_review(env, settings, f"PSECOND{suffix}")
        yield Site(env, settings, tmp_path, first, second)


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name}"
    return found.group(1)


def meta_csrf(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, "no csrf meta tag"
    return found.group(1)


async def sign_in(browser: httpx.AsyncClient, token: str, next_path: str = "/") -> httpx.Response:
    form = await browser.get("/login", params={"next": next_path})
    return await browser.post(
        "/login", data={"token": token, "csrf": hidden(form.text, "csrf"), "next": next_path}
    )
