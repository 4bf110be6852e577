"""PostmortemWorkflow paths beyond the happy lifecycle: late drafts, drops, deleted tickets, tracker
failures. Time-skipping server, real worker on the local connectors (or the Jira imitation)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from connectors.local_tracker import LocalTracker
from followthrough.settings import Settings
from tests.fakes.jira import FakeJira
from tests.support.harness import (
    FIVE_WHYS,
    eventually,
    incident,
    item,
    local_worker,
    outbox,
    settings_for,
)
from workflows.action_item import ActionItemWorkflow
from workflows.contracts import PostmortemInput, ReviewOutcome, TicketEvent
from workflows.ids import item_workflow_id, review_workflow_id
from workflows.policy import Policy
from workflows.postmortem import PostmortemWorkflow
from workflows.review import (
    FollowUpOutcome,
    FollowUpRecord,
    FollowUpStatus,
    ItemStatus,
    Phase,
    PublishRequest,
    WentWell,
)

DAY = timedelta(days=1)


@dataclass
class Running:
    env: WorkflowEnvironment
    settings: Settings
    handle: WorkflowHandle[PostmortemWorkflow, ReviewOutcome]
    t0: datetime
    incident_id: str

    async def publish(self, *owners_and_days: tuple[str, int]) -> None:
        await self.handle.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
        for n, (owner, days) in enumerate(owners_and_days):
            await self.handle.execute_update(
                PostmortemWorkflow.add_action_item,
                item(
                    "Cap pool size at 20 in the template",
                    owner,
                    self.t0 + days * DAY,
                    "rc1" if n % 2 == 0 else "rc2",
                ),
            )
        await self.handle.execute_update(
            PostmortemWorkflow.add_went_well, WentWell(text="Paging worked.")
        )
        await self.handle.execute_update(PostmortemWorkflow.publish, PublishRequest())

    def sent(self, kind: str) -> list[float]:
        return [round((s.at - self.t0) / DAY, 1) for s in outbox(self.settings) if s.kind == kind]


async def start(env: WorkflowEnvironment, settings: Settings, name: str) -> Running:
    t0 = await env.get_current_time()
    incident_id = f"P{name.upper()}"
    handle = await env.client.start_workflow(
        PostmortemWorkflow.run,
        PostmortemInput(
            incident=incident(incident_id, t0),
            policy=Policy(),
            review_url=f"http://review.test/reviews/{incident_id}",
        ),
        id=review_workflow_id(incident_id),
        task_queue=settings.task_queue,
    )
    return Running(env, settings, handle, t0, incident_id)


@pytest_asyncio.fixture
async def review(
    time_env: WorkflowEnvironment, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Running]:
    settings = settings_for(tmp_path)
    async with local_worker(time_env.client, settings):
        yield await start(time_env, settings, request.node.name[5:20].replace("_", ""))


async def test_unpublished_draft_reminds_the_facilitator_then_escalates_on_a_cadence(
    review: Running,
) -> None:
    await review.env.sleep(26 * DAY + timedelta(hours=1))
    # draft_deadline P5D: reminder on day 5; escalations 7 days later, then every 7 days.
    assert review.sent("draft_reminder") == [5.0]
    assert review.sent("draft_escalation") == [12.0, 19.0, 26.0]
    escalation = next(s for s in outbox(review.settings) if s.kind == "draft_escalation")
    assert escalation.to == Policy().defaults.leadership
    assert Policy().defaults.facilitator in escalation.cc


async def test_publishing_stops_the_draft_escalations(review: Running) -> None:
    await review.env.sleep(13 * DAY)
    await review.publish(("carol@example.com", 60), ("dave@example.com", 60))
    await review.env.sleep(20 * DAY)
    assert review.sent("draft_escalation") == [12.0]


async def test_an_item_dropped_at_the_follow_up_is_settled_and_the_review_closes(
    review: Running,
) -> None:
    await review.publish(("carol@example.com", 20), ("dave@example.com", 20))
    await review.env.sleep(36 * DAY)
    tracker = LocalTracker(review.settings.tracker_file, review.settings.base_url)
    state = (await review.handle.query(PostmortemWorkflow.status)).state
    second = state.item("2")
    assert second is not None and second.ticket is not None
    tracker.set_done(second.ticket.key, True)  # closed in the tracker; reconciliation finds it
    await review.handle.execute_update(
        PostmortemWorkflow.record_follow_up,
        FollowUpRecord(
            outcomes=[
                FollowUpOutcome(
                    action_item="1", status=FollowUpStatus.DROPPED, reason="Superseded by PR 41."
                ),
                FollowUpOutcome(action_item="2", status=FollowUpStatus.DONE),
            ]
        ),
    )
    outcome = await review.handle.result()
    assert (outcome.items_done, outcome.items_dropped) == (1, 1)
    state = (await review.handle.query(PostmortemWorkflow.status)).state
    dropped = state.item("1")
    assert dropped is not None
    assert dropped.status == ItemStatus.DROPPED
    assert dropped.reason == "Superseded by PR 41."


async def test_a_deleted_ticket_is_marked_and_the_facilitator_told(review: Running) -> None:
    await review.publish(("carol@example.com", 20), ("dave@example.com", 20))

    async def opened() -> str:
        state = (await review.handle.query(PostmortemWorkflow.status)).state
        first = state.item("1")
        assert first is not None and first.ticket is not None
        return first.ticket.key

    key = await eventually(opened)
    child = review.env.client.get_workflow_handle(item_workflow_id(review.incident_id, "1"))
    await child.signal(ActionItemWorkflow.ticket_deleted, TicketEvent(key=key, event_id="d1"))

    async def flagged() -> None:
        state = (await review.handle.query(PostmortemWorkflow.status)).state
        first = state.item("1")
        assert first is not None and first.problem and "deleted" in first.problem
        assert first.status == ItemStatus.OPEN
        problems = [s for s in outbox(review.settings) if s.kind == "problem"]
        assert [p.to for p in problems] == [[Policy().defaults.facilitator]]
        assert key in problems[0].text

    await eventually(flagged)


async def test_a_duplicate_ticket_event_changes_nothing_twice(review: Running) -> None:
    await review.publish(("carol@example.com", 20), ("dave@example.com", 20))
    await review.env.sleep(DAY)
    child = review.env.client.get_workflow_handle(item_workflow_id(review.incident_id, "1"))
    closed = TicketEvent(key="LOCAL-1", event_id="closed:7")
    await child.signal(ActionItemWorkflow.ticket_closed, closed)
    await child.signal(
        ActionItemWorkflow.ticket_reopened, TicketEvent(key="LOCAL-1", event_id="reopened:8")
    )
    await child.signal(ActionItemWorkflow.ticket_closed, closed)  # a retried delivery of the close
    current = await child.query(ActionItemWorkflow.current)
    assert current.status == ItemStatus.OPEN


@pytest.fixture
def denying_jira() -> Iterator[FakeJira]:
    with FakeJira() as fake:
        fake.deny_create = True
        yield fake


async def test_a_tracker_permission_error_is_surfaced_to_the_facilitator_not_retried_forever(
    time_env: WorkflowEnvironment, tmp_path: Path, denying_jira: FakeJira
) -> None:
    settings = settings_for(
        tmp_path,
        jira_url=denying_jira.url,
        jira_email=denying_jira.email,
        jira_api_token=denying_jira.api_token,
        jira_project="OPS",
    )
    async with local_worker(time_env.client, settings):
        running = await start(time_env, settings, "denied")
        await running.publish(("carol@example.com", 20), ("dave@example.com", 20))
        await time_env.sleep(2 * DAY)
        state = (await running.handle.query(PostmortemWorkflow.status)).state
    assert state.phase == Phase.TRACKING
    for entry in state.action_items:
        assert entry.ticket is None
        assert entry.problem is not None and "JiraPermissionDenied" in entry.problem
    problems = [s for s in outbox(settings) if s.kind == "problem"]
    assert {tuple(p.to) for p in problems} == {(Policy().defaults.facilitator,)}
    assert "permission" in problems[0].text.lower()
    # Three attempts per item (at publish and on two reconcile ticks), then it stops asking.
    assert denying_jira.count("POST", "/rest/api/2/issue") == 6
    assert denying_jira.api_token not in "".join(p.text for p in problems)
