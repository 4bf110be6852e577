"""The review's workflow writes the review store after its changes and reads it when it opens.

Time-skipping server, the production worker (its SQLite store in the test's data folder).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from connectors.documents import MarkdownDocuments
from connectors.errors import ConnectorError, ErrorKind, System
from connectors.store import ReviewRecord, ReviewStore
from followthrough.settings import Settings
from followthrough.wiring import build_connectors
from tests.support.harness import (
    FIVE_WHYS,
    close_ticket,
    eventually,
    incident,
    item,
    local_worker,
    outbox,
    settings_for,
)
from tests.support.pages import GOOD_WHYS, five_whys, post
from tests.support.site import API_TOKEN, sign_in, site_settings
from worker import build_worker
from workflows.contracts import PostmortemInput, ReviewOutcome
from workflows.policy import Policy
from workflows.postmortem import PostmortemWorkflow
from workflows.review import ItemStatus, PublishRequest, WentWell

Review = WorkflowHandle[PostmortemWorkflow, ReviewOutcome]
FACILITATOR = Policy().defaults.facilitator


async def start(env: WorkflowEnvironment, settings: Settings, incident_id: str) -> Review:
    now = await env.get_current_time()
    return await env.client.start_workflow(
        PostmortemWorkflow.run,
        PostmortemInput(
            incident=incident(incident_id, now),
            policy=Policy(),
            review_url=f"http://review.test/reviews/{incident_id}",
        ),
        id=f"postmortem-{incident_id}",
        task_queue=settings.task_queue,
    )


async def publish_one_item(env: WorkflowEnvironment, review: Review) -> None:
    now = await env.get_current_time()
    await review.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
    for owner, rc in (("alice@example.com", "rc1"), ("bob@example.com", "rc2")):
        await review.execute_update(
            PostmortemWorkflow.add_action_item,
            item("Cap pool size at 20 in the template", owner, now + timedelta(days=9), rc),
        )
    await review.execute_update(
        PostmortemWorkflow.add_went_well, WentWell(text="The runbook had the rollback steps.")
    )
    await review.execute_update(PostmortemWorkflow.publish, PublishRequest())


async def stored_as_workflow_has_it(
    review: Review, store: ReviewStore, incident_id: str
) -> ReviewRecord:
    """Wait until the store holds the workflow's current revision; returns the record."""

    async def check() -> ReviewRecord:
        state = (await review.query(PostmortemWorkflow.status)).state
        stored = store.get(incident_id)
        assert stored is not None and stored.revision == state.revision
        assert all(i.ticket is not None for i in state.action_items)
        return stored

    return await eventually(check, timeout=30)


async def published(
    env: WorkflowEnvironment, settings: Settings, store: ReviewStore, incident_id: str
) -> tuple[Review, ReviewRecord]:
    """A review started, published with two items, and its tickets in the store."""
    review = await start(env, settings, incident_id)
    await publish_one_item(env, review)
    return review, await stored_as_workflow_has_it(review, store, incident_id)


