"""The six-week review of issue 2, driven once here for the lifecycle test and its benchmark,
and the short published review (five whys, two items, what went well, publish) several tests
start from.

Three items: one closed early, one closed late after a reminder, an overdue notice and one
escalation, one re-planned at the follow-up and then closed. The caller asserts or measures.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from followthrough.settings import Settings
from tests.support.harness import FIVE_WHYS, close_ticket, incident, item, local_worker
from workflows.contracts import PostmortemInput, ReviewOutcome, ReviewStatus
from workflows.ids import review_workflow_id
from workflows.policy import ActionItemPolicy, Policy
from workflows.postmortem import PostmortemWorkflow
from workflows.review import (
    FollowUpOutcome,
    FollowUpRecord,
    FollowUpStatus,
    PublishRequest,
    WentWell,
)


async def publish_two_items(
    handle: WorkflowHandle[PostmortemWorkflow, ReviewOutcome],
    due: datetime,
    owners: tuple[str, str] = ("carol@example.com", "dave@example.com"),
    *,
    five_whys: bool = True,
) -> None:
    """Publish a drafting review: the five whys (unless already submitted), one item per root
    cause (rc1, rc2) for ``owners`` due at ``due``, one thing that went well."""
    if five_whys:
        await handle.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
    for owner, rc in zip(owners, ("rc1", "rc2"), strict=True):
        draft = item("Cap pool size at 20 in the template", owner, due, rc)
        await handle.execute_update(PostmortemWorkflow.add_action_item, draft)
    await handle.execute_update(PostmortemWorkflow.add_went_well, WentWell(text="Paging worked."))
    await handle.execute_update(PostmortemWorkflow.publish, PublishRequest())


#: The default policy, reconciling daily rather than every 6 hours to keep histories short.
SIX_WEEK_POLICY = Policy(action_items=ActionItemPolicy(reconcile_every=timedelta(days=1)))


@dataclass
class SixWeeks:
    t0: datetime
    handle: WorkflowHandle[PostmortemWorkflow, ReviewOutcome]
    published: ReviewStatus
    outcome: ReviewOutcome
    status: ReviewStatus
    wall_seconds: float


async def six_week_review(
    env: WorkflowEnvironment, settings: Settings, incident_id: str
) -> SixWeeks:
    """Run the whole review with the production worker on the local connectors."""
    client = env.client
    wall_start = time.perf_counter()
    async with local_worker(client, settings):
        t0 = await env.get_current_time()
        handle = await client.start_workflow(
            PostmortemWorkflow.run,
            PostmortemInput(
                incident=incident(incident_id, t0),
                policy=SIX_WEEK_POLICY,
                review_url=f"http://review.test/reviews/{incident_id}",
            ),
            id=review_workflow_id(incident_id),
            task_queue=settings.task_queue,
        )
        await handle.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
        drafts = (
            item(
                "Cap pool size at 20 in the service template",
                "carol@example.com",
                t0 + timedelta(days=14),
            ),
            item(
                "Add a connection-limit step to the deploy checklist",
                "dave@example.com",
                t0 + timedelta(days=10),
                "rc2",
            ),
            item(
                "Alert when pool usage exceeds 80% for 5 minutes",
                "erin@example.com",
                t0 + timedelta(days=20),
            ),
        )
        for draft in drafts:
            await handle.execute_update(PostmortemWorkflow.add_action_item, draft)
        await handle.execute_update(
            PostmortemWorkflow.add_went_well,
            WentWell(text="The on-call runbook had the rollback steps."),
        )
        await handle.execute_update(PostmortemWorkflow.publish, PublishRequest())
        published = await handle.query(PostmortemWorkflow.status)

        await env.sleep(timedelta(days=5))
        await close_ticket(client, settings, incident_id, "1")
        await env.sleep(timedelta(days=14))  # day 19: item 2 is 9 days late, escalated once
        await close_ticket(client, settings, incident_id, "2")
        await env.sleep(timedelta(days=17))  # day 36: after the follow-up meeting
        await handle.execute_update(
            PostmortemWorkflow.record_follow_up,
            FollowUpRecord(
                outcomes=[
                    FollowUpOutcome(
                        action_item="3",
                        status=FollowUpStatus.REPLANNED,
                        due=(t0 + timedelta(days=50)).isoformat(),
                        reason="Alerting needs the new metrics pipeline first.",
                    )
                ]
            ),
        )
        await env.sleep(timedelta(days=4))  # day 40
        await close_ticket(client, settings, incident_id, "3")
        outcome = await handle.result()
        status = await handle.query(PostmortemWorkflow.status)
    return SixWeeks(t0, handle, published, outcome, status, time.perf_counter() - wall_start)
