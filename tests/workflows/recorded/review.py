"""Recorded scenarios of a review's own paths: the six weeks, the draft's reminder and escalation,
the follow-up's outcomes, people and links, decisions while items start, what went well."""

from __future__ import annotations

import asyncio

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory, WorkflowUpdateStage

from tests.support.harness import (
    FIVE_WHYS,
    close_ticket,
    settings_for,
)
from tests.support.histories import patches
from tests.support.recording import (
    DAILY,
    DAY,
    OWNERS,
    Recording,
    compressed,
    drafts,
    policy_for,
)
from tests.support.scenarios import six_week_review
from workflows.audit import Actor, ActorKind, Via
from workflows.contracts import (
    ActionItemRevision,
    ActionItemWithdrawal,
    WentWellRevision,
)
from workflows.postmortem import LATE_DECISIONS_PATCH, PostmortemWorkflow
from workflows.review import (
    ActionItemChange,
    FollowUpOutcome,
    FollowUpRecord,
    FollowUpStatus,
    PublishRequest,
    RemoveActionItem,
    RevokeLinks,
    SetFacilitator,
    WentWell,
)

__all__ = [
    "decided_while_items_start",
    "draft_reminder_escalation",
    "facilitator_after_publishing",
    "follow_up_drop",
    "follow_up_three_outcomes",
    "people_and_links",
    "search_attributes_on_change",
    "six_weeks",
    "six_weeks_dev",
    "went_well_revised",
]


async def six_weeks(rec: Recording) -> None:
    """Issue 2's six weeks: one item closed early, one late after reminder, notice and
    escalation, one re-planned at the follow-up and then closed; the review closes."""
    # six_week_review runs its own worker, on a task queue of its own.
    await six_week_review(rec.env, settings_for(rec.settings.data_dir.parent / "own"), "RSIXWEEKS")
    await rec.save_review("RSIXWEEKS", ["1", "2", "3"])


async def six_weeks_dev(rec: Recording) -> None:
    """The same six weeks on the dev server (compressed), started with search attributes."""
    incident_id = "RSIXWEEKSDEV"
    review = await rec.start(incident_id, compressed(DAILY))
    t0 = rec.t0
    day = rec.day
    await rec.publish(
        review,
        drafts(t0, day, (OWNERS[0], 14), (OWNERS[1], 10), (OWNERS[2], 20)),
    )
    await rec.until(t0, 5)
    await close_ticket(rec.client, rec.settings, incident_id, "1")
    await rec.until(t0, 19)
    await close_ticket(rec.client, rec.settings, incident_id, "2")
    await rec.until(t0, 36)
    await review.execute_update(
        PostmortemWorkflow.record_follow_up,
        FollowUpRecord(
            outcomes=[
                FollowUpOutcome(
                    action_item="3",
                    status=FollowUpStatus.REPLANNED,
                    due=(t0 + 50 * day).isoformat(),
                    reason="Alerting needs the new metrics pipeline first.",
                )
            ]
        ),
    )
    await rec.until(t0, 40)
    await close_ticket(rec.client, rec.settings, incident_id, "3")
    await asyncio.wait_for(review.result(), timeout=60)
    await rec.save_review(incident_id)


async def search_attributes_on_change(rec: Recording) -> None:
    """A review on the dev server whose loop wakes many times within each phase (edits while
    drafting, a ticket closed while tracking) up to its close: since the patch
    ``search-attributes-on-change`` it upserts its search attributes only when one changes."""
    incident_id = "RATTRIBUTES"
    review = await rec.start(incident_id, compressed(DAILY))
    t0 = rec.t0
    await rec.publish(review, drafts(t0, rec.day, (OWNERS[0], 10), (OWNERS[1], 12)))
    await rec.until(t0, 3)
    await close_ticket(rec.client, rec.settings, incident_id, "1")
    await rec.until(t0, 5)
    await close_ticket(rec.client, rec.settings, incident_id, "2")
    await rec.until(t0, 36)
    await review.execute_update(PostmortemWorkflow.record_follow_up, FollowUpRecord(outcomes=[]))
    await asyncio.wait_for(review.result(), timeout=60)
    await rec.save_review(incident_id, ["1", "2"])


