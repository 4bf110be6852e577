"""The escalation ladder of one action item, on the time-skipping server with the real worker.

An item due ten days after resolution: the owner is reminded on day 7, told it is overdue on day 10
(facilitator in copy), and leadership gets escalations on days 17, 24 and 31 (owner and facilitator
in copy) until the ticket closes. Before every reminder or escalation the live ticket status is
read, so a ticket closed without a webhook stops the ladder; each escalation leaves a comment on the
ticket; re-planning the item restarts the ladder from its new due date.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from temporalio.client import WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from connectors.local_tracker import LocalTracker
from followthrough.settings import Settings
from tests.support.harness import (
    FIVE_WHYS,
    Sent,
    close_ticket,
    incident,
    item,
    local_worker,
    outbox,
    settings_for,
    skip_to_day,
)
from workflows.action_item import ActionItemWorkflow
from workflows.contracts import ItemProgress, PostmortemInput, ReplanRequest, ReviewOutcome
from workflows.ids import item_workflow_id, review_workflow_id
from workflows.policy import ActionItemPolicy, Policy, Team
from workflows.postmortem import PostmortemWorkflow
from workflows.review import (
    ActionItem,
    ItemOutcome,
    ItemStatus,
    Phase,
    PublishRequest,
    SetFacilitator,
    WentWell,
)

DAY = timedelta(days=1)
LADDER = ActionItemPolicy(
    remind_before=timedelta(days=3),
    escalate_after=timedelta(days=7),
    escalate_every=timedelta(days=7),
    reconcile_every=timedelta(days=1),
)
POLICY = Policy(action_items=LADDER)
FACILITATOR = POLICY.defaults.facilitator
LEADERSHIP = POLICY.defaults.leadership
OWNER = "dave@example.com"  # item 1, due on day 10: the one that climbs the ladder
OTHER_OWNER = "erin@example.com"  # item 2, due on day 80: silent until day 77
LATE_TITLE = "Cap pool size at 20 in the service template"
OTHER_TITLE = "Add a connection-limit step to the deploy checklist"
NAGS = ("owner_reminder", "overdue_notice", "escalation")


@dataclass
class Review:
    env: WorkflowEnvironment
    settings: Settings
    tracker: LocalTracker
    handle: WorkflowHandle[PostmortemWorkflow, ReviewOutcome]
    incident_id: str
    t0: datetime

    async def to_day(self, day: float) -> None:
        """Skip time until ``day`` days after resolution."""
        await skip_to_day(self.env, self.t0, day)

    async def item(self, item_id: str) -> ActionItem:
        state = (await self.handle.query(PostmortemWorkflow.status)).state
        found = state.item(item_id)
        assert found is not None
        return found

    async def ticket_key(self, item_id: str) -> str:
        found = await self.item(item_id)
        assert found.ticket is not None
        return found.ticket.key

    def child(self, item_id: str) -> WorkflowHandle[ActionItemWorkflow, ActionItem | ItemProgress]:
        return self.env.client.get_workflow_handle_for(
            ActionItemWorkflow.run, item_workflow_id(self.incident_id, item_id)
        )

    def comments(self, key: str) -> list[str]:
        ticket = next(t for t in self.tracker.all_tickets() if t["key"] == key)
        return list(ticket["comments"] or [])

    def nags(self) -> list[tuple[str, list[str], list[str], int]]:
        """Reminders, overdue notices and escalations: (kind, to, cc, day after resolution)."""
        return [
            (s.kind, s.to, s.cc, round(self.day_of(s)))
            for s in outbox(self.settings)
            if s.kind in NAGS
        ]

    def escalations(self) -> list[Sent]:
        return [s for s in outbox(self.settings) if s.kind == "escalation"]

    def day_of(self, sent: Sent) -> float:
        return (sent.at - self.t0) / DAY


@contextlib.asynccontextmanager
async def published_review(
    env: WorkflowEnvironment, tmp_path: Path, incident_id: str, policy: Policy = POLICY
) -> AsyncIterator[Review]:
    """A published review with item 1 due on day 10 and item 2 due on day 80, its worker running.

    Every workflow of the review is terminated afterwards, so no timer of it fires in later tests.
    """
    settings = settings_for(tmp_path)
    client = env.client
    workflow_id = review_workflow_id(incident_id)
    async with local_worker(client, settings):
        t0 = await env.get_current_time()
        handle = await client.start_workflow(
            PostmortemWorkflow.run,
            PostmortemInput(
                incident=incident(incident_id, t0),
                policy=policy,
                review_url=f"http://review.test/reviews/{incident_id}",
            ),
            id=workflow_id,
            task_queue=settings.task_queue,
        )
        try:
            await handle.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
            await handle.execute_update(
                PostmortemWorkflow.add_action_item, item(LATE_TITLE, OWNER, t0 + 10 * DAY)
            )
            await handle.execute_update(
                PostmortemWorkflow.add_action_item,
                item(OTHER_TITLE, OTHER_OWNER, t0 + 80 * DAY, "rc2"),
            )
            await handle.execute_update(
                PostmortemWorkflow.add_went_well,
                WentWell(text="The on-call runbook had the rollback steps."),
            )
            published = await handle.execute_update(PostmortemWorkflow.publish, PublishRequest())
            assert published.phase == Phase.TRACKING
            yield Review(
                env,
                settings,
                LocalTracker(settings.tracker_file, settings.base_url),
                handle,
                incident_id,
                t0,
            )
        finally:
            for wf_id in (
                workflow_id,
                item_workflow_id(incident_id, "1"),
                item_workflow_id(incident_id, "2"),
            ):
                with contextlib.suppress(RPCError):
                    await client.get_workflow_handle(wf_id).terminate("test finished")


async def test_open_item_climbs_the_ladder_until_its_ticket_closes(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with published_review(time_env, tmp_path, "PLADDER1") as review:
        await review.to_day(33)
        key = await review.ticket_key("1")
        await close_ticket(review.env.client, review.settings, review.incident_id, "1")
        await review.to_day(60)
        settled = await review.item("1")
        sent = review.escalations()
        nags = review.nags()

    assert nags == [
        ("owner_reminder", [OWNER], [], 7),
        ("overdue_notice", [OWNER], [FACILITATOR], 10),
        ("escalation", LEADERSHIP, [OWNER, FACILITATOR], 17),
        ("escalation", LEADERSHIP, [OWNER, FACILITATOR], 24),
        ("escalation", LEADERSHIP, [OWNER, FACILITATOR], 31),
    ]
    assert settled.status == ItemStatus.DONE and settled.outcome == ItemOutcome.DONE_LATE
    assert settled.escalations == 3
    for number, escalation in enumerate(sent, start=1):
        text = escalation.text.replace("\r\n", "\n")
        overdue = f"{7 * number} days"
        # A long subject is folded right after "Subject:"; unfolding leaves a leading space.
        assert (
            escalation.subject.strip() == f"Escalation #{number}: {LATE_TITLE} ({overdue} overdue)"
        )
        assert f"This is escalation #{number} for an action item" in text
        assert f"({overdue} overdue)" in text
        assert "Root cause:  Connection pools default to unbounded in our service template." in text
        assert f"Ticket:      {key} <http://review.test/tracker/{key}>" in text
        others = text.split("Other open items of this review:", 1)[1]
        assert f"- {OTHER_TITLE}\n  owner {OTHER_OWNER}," in others
        assert LATE_TITLE not in others


async def test_ticket_closed_without_webhook_is_settled_by_the_live_check_before_escalating(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    # No reconciliation within the test: only the live check made before the escalation itself
    # can notice the closed ticket.
    policy = Policy(action_items=LADDER.model_copy(update={"reconcile_every": 60 * DAY}))
    async with published_review(time_env, tmp_path, "PLADDER2", policy) as review:
        await review.to_day(15)
        key = await review.ticket_key("1")
        review.tracker.set_done(key, True)  # closed in the tracker; the webhook never arrives
        await review.to_day(16.5)
        still_open = await review.item("1")
        await review.to_day(25)
        settled = await review.item("1")
        nags = review.nags()
        comments = review.comments(key)

    assert still_open.status == ItemStatus.OPEN
    assert settled.status == ItemStatus.DONE and settled.outcome == ItemOutcome.DONE_LATE
    assert settled.closed_at is not None
    assert round((settled.closed_at - review.t0) / DAY, 2) == 17  # at the escalation time
    assert [(kind, day) for kind, _, _, day in nags] == [
        ("owner_reminder", 7),
        ("overdue_notice", 10),
    ]
    assert settled.escalations == 0 and comments == []


async def test_ticket_closed_without_webhook_is_settled_by_the_next_reconciliation(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with published_review(time_env, tmp_path, "PLADDER3") as review:
        await review.to_day(14.5)
        review.tracker.set_done(await review.ticket_key("1"), True)  # no webhook
        await review.to_day(25)
        settled = await review.item("1")
        nags = review.nags()

    assert settled.status == ItemStatus.DONE and settled.closed_at is not None
    assert 14.5 < (settled.closed_at - review.t0) / DAY <= 15.5  # within one reconcile period
    assert "escalation" not in {kind for kind, _, _, _ in nags}


async def test_each_escalation_comments_on_the_ticket_naming_leadership(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    team = Team(
        name="Checkout",
        services=["checkout"],
        leadership=["vp-eng@example.com", "cto@example.com"],
    )
    policy = POLICY.model_copy(update={"teams": [team]})
    async with published_review(time_env, tmp_path, "PLADDER4", policy) as review:
        await review.to_day(16.5)
        key, other_key = await review.ticket_key("1"), await review.ticket_key("2")
        before = review.comments(key)
        await review.to_day(24.5)
        comments = review.comments(key)
        other_comments = review.comments(other_key)
        sent = review.escalations()

    assert before == []
    assert comments == [
        "Followthrough: this item is overdue and was escalated to "
        f"vp-eng@example.com, cto@example.com (escalation #{n})."
        for n in (1, 2)
    ]
    assert other_comments == []
    assert [s.to for s in sent] == [team.leadership, team.leadership]


async def test_replan_restarts_reminders_and_escalations_from_the_new_due_date(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with published_review(time_env, tmp_path, "PLADDER5") as review:
        # Reminded, told it is overdue, escalated once on day 17. Half a day off the daily
        # reconcile timer: the Java test server wedges ("invalid history builder state for
        # action") when an update lands in the workflow task of a firing timer.
        await review.to_day(18.5)
        new_due = (review.t0 + 30 * DAY).isoformat()
        replanned = await review.child("1").execute_update(
            ActionItemWorkflow.replan,
            ReplanRequest(due=new_due, reason="The pool change needs the new base image."),
        )
        await review.to_day(40)
        in_review = await review.item("1")
        sent = review.escalations()
        nags = review.nags()

    assert replanned.due == new_due and replanned.status == ItemStatus.OPEN
    assert in_review.due == new_due and [r.due for r in in_review.replans] == [new_due]
    # The old cadence (day 24, 31) is gone: reminder, notice and escalation follow day 30.
    assert [(kind, day) for kind, _, _, day in nags] == [
        ("owner_reminder", 7),
        ("overdue_notice", 10),
        ("escalation", 17),
        ("owner_reminder", 27),
        ("overdue_notice", 30),
        ("escalation", 37),
    ]
    assert "(7 days overdue)" in sent[-1].text.replace("\r\n", "\n")


async def test_a_facilitator_named_after_publishing_gets_the_items_mail(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with published_review(time_env, tmp_path, "PLADDERFAC") as review:
        await review.to_day(5)
        await review.handle.execute_update(
            PostmortemWorkflow.set_facilitator, SetFacilitator(facilitator="fay@example.com")
        )
        await review.to_day(11)
        nags = review.nags()

    assert nags == [
        ("owner_reminder", [OWNER], [], 7),
        ("overdue_notice", [OWNER], ["fay@example.com"], 10),
    ]
