"""PostmortemWorkflow's own bookkeeping: what it decides about an item while that item's workflow
is still starting reaches the item's workflow once it has started (the race a re-plan through the
API right after publishing can hit)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from temporalio.client import WorkflowUpdateStage
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from followthrough.settings import Settings
from tests.support.harness import FIVE_WHYS, eventually, incident, item, local_worker, settings_for
from workflows.action_item import ActionItemWorkflow
from workflows.contracts import ActionItemRevision, ActionItemWithdrawal, PostmortemInput
from workflows.ids import item_workflow_id, review_workflow_id
from workflows.postmortem import PostmortemWorkflow
from workflows.review import ActionItem, ItemStatus, PublishRequest, WentWell


async def item_seen_by_its_workflow(env: WorkflowEnvironment, incident_id: str) -> ActionItem:
    handle = env.client.get_workflow_handle(item_workflow_id(incident_id, "1"))
    try:
        found: ActionItem = await handle.query(ActionItemWorkflow.current)
    except RPCError as exc:  # not started yet
        raise AssertionError(str(exc)) from exc
    return found


async def publish_and_at_once(
    env: WorkflowEnvironment, settings: Settings, update: object, argument: object
) -> str:
    """A drafted review with two items (1 and 2), published, and ``update`` sent as soon as the publish is
    accepted, so it lands while the item's workflow is starting, or just after."""
    incident_id = f"PRACE{uuid.uuid4().hex[:8].upper()}"
    now = await env.get_current_time()
    handle = await env.client.start_workflow(
        PostmortemWorkflow.run,
        PostmortemInput(incident=incident(incident_id, now), review_url="http://review.test/r"),
        id=review_workflow_id(incident_id),
        task_queue=settings.task_queue,
    )
    await handle.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
    for title, root_cause in (
        ("Cap pool size at 20 in the template", "rc1"),
        ("Add connection limits to the deploy checklist", "rc2"),
    ):
        await handle.execute_update(
            PostmortemWorkflow.add_action_item,
            item(title, "carol@example.com", now + timedelta(days=14), root_cause),
        )
    await handle.execute_update(PostmortemWorkflow.add_went_well, WentWell(text="Paged fast."))
    published = await handle.start_update(
        PostmortemWorkflow.publish, PublishRequest(), wait_for_stage=WorkflowUpdateStage.ACCEPTED
    )
    await handle.execute_update(update, argument)  # type: ignore[call-overload]
    await published.result()
    return incident_id


async def test_a_replan_right_after_publishing_reaches_the_items_workflow(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    now = await dev_env.get_current_time()
    new_due = (now + timedelta(days=30)).date().isoformat()
    async with local_worker(dev_env.client, settings):
        incident_id = await publish_and_at_once(
            dev_env,
            settings,
            PostmortemWorkflow.revise_action_item,
            ActionItemRevision(id="1", due=new_due, reason="Waiting for the CI runner upgrade."),
        )

        async def heard() -> None:
            seen = await item_seen_by_its_workflow(dev_env, incident_id)
            assert seen.due == new_due
            assert [r.due for r in seen.replans] == [new_due]

        await eventually(heard)


async def test_a_drop_right_after_publishing_leaves_no_open_item_workflow(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """Dropped before its workflow started, the item never gets one; dropped while it started,
    its workflow hears the drop."""
    settings = settings_for(tmp_path)
    async with local_worker(dev_env.client, settings):
        incident_id = await publish_and_at_once(
            dev_env,
            settings,
            PostmortemWorkflow.withdraw_action_item,
            ActionItemWithdrawal(id="1", reason="Superseded by the platform migration."),
        )
        review = dev_env.client.get_workflow_handle(review_workflow_id(incident_id))

        async def settled() -> None:
            state = (await review.query(PostmortemWorkflow.status)).state
            assert "2" in state.started_items  # the start loop has passed item 1
            assert state.action_items[0].status == ItemStatus.DROPPED
            if "1" in state.started_items:
                seen = await item_seen_by_its_workflow(dev_env, incident_id)
                assert seen.status == ItemStatus.DROPPED

        await eventually(settled)
