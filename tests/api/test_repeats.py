"""One review's read refreshes its earlier reviews from the review store (api.repeats): a root
cause linked after the review opened shows in ``GET /api/reviews/{id}``'s repeats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.repeats import merge_repeats
from connectors.store import ReviewStore
from tests.connectors.store.build import cause, item, review
from tests.support.harness import FIVE_WHYS, incident, local_worker
from tests.support.site import API_TOKEN, site_settings
from workflows.contracts import PostmortemInput
from workflows.policy import Policy
from workflows.postmortem import PostmortemWorkflow
from workflows.review import CauseLink, EarlierReview

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def earlier(incident_id: str, days: int, match: str = "service", title: str = "") -> EarlierReview:
    return EarlierReview.model_validate(
        {
            "incident_id": incident_id,
            "title": title or incident_id,
            "resolved_at": T0 + timedelta(days=days),
            "match": match,
        }
    )


def test_merge_prefers_the_stores_answer_and_keeps_what_it_no_longer_lists() -> None:
    kept = [earlier("E2", 2, title="then"), earlier("E1", 1)]
    fresh = [earlier("E3", 3, "linked"), earlier("E2", 2, title="now")]
    merged = merge_repeats(kept, fresh)
    assert [(e.incident_id, e.title) for e in merged] == [("E3", "E3"), ("E2", "now"), ("E1", "E1")]


async def test_a_root_cause_linked_later_shows_in_the_reviews_repeats(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = site_settings(tmp_path)
    store = ReviewStore(settings.store_url)
    now = await time_env.get_current_time()
    # Another service, two years back: the review does not find it when it opens.
    store.write(
        review(
            "PLINK0",
            service_id="POTHER",
            service_name="search",
            team=None,
            resolved_at=now - timedelta(days=730),
            root_causes=[cause(1, statement="Index rebuilds ran at peak")],
            items=[item(1, title="Move reindexing off peak", due_at=now - timedelta(days=700))],
        )
    )
    app = create_app(settings, time_env.client, Policy(), store)
    transport = httpx.ASGITransport(app=app)
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    async with (
        local_worker(time_env.client, settings),
        httpx.AsyncClient(transport=transport, base_url=settings.base_url) as browser,
    ):
        handle = await time_env.client.start_workflow(
            PostmortemWorkflow.run,
            PostmortemInput(incident=incident("PLINK1", now), policy=Policy()),
            id="postmortem-PLINK1",
            task_queue=settings.task_queue,
        )
        before = (await browser.get("/api/reviews/PLINK1", headers=auth)).json()["repeats"]
        linked = FIVE_WHYS.root_causes[0].model_copy(
            update={"same_as": CauseLink(incident_id="PLINK0", root_cause_id="rc1")}
        )
        await handle.execute_update(
            PostmortemWorkflow.submit_five_whys,
            FIVE_WHYS.model_copy(update={"root_causes": [linked, *FIVE_WHYS.root_causes[1:]]}),
        )
        state = (await handle.query(PostmortemWorkflow.status)).state
        after = (await browser.get("/api/reviews/PLINK1", headers=auth)).json()["repeats"]
    assert before == [] and state.repeats == []  # the workflow kept nothing from its opening
    (repeat,) = after
    assert (repeat["incident_id"], repeat["service"]) == ("PLINK0", "search")
    assert [c["statement"] for c in repeat["root_causes"]] == ["Index rebuilds ran at peak"]
    assert [(i["title"], i["status"]) for i in repeat["open_items"]] == [
        ("Move reindexing off peak", "open")
    ]