async def test_published_review_reaches_the_store_with_its_tickets(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    store = ReviewStore(settings.store_url)
    async with local_worker(time_env.client, settings):
        _, stored = await published(time_env, settings, store, "PSTORE1")
    assert stored.phase == "tracking"
    assert [(i.owner, i.status) for i in stored.items] == [
        ("alice@example.com", "open"),
        ("bob@example.com", "open"),
    ]
    assert all(i.ticket_key for i in stored.items)
    assert [c.category for c in stored.root_causes] == ["tooling", "process"]


async def test_closed_ticket_reaches_the_store_as_a_done_item(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    store = ReviewStore(settings.store_url)
    async with local_worker(time_env.client, settings):
        await published(time_env, settings, store, "PSTORE2")
        await close_ticket(time_env.client, settings, "PSTORE2", "1")

        async def item_done() -> None:
            stored = store.get("PSTORE2")
            assert stored is not None
            assert [i.status for i in stored.items] == ["done", "open"]
            assert stored.items[0].closed_at is not None

        await eventually(item_done, timeout=30)


class FlakyStore(ReviewStore):
    """A store whose first writes fail as an unreachable database does (worker cut off)."""

    def __init__(self, url: str, failures: int) -> None:
        super().__init__(url)
        self.failures = failures

    def write(self, record: ReviewRecord, *, written_at: datetime | None = None) -> bool:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectorError(
                System.STORE, ErrorKind.UNAVAILABLE, "review store: connection lost"
            )
        return super().write(record, written_at=written_at)


async def test_failed_store_write_is_retried_until_the_store_is_correct(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    flaky = FlakyStore(settings.store_url, failures=2)
    connectors = dataclasses.replace(build_connectors(settings), store=flaky)
    async with build_worker(time_env.client, settings, connectors):
        review = await start(time_env, settings, "PSTORE3")
        await publish_one_item(time_env, review)
        stored = await stored_as_workflow_has_it(review, flaky, "PSTORE3")
    assert flaky.failures == 0
    assert len(stored.items) == 2


async def test_second_incident_of_a_service_shows_the_first_with_its_open_item(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = site_settings(tmp_path)
    store = ReviewStore(settings.store_url)
    async with local_worker(time_env.client, settings):
        await published(time_env, settings, store, "PREP1")
        await close_ticket(time_env.client, settings, "PREP1", "2")
        await time_env.sleep(timedelta(days=3))
        second = await start(time_env, settings, "PREP2")

        async def opened_mail() -> str:
            # Each recipient gets a copy with their own link: read the facilitator's.
            mails = [
                m
                for m in outbox(settings)
                if m.kind == "review_opened" and "PREP2" in m.text and FACILITATOR in m.to
            ]
            assert len(mails) == 1
            return mails[0].text

        text = await eventually(opened_mail, timeout=30)
        state = (await second.query(PostmortemWorkflow.status)).state
        app = create_app(settings, time_env.client, Policy())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=settings.base_url) as browser:
            answer = await browser.get(
                "/api/reviews/PREP2", headers={"Authorization": f"Bearer {API_TOKEN}"}
            )
            await sign_in(browser, API_TOKEN)
            page = (await browser.get("/reviews/PREP2")).text
            linked = await post(
                browser, "PREP2", "five-whys", five_whys(GOOD_WHYS, rc_same_as=["PREP1/rc1"])
            )
        five = (await second.query(PostmortemWorkflow.status)).state.five_whys
    (earlier,) = state.repeats
    assert (earlier.incident_id, earlier.match) == ("PREP1", "service")
    assert [(i.id, i.status) for i in earlier.open_items] == [("1", ItemStatus.OPEN)]
    assert "An open item from Checkout API returned 503s (PREP1) addresses this service" in text
    assert "Connection pools default to unbounded" in text
    (repeat,) = answer.json()["repeats"]
    assert (repeat["incident_id"], repeat["service"]) == ("PREP1", "checkout")
    assert [c["category"] for c in repeat["root_causes"]] == ["tooling", "process"]
    assert [(i["id"], i["status"]) for i in repeat["open_items"]] == [("1", "open")]
    assert "Earlier reviews of this service" in page
    assert 'An open item from <a href="/reviews/PREP1">' in page
    # While drafting, the earlier causes of the service are offered as "the same cause".
    assert '<option value="PREP1/rc1" >The same cause as in Checkout API' in page
    assert linked.status_code == 303
    assert five is not None and five.root_causes[0].same_as is not None
    assert five.root_causes[0].same_as.root_cause_id == "rc1"
    document = MarkdownDocuments(settings.documents_dir, settings.base_url).path("PREP2")
    markdown = document.read_text()
    assert "## Earlier reviews of this service" in markdown
    assert "(PREP1) addresses this service." in markdown
