"""A whole six-week review on the time-skipping server, with the real worker and local connectors.

Three items: one closed early, one closed late after a reminder, an overdue notice and one
escalation, one re-planned at the follow-up and then closed. The follow-up is recorded and the
review closes. Messages are asserted by kind, recipient and (skipped) time.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta
from pathlib import Path

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from connectors.local_tracker import LocalTracker
from tests.harness import FIVE_WHYS, Sent, incident, item, local_worker, outbox, settings_for
from workflows.action_item import ActionItemWorkflow
from workflows.policy import ActionItemPolicy, Policy
from workflows.postmortem import PostmortemWorkflow, child_id
from workflows.review import (
    FollowUpOutcome,
    FollowUpRecord,
    FollowUpStatus,
    ItemOutcome,
    ItemStatus,
    Phase,
    PostmortemInput,
    PublishRequest,
    ReviewOutcome,
    TicketEvent,
    WentWell,
)

HOUR = timedelta(hours=1)
POLICY = Policy(action_items=ActionItemPolicy(reconcile_every=timedelta(days=1)))
FACILITATOR = POLICY.defaults.facilitator
LEADERSHIP = POLICY.defaults.leadership


async def close_ticket(
    tracker: LocalTracker, handle: WorkflowHandle[PostmortemWorkflow, ReviewOutcome], item_id: str
) -> None:
    """What an owner closing the ticket amounts to: the tracker says done, the webhook signals."""
    state = (await handle.query(PostmortemWorkflow.status)).state
    found = state.item(item_id)
    assert found is not None and found.ticket is not None
    tracker.set_done(found.ticket.key, True)
    child = handle._client.get_workflow_handle(child_id(state.incident.id, item_id))
    await child.signal(ActionItemWorkflow.ticket_closed, TicketEvent(key=found.ticket.key))


def at_day(t0: datetime, sent: Sent) -> float:
    return (sent.at - t0) / timedelta(days=1)


async def test_six_week_review_runs_from_resolution_to_close(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    client = time_env.client
    tracker = LocalTracker(settings.tracker_file, settings.base_url)
    wall_start = time.perf_counter()
    async with local_worker(client, settings):
        t0 = await time_env.get_current_time()
        handle = await client.start_workflow(
            PostmortemWorkflow.run,
            PostmortemInput(
                incident=incident("PLIFE01", t0),
                policy=POLICY,
                review_url="http://review.test/reviews/PLIFE01",
            ),
            id="postmortem-PLIFE01",
            task_queue=settings.task_queue,
        )
        await handle.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
        early = item(
            "Cap pool size at 20 in the service template",
            "carol@example.com",
            t0 + timedelta(days=14),
        )
        late = item(
            "Add a connection-limit step to the deploy checklist",
            "dave@example.com",
            t0 + timedelta(days=10),
            "rc2",
        )
        replanned = item(
            "Alert when pool usage exceeds 80% for 5 minutes",
            "erin@example.com",
            t0 + timedelta(days=20),
        )
        for draft in (early, late, replanned):
            await handle.execute_update(PostmortemWorkflow.add_action_item, draft)
        await handle.execute_update(
            PostmortemWorkflow.add_went_well,
            WentWell(text="The on-call runbook had the rollback steps."),
        )
        published = await handle.execute_update(PostmortemWorkflow.publish, PublishRequest())
        assert published.phase == Phase.TRACKING

        await time_env.sleep(timedelta(days=5))
        await close_ticket(tracker, handle, "1")
        await time_env.sleep(timedelta(days=14))  # day 19: item 2 is 9 days late, escalated once
        await close_ticket(tracker, handle, "2")
        await time_env.sleep(timedelta(days=17))  # day 36: after the follow-up meeting
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
        await time_env.sleep(timedelta(days=4))  # day 40
        await close_ticket(tracker, handle, "3")
        outcome = await handle.result()
        status = await handle.query(PostmortemWorkflow.status)
        history = await handle.fetch_history()
        record_to = os.environ.get("FOLLOWTHROUGH_RECORD_HISTORIES")
        if record_to:  # refresh the replay fixtures (see tests/workflows/test_replay.py)
            folder = Path(record_to)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "postmortem-lifecycle.json").write_text(history.to_json())
            for n in ("1", "2", "3"):
                child = client.get_workflow_handle(child_id("PLIFE01", n))
                (folder / f"action-item-lifecycle-{n}.json").write_text(
                    (await child.fetch_history()).to_json()
                )
    wall = time.perf_counter() - wall_start

    assert outcome.items_done == 3 and outcome.items_dropped == 0
    state = status.state
    assert state.phase == Phase.CLOSED
    assert [i.outcome for i in state.action_items] == [
        ItemOutcome.DONE_ON_TIME,
        ItemOutcome.DONE_LATE,
        ItemOutcome.DONE_ON_TIME,
    ]
    assert all(i.status == ItemStatus.DONE for i in state.action_items)
    assert len(tracker.all_tickets()) == 3

    sent = outbox(settings)
    log = [(s.kind, s.to, round(at_day(t0, s))) for s in sent]
    assert log[0] == ("review_opened", [FACILITATOR, "alice@example.com", "bob@example.com"], 0)
    by_kind = {kind: [(to, day) for k, to, day in log if k == kind] for kind, _, _ in log}
    assert by_kind["owner_reminder"] == [(["dave@example.com"], 7), (["erin@example.com"], 17)]
    assert by_kind["overdue_notice"] == [(["dave@example.com"], 10), (["erin@example.com"], 20)]
    # Item 2 escalated once (day 17) and never again after its ticket closed on day 19;
    # item 3 escalated on days 27 and 34 until it was re-planned.
    assert by_kind["escalation"] == [(LEADERSHIP, 17), (LEADERSHIP, 27), (LEADERSHIP, 34)]
    assert [
        s
        for s in sent
        if s.kind == "escalation" and "dave@" in ",".join(s.cc) and at_day(t0, s) > 19
    ] == []
    invitation = [s for s in sent if s.kind == "follow_up_invitation"]
    assert len(invitation) == 1
    assert set(invitation[0].to) >= {
        FACILITATOR,
        "carol@example.com",
        "dave@example.com",
        "erin@example.com",
    }
    assert 27 <= at_day(t0, invitation[0]) <= 31  # 7 days before the (weekday) meeting
    nags = [s for s in sent if s.kind in ("owner_reminder", "overdue_notice", "escalation")]
    assert "carol@example.com" not in {a for s in nags for a in s.to + s.cc}  # closed early
    assert {k for k, _, _ in log} == {
        "review_opened",
        "owner_reminder",
        "overdue_notice",
        "escalation",
        "follow_up_invitation",
    }

    doc = Path(settings.documents_dir / "PLIFE01.md").read_text()
    assert "**Closed**" in doc and "done_late" in doc
    report = {"wall_seconds": round(wall, 2), "history_events": len(history.events)}
    (tmp_path / "lifecycle.json").write_text(json.dumps(report))
    print(f"\nlifecycle: {report}")