async def draft_reminder_escalation(rec: Recording) -> None:
    """A draft left unpublished: the facilitator's reminder on day 5, escalations to leadership
    on days 12, 19 and 26; then a draft item is changed and removed, and the review published,
    which stops the escalations."""
    incident_id = "RDRAFT" + ("DEV" if rec.server != "time-skipping" else "")
    review = await rec.start(incident_id, policy_for(rec, DAILY))
    t0 = rec.t0
    await rec.until(t0, 26.5)
    # A draft item changed, then removed: the only edits a draft allows.
    await review.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
    draft = await review.execute_update(
        PostmortemWorkflow.add_action_item, drafts(t0, rec.day, (OWNERS[2], 30))[0]
    )
    await review.execute_update(
        PostmortemWorkflow.change_action_item,
        ActionItemChange(id=draft.id, title="Cap pool size at 10 in the service template"),
    )
    await review.execute_update(
        PostmortemWorkflow.remove_action_item, RemoveActionItem(id=draft.id)
    )
    await rec.publish(review, drafts(t0, rec.day, (OWNERS[0], 60), (OWNERS[1], 60)))
    await rec.until(t0, 34.5)
    await rec.save_review(incident_id)


async def follow_up_three_outcomes(rec: Recording) -> None:
    """At the follow-up one item is done, one re-planned, one dropped; the re-planned one's ticket
    closes later and the review closes."""
    incident_id = "RTHREE" + ("DEV" if rec.server != "time-skipping" else "")
    review = await rec.start(incident_id, policy_for(rec, DAILY))
    t0 = rec.t0
    day = rec.day
    await rec.publish(review, drafts(t0, day, (OWNERS[0], 20), (OWNERS[1], 20), (OWNERS[2], 20)))
    await rec.until(t0, 36.5)
    await review.execute_update(
        PostmortemWorkflow.record_follow_up,
        FollowUpRecord(
            outcomes=[
                FollowUpOutcome(action_item="1", status=FollowUpStatus.DONE, reason="Merged."),
                FollowUpOutcome(
                    action_item="2",
                    status=FollowUpStatus.REPLANNED,
                    due=(t0 + 50 * day).isoformat(),
                    reason="Waiting on the new base image.",
                ),
                FollowUpOutcome(
                    action_item="3", status=FollowUpStatus.DROPPED, reason="Superseded by PR 41."
                ),
            ],
            notes="Reviewed every item.",
        ),
    )
    await rec.until(t0, 40.5)
    await close_ticket(rec.client, rec.settings, incident_id, "2")
    await asyncio.wait_for(review.result(), timeout=60)
    await rec.save_review(incident_id)


