"""Long histories continue-as-new without losing state or the items' workflows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from api.reviews import execute_update_when_ready
from api.starter import start_review
from connectors.local_tracker import LocalTracker
from followthrough.worker_runtime import DATA_CONVERTER
from tests.support.harness import (
    eventually,
    incident,
    local_worker,
    settings_for,
    signal_handled,
)
from tests.support.scenarios import publish_two_items
from tests.support.temporal import binary
from workflows.action_item import ActionItemWorkflow
from workflows.calls import SEARCH_ATTRIBUTES
from workflows.contracts import TicketEvent
from workflows.ids import item_workflow_id, review_workflow_id
from workflows.policy import Policy
from workflows.postmortem import PostmortemWorkflow
from workflows.review import ItemStatus, WentWell


@pytest_asyncio.fixture
async def short_history_env() -> AsyncIterator[WorkflowEnvironment]:
    """A dev server that suggests continue-as-new after 50 events instead of thousands."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=DATA_CONVERTER,
        search_attributes=list(SEARCH_ATTRIBUTES),
        dev_server_extra_args=[
            "--dynamic-config-value",
            "limit.historyCount.suggestContinueAsNew=50",
            "--log-level",
            "error",
        ],
    )
    yield env
    await env.shutdown()


async def test_review_continues_as_new_keeping_state_and_item_workflows(
    short_history_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    client = short_history_env.client
    settings = settings_for(tmp_path)
    async with local_worker(client, settings):
        now = await short_history_env.get_current_time()
        await start_review(client, settings, Policy(), incident("PCAN", now))
        handle = client.get_workflow_handle(review_workflow_id("PCAN"))
        first_run = (await handle.describe()).run_id
        await publish_two_items(handle, now + timedelta(days=9))
        for n in range(15):
            # As the API does: an update racing the task that continues as new is refused as
            # "not ready" (never admitted) and sent again.
            await execute_update_when_ready(
                handle, PostmortemWorkflow.add_went_well, WentWell(text=f"Runbook step {n} worked.")
            )

        async def continued() -> None:
            assert (await handle.describe()).run_id != first_run

        await eventually(continued, timeout=30)
        status = await handle.query(PostmortemWorkflow.status)
        assert len(status.state.went_well) == 16
        assert status.state.started_items == ["1", "2"]
        for item_id in ("1", "2"):
            child = await client.get_workflow_handle(item_workflow_id("PCAN", item_id)).describe()
            assert child.status == WorkflowExecutionStatus.RUNNING

        async def ticket_key() -> str:
            state = (await handle.query(PostmortemWorkflow.status)).state
            first = state.item("1")
            assert first is not None and first.ticket is not None
            return first.ticket.key

        key = await eventually(ticket_key)
        LocalTracker(settings.tracker_file, settings.base_url).set_done(key, True)
        await client.get_workflow_handle(item_workflow_id("PCAN", "1")).signal(
            ActionItemWorkflow.ticket_closed, TicketEvent(key=key)
        )

        async def reported_to_new_run() -> None:
            state = (await handle.query(PostmortemWorkflow.status)).state
            first = state.item("1")
            assert first is not None and first.status == ItemStatus.DONE

        await eventually(reported_to_new_run)


async def test_an_items_ticket_events_stay_known_across_its_continue_as_new(
    short_history_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    client = short_history_env.client
    settings = settings_for(tmp_path)
    async with local_worker(client, settings):
        now = await short_history_env.get_current_time()
        await start_review(client, settings, Policy(), incident("PCANDUP", now))
        handle = client.get_workflow_handle("postmortem-PCANDUP")
        await publish_two_items(
            handle, now + timedelta(days=9), ("carol@example.com", "carol@example.com")
        )
        child = client.get_workflow_handle(item_workflow_id("PCANDUP", "1"))

        async def ticket() -> str:
            state = (await handle.query(PostmortemWorkflow.status)).state
            assert state.started_items == ["1", "2"]
            current = await child.query(ActionItemWorkflow.current)
            assert current.ticket is not None
            return current.ticket.key

        key = await eventually(ticket)
        first_run = (await child.describe()).run_id
        for n in range(40):  # close and reopen until the item's workflow continues as new
            await child.signal(
                ActionItemWorkflow.ticket_closed, TicketEvent(key=key, event_id=f"c{n}")
            )
            if (await child.describe()).run_id != first_run:
                break
            await child.signal(
                ActionItemWorkflow.ticket_reopened, TicketEvent(key=key, event_id=f"r{n}")
            )
        else:
            raise AssertionError("the item's workflow never continued as new")

        async def done_in_new_run() -> None:
            assert (await child.query(ActionItemWorkflow.current)).status == ItemStatus.DONE

        await eventually(done_in_new_run)
        await signal_handled(
            child, ActionItemWorkflow.ticket_reopened, TicketEvent(key=key, event_id="r0")
        )
        after = await child.query(ActionItemWorkflow.current)
    assert after.status == ItemStatus.DONE
