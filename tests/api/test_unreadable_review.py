"""A review whose workflow cannot answer its query (issue 15): a 503 that names the workflow, and a
page that says the review cannot be read right now, instead of a bare error.

The stand-in registers as ``PostmortemWorkflow`` and fails its ``status`` query with the message a
worker's stale-activation guard gives (followthrough/worker_runtime.py): what the API meets while a worker
rebuilds a review. A review whose workflow task keeps failing is tests/e2e/test_stuck_review.py.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
from temporalio import workflow
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from api.app import create_app
from followthrough.worker_runtime import STALE_ACTIVATION
from tests.support.site import API_TOKEN, sign_in, site_settings
from workflows.policy import Policy

INCIDENT = "PUNREAD1"
WORKFLOW_ID = f"postmortem-{INCIDENT}"


@workflow.defn(name="PostmortemWorkflow")
class UnreadableReviewWorkflow:
    @workflow.run
    async def run(self, inp: Any) -> None:  # noqa: ARG002 (the start input, unread)
        await workflow.wait_condition(lambda: False)

    @workflow.query(name="status")
    def status(self) -> None:
        raise RuntimeError(STALE_ACTIVATION)


@pytest_asyncio.fixture
async def browser(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    settings = site_settings(tmp_path)
    worker = Worker(
        time_env.client,
        task_queue=settings.task_queue,
        workflows=[UnreadableReviewWorkflow],
        workflow_runner=UnsandboxedWorkflowRunner(),
    )
    async with worker:
        await time_env.client.start_workflow(
            "PostmortemWorkflow", {}, id=WORKFLOW_ID, task_queue=settings.task_queue
        )
        app = create_app(settings, time_env.client, Policy())
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=settings.base_url
        ) as client:
            yield client


async def test_the_api_answers_503_review_unreadable_naming_the_workflow(
    browser: httpx.AsyncClient,
) -> None:
    answer = await browser.get(
        f"/api/reviews/{INCIDENT}", headers={"Authorization": f"Bearer {API_TOKEN}"}
    )
    assert answer.status_code == 503
    error = answer.json()["errors"][0]
    assert error["code"] == "review_unreadable"
    assert WORKFLOW_ID in error["message"]
    assert answer.headers["retry-after"] == "5"


async def test_the_review_page_says_it_cannot_be_read_right_now_with_the_workflow_id(
    browser: httpx.AsyncClient,
) -> None:
    await sign_in(browser, API_TOKEN, f"/reviews/{INCIDENT}")
    page = await browser.get(f"/reviews/{INCIDENT}")
    assert page.status_code == 503
    assert "This review cannot be read right now" in page.text
    assert WORKFLOW_ID in page.text


async def test_a_review_that_does_not_exist_is_404_not_unreadable(
    browser: httpx.AsyncClient,
) -> None:
    answer = await browser.get(
        f"/api/reviews/PNONE{uuid.uuid4().hex[:6].upper()}",
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    )
    assert answer.status_code == 404
