"""Recorded scenarios of an action item's paths: dropped, revised, re-planned, the escalation
ladder, a closed ticket found by a live check, deleted, reopened and foreign tickets, a tracker that
refuses."""

from __future__ import annotations

from tests.fakes.jira import FakeJira
from tests.support.harness import (
    FIVE_WHYS,
    close_ticket,
    local_worker,
    settings_for,
)
from tests.support.recording import (
    DAILY,
    DAY,
    NO_RECONCILE,
    OWNERS,
    Recording,
    drafts,
)
from workflows.action_item import ActionItemWorkflow
from workflows.contracts import (
    ActionItemRevision,
    ActionItemWithdrawal,
    DropRequest,
    ReplanRequest,
    TicketEvent,
)
from workflows.policy import Policy, Team
from workflows.postmortem import PostmortemWorkflow

__all__ = [
    "deleted_ticket",
    "escalation_ladder",
    "foreign_ticket_events",
    "invitation_live_check",
    "item_dropped",
    "item_replanned",
    "item_revised_and_withdrawn",
    "live_check_closed",
    "reconciliation_closed",
    "reopened_ticket",
    "tracker_permission_denied",
]


async def item_dropped(rec: Recording) -> None:
    """An item dropped after publishing (the API's DELETE): its workflow ends, the review hears."""
    incident_id = "RITEMDROP"
    review = await rec.start(incident_id, DAILY)
    t0 = rec.t0
    await rec.publish(review, drafts(t0, DAY, (OWNERS[0], 20), (OWNERS[1], 20)))
    await rec.sleep(3.5)
    child = rec.child(incident_id, "1")
    await child.execute_update(ActionItemWorkflow.drop, DropRequest(reason="Superseded by PR 41."))
    await child.result()
    await rec.sleep(2)
    await rec.save_review(incident_id)


async def item_revised_and_withdrawn(rec: Recording) -> None:
    """Items changed and taken out through the review (the API's PATCH and DELETE): while
    drafting one is revised and one removed; once published one is re-planned and one dropped,
    each forwarded to the item's workflow."""
    incident_id = "RREVISE"
    review = await rec.start(incident_id, DAILY)
    t0 = rec.t0
    await review.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
    for draft in drafts(t0, DAY, (OWNERS[0], 20), (OWNERS[1], 20), (OWNERS[2], 20)):
        await review.execute_update(PostmortemWorkflow.add_action_item, draft)
    await review.execute_update(
        PostmortemWorkflow.revise_action_item,
        ActionItemRevision(id="1", title="Cap pool size at 10 in the service template"),
    )
    await review.execute_update(
        PostmortemWorkflow.withdraw_action_item, ActionItemWithdrawal(id="3")
    )
    for draft in drafts(t0, DAY, (OWNERS[2], 25)):
        await review.execute_update(PostmortemWorkflow.add_action_item, draft)
    await rec.publish(review, [])
    await rec.ticket_key(review, "4")
    await rec.sleep(2.5)
    await review.execute_update(
        PostmortemWorkflow.revise_action_item,
        ActionItemRevision(
            id="1", due=(t0 + 30 * DAY).isoformat(), reason="Waiting on the new base image."
        ),
    )
    await review.execute_update(
        PostmortemWorkflow.withdraw_action_item,
        ActionItemWithdrawal(id="4", reason="Superseded by PR 41."),
    )
    await rec.sleep(3)
    await rec.save_review(incident_id)


async def item_replanned(rec: Recording) -> None:
    """An item re-planned after its first escalation (the API's PATCH): reminder, notice and
    escalation start again from the new due date."""
    incident_id = "RREPLAN"
    review = await rec.start(incident_id, DAILY)
    t0 = rec.t0
    await rec.publish(review, drafts(t0, DAY, (OWNERS[1], 10), (OWNERS[2], 80)))
    # Half a day off the daily reconcile timer: the Java test server wedges when an update
    # lands in the workflow task of a firing timer.
    await rec.until(t0, 18.5)
    await rec.child(incident_id, "1").execute_update(
        ActionItemWorkflow.replan,
        ReplanRequest(
            due=(t0 + 30 * DAY).isoformat(), reason="The pool change needs the new base image."
        ),
    )
    await rec.until(t0, 40)
    await rec.save_review(incident_id)


async def escalation_ladder(rec: Recording) -> None:
    """An open item climbs the ladder (reminder, overdue notice, three escalations with a ticket
    comment each, to a team's leadership) until its ticket closes on day 33."""
    incident_id = "RLADDER"
    team = Team(
        name="Checkout", services=["checkout"], leadership=["vp-eng@example.com", "cto@example.com"]
    )
    review = await rec.start(incident_id, DAILY.model_copy(update={"teams": [team]}))
    t0 = rec.t0
    await rec.publish(review, drafts(t0, DAY, (OWNERS[1], 10), (OWNERS[2], 80)))
    await rec.until(t0, 33)
    await close_ticket(rec.client, rec.settings, incident_id, "1")
    await rec.until(t0, 40)
    await rec.save_review(incident_id)


