"""``reindex`` rebuilds the review store from Temporal: exactly what the workflows wrote.

Runs on a dev server of its own: reindex lists *every* review on the server through visibility,
and reviews left behind by other tests (their workers gone) would be listed too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.reindex import reindex
from api.starter import start_review
from connectors.store import ReviewStore
from tests.support.harness import FIVE_WHYS, eventually, incident, item, local_worker, settings_for
from tests.support.temporal import start_dev_server
from workflows.contracts import ReviewOutcome
from workflows.policy import Policy
from workflows.postmortem import PostmortemWorkflow


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def reindex_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_dev_server()
    yield env
    await env.shutdown()


async def test_reindex_into_an_empty_store_reproduces_the_written_one(
    reindex_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    client = reindex_env.client
    written = ReviewStore(settings.store_url)
    rebuilt = ReviewStore(f"sqlite:///{tmp_path / 'rebuilt.sqlite3'}")
    async with local_worker(client, settings):
        handles: list[WorkflowHandle[PostmortemWorkflow, ReviewOutcome]] = []
        for incident_id in ("PREIDX1", "PREIDX2"):
            now = await reindex_env.get_current_time()
            await start_review(client, settings, Policy(), incident(incident_id, now))
            handles.append(
                client.get_workflow_handle_for(PostmortemWorkflow.run, f"postmortem-{incident_id}")
            )
        await handles[0].execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
        await handles[0].execute_update(
            PostmortemWorkflow.add_action_item,
            item(
                "Cap pool size at 20 in the template", "alice@example.com", now + timedelta(days=9)
            ),
        )

        async def stored() -> None:
            for handle in handles:
                state = (await handle.query(PostmortemWorkflow.status)).state
                assert written.revision(state.incident.id) == state.revision

        await eventually(stored, timeout=30)
        first = await reindex(client, rebuilt, progress=False)
        again = await reindex(client, rebuilt, progress=False)
    assert (first.listed, first.written, first.unreadable) == (2, 2, [])
    assert rebuilt.records() == written.records()
    assert again.written == 0