async def follow_up_drop(rec: Recording) -> None:
    """One item dropped at the follow-up; the other's ticket was closed in the tracker without a
    webhook, found by reconciliation, and confirmed done; the review closes."""
    incident_id = "RFUDROP"
    review = await rec.start(incident_id, DAILY)
    t0 = rec.t0
    await rec.publish(review, drafts(t0, DAY, (OWNERS[0], 20), (OWNERS[1], 20)))
    await rec.sleep(36)
    rec.tracker().set_done(await rec.ticket_key(review, "2"), True)
    await review.execute_update(
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
    await review.result()
    await rec.save_review(incident_id)


async def people_and_links(rec: Recording) -> None:
    """Changes made by people and tokens (each update carries its actor, the review keeps the
    trail), an admin naming the facilitator, and the facilitator revoking the review's links."""
    incident_id = "RPEOPLE"
    review = await rec.start(incident_id, DAILY)
    t0 = rec.t0
    alice = Actor(kind=ActorKind.PERSON, name="alice@example.com", via=Via.LINK, role="contributor")
    ci = Actor(kind=ActorKind.TOKEN, name="ci", via=Via.API, role="facilitator")
    admin = Actor(kind=ActorKind.PERSON, name="ada@example.com", via=Via.PAGE, role="admin")
    fay = Actor(kind=ActorKind.PERSON, name="fay@example.com", via=Via.PAGE, role="facilitator")
    await review.execute_update(
        PostmortemWorkflow.submit_five_whys, FIVE_WHYS.model_copy(update={"actor": alice})
    )
    for draft in drafts(t0, DAY, (OWNERS[0], 20), (OWNERS[1], 20)):
        await review.execute_update(
            PostmortemWorkflow.add_action_item, draft.model_copy(update={"actor": ci})
        )
    await review.execute_update(
        PostmortemWorkflow.set_facilitator,
        SetFacilitator(facilitator="fay@example.com", actor=admin),
    )
    await review.execute_update(
        PostmortemWorkflow.add_went_well,
        WentWell(text="The on-call runbook had the rollback steps.", actor=alice),
    )
    await review.execute_update(PostmortemWorkflow.publish, PublishRequest(actor=fay))
    await rec.ticket_key(review, "1")
    await review.execute_update(PostmortemWorkflow.revoke_links, RevokeLinks(actor=fay))
    await rec.sleep(1)
    await rec.save_review(incident_id)


async def facilitator_after_publishing(rec: Recording) -> None:
    """An admin names another facilitator while the items are tracked: each item's workflow
    hears it and copies them on its overdue notice (patch ``facilitator-reaches-items``)."""
    incident_id = "RFACILITATOR"
    review = await rec.start(incident_id, DAILY)
    await review.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
    for draft in drafts(rec.t0, DAY, (OWNERS[0], 10), (OWNERS[1], 20)):
        await review.execute_update(PostmortemWorkflow.add_action_item, draft)
    await review.execute_update(
        PostmortemWorkflow.add_went_well,
        WentWell(text="The on-call runbook had the rollback steps."),
    )
    await review.execute_update(PostmortemWorkflow.publish, PublishRequest())
    await rec.ticket_key(review, "1")
    await rec.ticket_key(review, "2")
    await rec.sleep(2)
    await review.execute_update(
        PostmortemWorkflow.set_facilitator, SetFacilitator(facilitator="fay@example.com")
    )
    await rec.sleep(10)
    await rec.save_review(incident_id)


def decided_during_a_start(history: WorkflowHistory) -> bool:
    """Whether an update was accepted between a child's start command and its started event."""
    starting: set[int] = set()
    for event in history.events:
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
            starting.add(event.event_id)
        elif kind == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
            starting.discard(
                event.child_workflow_execution_started_event_attributes.initiated_event_id
            )
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED and starting:
            return True
    return False


async def decided_while_items_start(rec: Recording) -> None:
    """A re-plan and a drop sent as soon as the publish is accepted (a PATCH and a DELETE right
    after publishing), landing while the items' workflows are starting: once started, each hears
    what was decided (patch ``item-decisions-during-its-start``). The race is timing: fresh
    reviews are tried until one history shows the patch, or (since ``review-lean-history``,
    which takes it without a marker) an update accepted during a start (at most 30)."""
    policy = policy_for(rec, DAILY)
    for attempt in range(30):
        incident_id = f"RSTARTRACE{attempt:02d}"
        review = await rec.start(incident_id, policy)
        await review.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
        for draft in drafts(rec.t0, rec.day, (OWNERS[0], 20), (OWNERS[1], 20)):
            await review.execute_update(PostmortemWorkflow.add_action_item, draft)
        await review.execute_update(
            PostmortemWorkflow.add_went_well, WentWell(text="The rollback took two minutes.")
        )
        published = await review.start_update(
            PostmortemWorkflow.publish,
            PublishRequest(),
            wait_for_stage=WorkflowUpdateStage.ACCEPTED,
        )
        await review.execute_update(
            PostmortemWorkflow.revise_action_item,
            ActionItemRevision(
                id="1", due=(rec.t0 + 30 * rec.day).isoformat(), reason="Waiting on the base image."
            ),
        )
        await review.execute_update(
            PostmortemWorkflow.withdraw_action_item,
            ActionItemWithdrawal(id="2", reason="Superseded by PR 41."),
        )
        await published.result()
        await rec.ticket_key(review, "1")
        history = await review.fetch_history()
        if LATE_DECISIONS_PATCH in patches(history) or decided_during_a_start(history):
            await rec.sleep(1)
            await rec.save_review(incident_id)
            return
    raise RuntimeError("no attempt landed an update while an item's workflow was starting")


async def went_well_revised(rec: Recording) -> None:
    """A draft whose what-went-well entries are rewritten and one removed, then published."""
    incident_id = "RWENTWELL"
    review = await rec.start(incident_id, DAILY)
    for text in ("Paging worked.", "Bob was careless, as usual.", "Rollback took 4 minutes."):
        await review.execute_update(PostmortemWorkflow.add_went_well, WentWell(text=text))
    await review.execute_update(
        PostmortemWorkflow.revise_went_well,
        WentWellRevision(index=0, text="Paging reached the owner in a minute."),
    )
    await review.execute_update(PostmortemWorkflow.revise_went_well, WentWellRevision(index=1))
    await rec.publish(review, drafts(rec.t0, DAY, (OWNERS[0], 20), (OWNERS[1], 20)))
    await rec.sleep(1.5)
    await rec.save_review(incident_id)
