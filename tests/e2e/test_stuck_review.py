"""A review whose workflow task keeps failing: the service stays up and says so, where to look.

The review is made stuck the way a bad deploy would: its workflow cannot run its first task (here
an input it cannot decode, retried forever like a nondeterminism), under `followthrough dev`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from followthrough.worker_runtime import DATA_CONVERTER
from tests.support.dev_app import DevApp
from tests.support.harness import eventually
from tests.support.site import hidden

INCIDENT = "PSTUCK1"
WORKFLOW_ID = f"postmortem-{INCIDENT}"


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def stuck(dev_app: DevApp) -> AsyncIterator[DevApp]:
    client = await Client.connect(dev_app.temporal_address, data_converter=DATA_CONVERTER)
    handle = await client.start_workflow(
        "PostmortemWorkflow",
        {"incident": "not an incident"},
        id=WORKFLOW_ID,
        task_queue="followthrough",
    )

    async def failed_three_times() -> None:
        history = await handle.fetch_history()
        failures = [
            e for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
        ]
        assert failures, "the first workflow task has not failed yet"
        # Later attempts are not written to history; Temporal counts them for its problem flag.
        description = await handle.describe()
        assert description.raw_description.pending_workflow_task.attempt >= 3

    await eventually(failed_three_times, timeout=60)
    yield dev_app
    await handle.terminate("test done")


async def test_the_api_answers_503_review_unreadable_naming_the_workflow(stuck: DevApp) -> None:
    answer = stuck.api("GET", f"/api/reviews/{INCIDENT}")
    assert answer.status_code == 503
    error = answer.json()["errors"][0]
    assert error["code"] == "review_unreadable"
    assert WORKFLOW_ID in error["message"]
    assert answer.headers["retry-after"]


async def test_the_review_page_says_it_cannot_be_read_right_now(stuck: DevApp) -> None:
    with httpx.Client(base_url=stuck.base_url, trust_env=False, timeout=30) as browser:
        form = browser.get("/login", params={"next": f"/reviews/{INCIDENT}"})
        browser.post(
            "/login",
            data={"token": stuck.api_token, "csrf": hidden(form.text, "csrf"), "next": "/"},
        )
        page = browser.get(f"/reviews/{INCIDENT}")
    assert page.status_code == 503
    assert "This review cannot be read right now" in page.text
    assert WORKFLOW_ID in page.text


async def test_healthz_stays_ok_while_a_review_is_stuck(stuck: DevApp) -> None:
    assert stuck.http.get("/healthz").status_code == 200


def metric(text: str, name: str, workflow_type: str) -> float:
    found = re.search(
        rf'^{name}\{{[^}}]*workflow_type="{workflow_type}"[^}}]*\}} (\S+)$', text, re.M
    )
    assert found, f"no {name} for {workflow_type}:\n{text}"
    return float(found.group(1))


async def test_metrics_count_its_workflow_task_failures_by_type(stuck: DevApp) -> None:
    async def counted() -> None:
        text = stuck.http.get("/metrics").text
        assert metric(text, "followthrough_workflow_task_failures_total", "PostmortemWorkflow") >= 3

    await eventually(counted, timeout=30)


async def test_metrics_show_the_stuck_review_as_a_failing_workflow(stuck: DevApp) -> None:
    async def flagged() -> None:
        text = stuck.http.get("/metrics").text
        assert metric(text, "followthrough_workflows_failing_tasks", "PostmortemWorkflow") == 1
        assert metric(text, "followthrough_workflows_failing_tasks", "ActionItemWorkflow") == 0

    await eventually(flagged, timeout=30)