async def _closed_without_webhook(
    rec: Recording,
    incident_id: str,
    policy: Policy,
    due: tuple[int, int],
    closed: float,
    end: float,
) -> None:
    """Item 1's ticket is closed in the tracker on day ``closed`` and no webhook ever comes."""
    review = await rec.start(incident_id, policy)
    owners = (OWNERS[1], due[0]), (OWNERS[2], due[1])
    await rec.publish(review, drafts(rec.t0, DAY, *owners))
    await rec.until(rec.t0, closed)
    rec.tracker().set_done(await rec.ticket_key(review, "1"), True)
    await rec.until(rec.t0, end)
    await rec.save_review(incident_id)


async def live_check_closed(rec: Recording) -> None:
    """A ticket closed in the tracker without a webhook: the live check before the escalation
    finds it closed, settles the item and sends nothing."""
    await _closed_without_webhook(rec, "RLIVECHECK", NO_RECONCILE, (10, 80), 15, 25)


async def reconciliation_closed(rec: Recording) -> None:
    """A ticket closed without a webhook is found by the next reconciliation read."""
    await _closed_without_webhook(rec, "RRECONCILE", DAILY, (10, 80), 14.5, 25)


async def invitation_live_check(rec: Recording) -> None:
    """Before the follow-up invitation the review reads every open ticket: one closed without a
    webhook is settled in the agenda and its item workflow told."""
    await _closed_without_webhook(rec, "RINVITE", NO_RECONCILE, (60, 60), 20, 31)


async def deleted_ticket(rec: Recording) -> None:
    """A ticket deleted in the tracker: the item is flagged, stays open, the facilitator told."""
    incident_id = "RDELETED"
    review = await rec.start(incident_id, DAILY)
    t0 = rec.t0
    await rec.publish(review, drafts(t0, DAY, (OWNERS[0], 20), (OWNERS[1], 20)))
    key = await rec.ticket_key(review, "1")
    await rec.child(incident_id, "1").signal(
        ActionItemWorkflow.ticket_deleted, TicketEvent(key=key, event_id="deleted:1")
    )
    await rec.sleep(2.5)
    await rec.save_review(incident_id)


async def reopened_ticket(rec: Recording) -> None:
    """A ticket closed, reopened, the close delivered again (ignored), then closed for good."""
    incident_id = "RREOPEN"
    review = await rec.start(incident_id, DAILY)
    t0 = rec.t0
    await rec.publish(review, drafts(t0, DAY, (OWNERS[0], 20), (OWNERS[1], 20)))
    key = await rec.ticket_key(review, "1")
    child = rec.child(incident_id, "1")
    await rec.sleep(1.5)
    closed = TicketEvent(key=key, event_id="closed:7", at=t0 + 1.5 * DAY)
    await child.signal(ActionItemWorkflow.ticket_closed, closed)
    await rec.sleep(1)
    await child.signal(
        ActionItemWorkflow.ticket_reopened,
        TicketEvent(key=key, event_id="reopened:8", at=t0 + 2.5 * DAY),
    )
    await child.signal(ActionItemWorkflow.ticket_closed, closed)  # a retried delivery
    await rec.sleep(3)
    await close_ticket(rec.client, rec.settings, incident_id, "1")
    await rec.sleep(2)
    await rec.save_review(incident_id)


async def foreign_ticket_events(rec: Recording) -> None:
    """Ticket events about another ticket than the item's (a label copied onto someone else's
    issue, or another Jira issue id) change nothing; the item's own close settles it."""
    incident_id = "RFOREIGN"
    review = await rec.start(incident_id, DAILY)
    t0 = rec.t0
    await rec.publish(review, drafts(t0, DAY, (OWNERS[0], 20), (OWNERS[1], 20)))
    key = await rec.ticket_key(review, "1")
    child = rec.child(incident_id, "1")
    await child.signal(
        ActionItemWorkflow.ticket_closed, TicketEvent(key="LOCAL-9999", event_id="closed:90")
    )
    await child.signal(
        ActionItemWorkflow.ticket_closed,
        TicketEvent(key=key, issue_id="10999", event_id="closed:91"),
    )
    await rec.sleep(1.5)
    await close_ticket(rec.client, rec.settings, incident_id, "1")
    await rec.sleep(2)
    await rec.save_review(incident_id)


async def tracker_permission_denied(rec: Recording) -> None:
    """Jira refuses to create tickets (403): three attempts per item, the facilitator told."""
    incident_id = "RDENIED"
    with FakeJira() as jira:
        jira.deny_create = True
        settings = settings_for(
            rec.settings.data_dir.parent,
            jira_url=jira.url,
            jira_email=jira.email,
            jira_api_token=jira.api_token,
            jira_project="OPS",
        )
        async with local_worker(rec.client, settings):
            rec.settings = settings
            review = await rec.start(incident_id, DAILY)
            t0 = rec.t0
            await rec.publish(review, drafts(t0, DAY, (OWNERS[0], 20), (OWNERS[1], 20)))
            await rec.sleep(3.5)
            await rec.save_review(incident_id)
