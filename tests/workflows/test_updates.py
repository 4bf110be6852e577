"""Updates: a rejected update changes nothing, neither state nor history; an accepted one does.

Runs on the dev server (the production server): the Java test server records a workflow task even
for a rejected update, the real server writes nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from tests.support.harness import (
    FIVE_WHYS,
    eventually,
    incident,
    item,
    local_worker,
    outbox,
    settings_for,
)
from workflows.contracts import PostmortemInput, ReviewOutcome
from workflows.postmortem import PostmortemWorkflow
from workflows.review import (
    ActionItemChange,
    FiveWhys,
    FollowUpRecord,
    PublishRequest,
    RemoveActionItem,
    WentWell,
)


@dataclass
class Review:
    env: WorkflowEnvironment
    handle: WorkflowHandle[PostmortemWorkflow, ReviewOutcome]

    async def snapshot(self) -> tuple[str, int]:
        status = await self.handle.query(PostmortemWorkflow.status)
        history = await self.handle.fetch_history()
        return status.state.model_dump_json(), len(history.events)

    async def add_an_item_per_root_cause(self) -> None:
        now = await self.env.get_current_time()
        for owner, rc in (("alice@example.com", "rc1"), ("bob@example.com", "rc2")):
            await self.handle.execute_update(
                PostmortemWorkflow.add_action_item,
                item("Cap pool size at 20 in the template", owner, now + timedelta(days=9), rc),
            )

    async def rejected_codes(self, update: Any, arg: Any) -> set[str]:
        with pytest.raises(WorkflowUpdateFailedError) as failure:
            await self.handle.execute_update(update, arg)
        cause = failure.value.cause
        assert isinstance(cause, ApplicationError) and cause.type == "RulesRejected"
        return {v["code"] for v in cause.details[0]}


@pytest_asyncio.fixture
async def review(dev_env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Review]:
    settings = settings_for(tmp_path)
    async with local_worker(dev_env.client, settings):
        now = await dev_env.get_current_time()
        handle = await dev_env.client.start_workflow(
            PostmortemWorkflow.run,
            PostmortemInput(
                incident=incident("PUPD" + tmp_path.name[-6:], now),
                review_url="http://review.test/reviews/PUPD",
            ),
            id=f"postmortem-upd-{tmp_path.name}",
            task_queue=settings.task_queue,
        )
        await handle.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)

        async def settled() -> None:  # the opening steps are done: the review sits on a timer
            assert [s.kind for s in outbox(settings)] == ["review_opened"]
            state = (await handle.query(PostmortemWorkflow.status)).state
            assert state.doc_url is not None
            kinds = [e.event_type for e in (await handle.fetch_history()).events]
            assert EventType.EVENT_TYPE_TIMER_STARTED in kinds
            # No task after the last one completed: its commands (a timer, or since
            # review-lean-history a local write's marker after the timer) were the last.
            last = len(kinds) - 1 - kinds[::-1].index(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
            pending = (
                EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
                EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
            )
            assert not any(k in pending for k in kinds[last:]), kinds[last:]

        await eventually(settled)
        yield Review(dev_env, handle)


async def test_rejected_five_whys_change_neither_state_nor_history(review: Review) -> None:
    before = await review.snapshot()
    bad = FiveWhys(symptom=" ", whys=["x"], root_causes=[])
    codes = await review.rejected_codes(PostmortemWorkflow.submit_five_whys, bad)
    assert {"symptom_missing", "whys_too_few", "root_cause_missing"} <= codes
    assert await review.snapshot() == before


async def test_rejected_action_item_returns_every_violation_at_once(review: Review) -> None:
    now = await review.env.get_current_time()
    # "Discuss": talk with no output, whatever the done-when checks (an investigation whose
    # done-when is a runnable check of its object is not vague: rules/vague/checked.py).
    draft = item(
        "Discuss the pool with the DBAs",
        "alice@example.com, bob@example.com",
        now - timedelta(days=1),
    )
    draft.root_cause = "rc9"
    before = await review.snapshot()
    codes = await review.rejected_codes(PostmortemWorkflow.add_action_item, draft)
    assert {"title_vague", "owner_not_single", "due_in_past", "root_cause_unknown"} <= codes
    assert await review.snapshot() == before


async def test_accepted_action_item_gets_the_next_id(review: Review) -> None:
    now = await review.env.get_current_time()
    first = await review.handle.execute_update(
        PostmortemWorkflow.add_action_item,
        item("Cap pool size at 20", "alice@example.com", now + timedelta(days=9)),
    )
    second = await review.handle.execute_update(
        PostmortemWorkflow.add_action_item,
        item(
            "Add the limits step to the checklist",
            "bob@example.com",
            now + timedelta(days=9),
            "rc2",
        ),
    )
    assert (first.id, second.id) == ("1", "2")


async def test_change_and_remove_of_unknown_item_are_rejected(review: Review) -> None:
    before = await review.snapshot()
    assert await review.rejected_codes(
        PostmortemWorkflow.change_action_item, ActionItemChange(id="99", title="New")
    ) == {"action_item_unknown"}
    assert await review.rejected_codes(
        PostmortemWorkflow.remove_action_item, RemoveActionItem(id="99")
    ) == {"action_item_unknown"}
    assert await review.snapshot() == before


async def test_publish_lists_what_blocks_it(review: Review) -> None:
    codes = await review.rejected_codes(PostmortemWorkflow.publish, PublishRequest())
    assert {"went_well_missing", "action_items_missing", "root_cause_uncovered"} <= codes


async def test_blaming_went_well_blocks_publish_until_an_override_is_given(review: Review) -> None:
    await review.add_an_item_per_root_cause()
    await review.handle.execute_update(
        PostmortemWorkflow.add_went_well,
        WentWell(text="Bob should have paged earlier but we recovered."),
    )
    status = await review.handle.query(PostmortemWorkflow.status)
    assert status.findings and status.findings[0].kind == "blame"
    codes = await review.rejected_codes(PostmortemWorkflow.publish, PublishRequest())
    assert codes == {"blame_findings_open"}
    published = await review.handle.execute_update(
        PostmortemWorkflow.publish, PublishRequest(blame_override="Quoted from the responder.")
    )
    assert published.phase == "tracking"


async def test_a_symptom_root_cause_is_accepted_listed_and_blocks_publish_until_overridden(
    review: Review,
) -> None:
    symptom_cause = FIVE_WHYS.root_causes[0].model_copy(
        update={"statement": "The API pods crashed."}
    )
    chain = FIVE_WHYS.model_copy(update={"root_causes": [symptom_cause, FIVE_WHYS.root_causes[1]]})
    await review.handle.execute_update(PostmortemWorkflow.submit_five_whys, chain)
    await review.add_an_item_per_root_cause()
    await review.handle.execute_update(
        PostmortemWorkflow.add_went_well, WentWell(text="Paging took two minutes.")
    )
    status = await review.handle.query(PostmortemWorkflow.status)
    assert [(f.kind, f.field) for f in status.findings] == [
        ("symptom", "five_whys.root_causes.0.statement")
    ]
    assert [b.code for b in status.publish_blockers] == ["symptom_findings_open"]
    codes = await review.rejected_codes(PostmortemWorkflow.publish, PublishRequest())
    assert codes == {"symptom_findings_open"}
    published = await review.handle.execute_update(
        PostmortemWorkflow.publish,
        PublishRequest(blame_override="The crash is the condition the items remove."),
    )
    assert published.phase == "tracking"


async def test_follow_up_before_publishing_is_rejected(review: Review) -> None:
    codes = await review.rejected_codes(
        PostmortemWorkflow.record_follow_up, FollowUpRecord(outcomes=[])
    )
    assert codes == {"wrong_phase"}
