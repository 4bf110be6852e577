"""Durability on the dev server with a SQLite file: a review outlives its worker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from api.starter import start_review
from connectors.local_tracker import LocalTracker
from followthrough.worker_runtime import DATA_CONVERTER
from tests.support.harness import (
    FIVE_WHYS,
    eventually,
    incident,
    item,
    local_worker,
    outbox,
    settings_for,
)
from tests.support.temporal import binary
from workflows.calls import SEARCH_ATTRIBUTES
from workflows.ids import review_workflow_id
from workflows.policy import ActionItemPolicy, FollowUpPolicy, Policy
from workflows.postmortem import PostmortemWorkflow
from workflows.review import PublishRequest, WentWell

POLICY = Policy(
    follow_up=FollowUpPolicy(after=timedelta(hours=1), invite_ahead=timedelta(minutes=5)),
    action_items=ActionItemPolicy(
        remind_before=timedelta(seconds=2),
        escalate_after=timedelta(seconds=3),
        escalate_every=timedelta(hours=1),
        reconcile_every=timedelta(seconds=1),
    ),
)


@pytest_asyncio.fixture
async def sqlite_env(tmp_path: Path) -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=DATA_CONVERTER,
        search_attributes=list(SEARCH_ATTRIBUTES),
        dev_server_extra_args=[
            "--db-filename",
            str(tmp_path / "temporal.db"),
            "--sqlite-pragma",
            "journal_mode=wal",
            "--log-level",
            "error",
        ],
    )
    yield env
    await env.shutdown()


async def test_review_continues_on_a_new_worker_without_duplicates(
    sqlite_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    client = sqlite_env.client
    tracker = LocalTracker(settings.tracker_file, settings.base_url)
    async with local_worker(client, settings):
        now = await sqlite_env.get_current_time()
        await start_review(client, settings, POLICY, incident("PRESTART", now))
        handle = client.get_workflow_handle(review_workflow_id("PRESTART"))
        await handle.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
        for owner, root in (("carol@example.com", "rc1"), ("dave@example.com", "rc2")):
            draft = item(
                "Cap pool size at 20 in the template", owner, now + timedelta(seconds=6), root
            )
            await handle.execute_update(PostmortemWorkflow.add_action_item, draft)
        await handle.execute_update(
            PostmortemWorkflow.add_went_well, WentWell(text="Fast rollback.")
        )
        await handle.execute_update(PostmortemWorkflow.publish, PublishRequest())

        async def tickets_open() -> None:
            assert len(tracker.all_tickets()) == 2

        await eventually(tickets_open)
    # No worker: reminders, overdue notices and the first escalation all come due meanwhile.
    await asyncio.sleep(10)
    assert {s.kind for s in outbox(settings)} == {"review_opened"}

    async with local_worker(client, settings):

        async def caught_up() -> None:
            kinds = [s.kind for s in outbox(settings)]
            assert kinds.count("escalation") == 2, kinds

        await eventually(caught_up, timeout=30)
        await asyncio.sleep(2)  # a further reconcile round must not resend anything
        status = await handle.query(PostmortemWorkflow.status)

    kinds = sorted(s.kind for s in outbox(settings))
    # Deadlines passed while no worker ran fire once each on the new worker; the reminder is
    # superseded by the overdue notice it arrived too late for.
    assert kinds == [
        "escalation",
        "escalation",
        "overdue_notice",
        "overdue_notice",
        "review_opened",
    ]
    assert len(tracker.all_tickets()) == 2
    assert all(i.ticket is not None for i in status.state.action_items)
    assert [i.escalations for i in status.state.action_items] == [1, 1]
