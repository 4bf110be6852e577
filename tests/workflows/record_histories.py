"""Record replay histories of every workflow path, from the code as it is now.

    python -m tests.workflows.record_histories             # every scenario
    python -m tests.workflows.record_histories six-weeks   # only the named ones
    python -m tests.workflows.record_histories --list      # what there is

Each scenario drives real reviews with the production worker (local tracker, outbox, Markdown
documents; the Jira and SMTP imitations where the path needs them) and writes the history of the
review and of every item workflow to ``tests/workflows/histories/<version>/<scenario>/``, where
``<version>`` is the installed Followthrough version (``--out`` overrides the folder).
``tests/workflows/test_replay.py`` replays every file under ``histories/``, so a workflow change
that would break a running review fails CI.

Most scenarios run on the Java time-skipping server (six weeks in seconds; it has no custom
search attributes, so its histories hold no upserts). The ``-dev`` scenarios and the
continue-as-new one run on the CLI dev server with the search attributes registered and the review
started the way the webhook starts it, so their histories carry the
``UpsertWorkflowSearchAttributes`` commands production histories have; they run in real time
on a compressed policy (one "day" is a second).

Record new histories for a new path; never re-record an old version's folder (those are the
reviews already running in production).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import tempfile
import time
import tomllib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle, WorkflowHistory, WorkflowUpdateStage
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from api.starter import start_review
from connectors.local_tracker import LocalTracker
from followthrough.settings import Settings
from tests.fakes.confluence import FakeConfluence
from tests.fakes.jira import FakeJira
from tests.fakes.smtp import FakeSmtp
from tests.support.harness import (
    FIVE_WHYS,
    close_ticket,
    incident,
    item,
    local_worker,
    settings_for,
)
from tests.support.scenarios import six_week_review
from tests.support.temporal import binary
from workflows.action_item import ActionItemWorkflow
from workflows.audit import Actor, ActorKind, Via
from workflows.calls import SEARCH_ATTRIBUTES
from workflows.codes import Code
from workflows.contracts import (
    ActionItemRevision,
    ActionItemWithdrawal,
    DigestInput,
    DropRequest,
    PostmortemInput,
    ReplanRequest,
    ReviewOutcome,
    TicketEvent,
    WentWellRevision,
)
from workflows.digest import DigestWorkflow
from workflows.ids import item_workflow_id, review_workflow_id
from workflows.policy import ActionItemPolicy, Policy, Team
from workflows.postmortem import LATE_DECISIONS_PATCH, PostmortemWorkflow
from workflows.review import (
    ActionItemChange,
    ActionItemDraft,
    FollowUpOutcome,
    FollowUpRecord,
    FollowUpStatus,
    ItemStatus,
    PublishRequest,
    RemoveActionItem,
    RevokeLinks,
    SetFacilitator,
    WentWell,
)

HISTORIES = Path(__file__).parent / "histories"
DAY = timedelta(days=1)
#: One policy "day" on the dev server, where time passes for real.
DEV_DAY = timedelta(seconds=1)

Server = Literal["time-skipping", "dev", "dev-short-history"]
Review = WorkflowHandle[PostmortemWorkflow, ReviewOutcome]


def version() -> str:
    """The Followthrough version that records (the folder name under ``histories/``): the
    checkout's ``pyproject.toml``, so an editable install never records under a stale number."""
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    return str(project["project"]["version"])


# --- what a scenario gets ------------------------------------------------------------------------


@dataclass
class Recording:
    """One scenario's run: its server, a worker's settings, and where its histories go."""

    env: WorkflowEnvironment
    server: Server
    settings: Settings
    folder: Path
    written: list[Path] = field(default_factory=list)
    t0: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def client(self) -> Client:
        return self.env.client

    @property
    def day(self) -> timedelta:
        return DAY if self.server == "time-skipping" else DEV_DAY

    async def now(self) -> datetime:
        if self.server == "time-skipping":
            return await self.env.get_current_time()
        return datetime.now(UTC)

    async def sleep(self, days: float) -> None:
        """Let ``days`` policy days pass (skipped on the time-skipping server, real elsewhere)."""
        if self.server == "time-skipping":
            await self.env.sleep(days * DAY)
        else:
            await asyncio.sleep((days * DEV_DAY).total_seconds())

    async def until(self, t0: datetime, day: float) -> None:
        """Wait until ``day`` policy days after ``t0``."""
        remaining = t0 + day * self.day - await self.now()
        if remaining > timedelta(0):
            if self.server == "time-skipping":
                await self.env.sleep(remaining)
            else:
                await asyncio.sleep(remaining.total_seconds())

    async def save(self, workflow_id: str, name: str) -> None:
        """Write the history of every run of ``workflow_id``: ``<name>.json``, or
        ``<name>-run-<n>.json`` per run when it continued as new."""
        runs: list[WorkflowHistory] = []
        run_id: str | None = None
        while True:  # from the latest run back along continued_execution_run_id
            history = await self.client.get_workflow_handle(
                workflow_id, run_id=run_id
            ).fetch_history()
            runs.insert(0, history)
            started = history.events[0].workflow_execution_started_event_attributes
            run_id = started.continued_execution_run_id or None
            if run_id is None:
                break
        self.folder.mkdir(parents=True, exist_ok=True)
        for n, history in enumerate(runs, start=1):
            target = self.folder / (f"{name}-run-{n}.json" if len(runs) > 1 else f"{name}.json")
            target.write_text(history.to_json())
            self.written.append(target)

    async def save_review(self, incident_id: str, items: list[str] | None = None) -> None:
        """The review's history and those of its ``items`` (default: every item workflow it
        started, which asks the review: its worker must still run)."""
        review: Review = self.client.get_workflow_handle_for(
            PostmortemWorkflow.run, review_workflow_id(incident_id)
        )
        if items is None:
            items = (await review.query(PostmortemWorkflow.status)).state.started_items
        await self.save(review.id, "postmortem")
        for item_id in items:
            await self.save(item_workflow_id(incident_id, item_id), f"action-item-{item_id}")

    async def start(self, incident_id: str, policy: Policy, **incident_fields: Any) -> Review:
        """Start a review (resolved now: ``t0``): as the webhook does on the dev server (search attributes set), plainly
        on the time-skipping server (which has no custom search attributes)."""
        self.t0 = await self.now()
        found = incident(incident_id, self.t0).model_copy(update=incident_fields)
        workflow_id = review_workflow_id(incident_id)
        if self.server == "time-skipping":
            return await self.client.start_workflow(
                PostmortemWorkflow.run,
                PostmortemInput(
                    incident=found,
                    policy=policy,
                    review_url=f"http://review.test/reviews/{incident_id}",
                ),
                id=workflow_id,
                task_queue=self.settings.task_queue,
            )
        await start_review(self.client, self.settings, policy, found)
        return self.client.get_workflow_handle_for(PostmortemWorkflow.run, workflow_id)

    async def publish(self, review: Review, drafts: list[ActionItemDraft]) -> None:
        await review.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
        for draft in drafts:
            await review.execute_update(PostmortemWorkflow.add_action_item, draft)
        await review.execute_update(
            PostmortemWorkflow.add_went_well,
            WentWell(text="The on-call runbook had the rollback steps."),
        )
        await review.execute_update(PostmortemWorkflow.publish, PublishRequest())

    async def ticket_key(self, review: Review, item_id: str, timeout: float = 30.0) -> str:
        """The item's ticket key, once its workflow opened the ticket."""
        deadline = time.monotonic() + timeout
        while True:
            state = (await review.query(PostmortemWorkflow.status)).state
            found = state.item(item_id)
            if found is not None and found.ticket is not None:
                return found.ticket.key
            if time.monotonic() > deadline:
                raise TimeoutError(f"item {item_id} has no ticket after {timeout} s")
            await asyncio.sleep(0.1)

    def tracker(self) -> LocalTracker:
        return LocalTracker(self.settings.tracker_file, self.settings.base_url)

    def child(self, incident_id: str, item_id: str) -> WorkflowHandle[Any, Any]:
        return self.client.get_workflow_handle(item_workflow_id(incident_id, item_id))


def drafts(
    t0: datetime, day: timedelta, *owners_and_days: tuple[str, float]
) -> list[ActionItemDraft]:
    """One item per (owner, due day); items alternate between the two root causes."""
    titles = (
        "Cap pool size at 20 in the service template",
        "Add a connection-limit step to the deploy checklist",
        "Alert when pool usage exceeds 80% for 5 minutes",
    )
    return [
        item(titles[n % 3], owner, t0 + days * day, "rc1" if n % 2 == 0 else "rc2")
        for n, (owner, days) in enumerate(owners_and_days)
    ]


def compressed(policy: Policy) -> Policy:
    """``policy`` with every duration shrunk so that a day lasts :data:`DEV_DAY`."""
    scale = DEV_DAY / DAY

    def shrink(section: Any, *names: str) -> Any:
        return section.model_copy(update={n: getattr(section, n) * scale for n in names})

    return policy.model_copy(
        update={
            "review": shrink(policy.review, "draft_deadline"),
            "follow_up": shrink(policy.follow_up, "after", "invite_ahead"),
            "action_items": shrink(
                policy.action_items,
                "max_horizon",
                "remind_before",
                "escalate_after",
                "escalate_every",
                "reconcile_every",
            ),
        }
    )


#: The marker Temporal records for ``workflow.patched``, and where it keeps the patch id.
PATCH_MARKER = "core_patch"
PATCH_DATA = "patch-data"


def patches(history: WorkflowHistory) -> set[str]:
    """The ``workflow.patched`` ids a history recorded (every new review records several)."""
    found: set[str] = set()
    for event in history.events:
        if not event.HasField("marker_recorded_event_attributes"):
            continue
        marker = event.marker_recorded_event_attributes
        if marker.marker_name == PATCH_MARKER and PATCH_DATA in marker.details:
            for payload in marker.details[PATCH_DATA].payloads:
                found.add(str(json.loads(payload.data)["id"]))
    return found


#: Reconcile daily rather than every 6 hours, to keep histories readable.
DAILY = Policy(action_items=ActionItemPolicy(reconcile_every=DAY))
#: Reconcile so rarely that only the live checks before a message can notice a closed ticket.
NO_RECONCILE = Policy(action_items=ActionItemPolicy(reconcile_every=90 * DAY))
OWNERS = ("carol@example.com", "dave@example.com", "erin@example.com")


def policy_for(rec: Recording, policy: Policy) -> Policy:
    return policy if rec.server == "time-skipping" else compressed(policy)


# --- scenarios -----------------------------------------------------------------------------------


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


async def decided_while_items_start(rec: Recording) -> None:
    """A re-plan and a drop sent as soon as the publish is accepted (a PATCH and a DELETE right
    after publishing), landing while the items' workflows are starting: once started, each hears
    what was decided (patch ``item-decisions-during-its-start``). The race is timing: fresh
    reviews are tried until one history shows the patch (at most 30)."""
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
        if LATE_DECISIONS_PATCH in patches(await review.fetch_history()):
            await rec.sleep(1)
            await rec.save_review(incident_id)
            return
    raise RuntimeError("no attempt landed an update while an item's workflow was starting")


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


async def confluence_document(rec: Recording) -> None:
    """The review document as a Confluence page: written, a person's edit of the summary replaced
    and reported (problem and mail), a revoked permission shown and mailed once, then written
    again once the permission is back; published with two items."""
    incident_id = "RCONFLUENCE"
    with FakeConfluence() as confluence:
        confluence.add_space("PM")
        settings = settings_for(
            rec.settings.data_dir.parent,
            confluence_url=confluence.url,
            confluence_email=confluence.email,
            confluence_api_token=confluence.api_token,
            confluence_space="PM",
        )
        async with local_worker(rec.client, settings):
            rec.settings = settings
            review = await rec.start(incident_id, DAILY)
            page = await _page_of(review)
            person = confluence.add_user("paula@example.com", "Paula Person")
            body = confluence.body(page).replace("<h2>Summary</h2>", "<h2>Summary</h2><p>Mine.</p>")
            confluence.edit_as(person, page, body, "fixed the summary")
            await review.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
            await _problem(review, Code.DOCUMENT_EDIT_REPLACED)
            confluence.revoke("PM", confluence.bot.account_id, ("create", "page"))
            await review.execute_update(
                PostmortemWorkflow.add_went_well, WentWell(text="The runbook had the steps.")
            )
            await _problem(review, Code.CONFLUENCE_PERMISSION_DENIED)
            confluence.grant("PM", confluence.bot.account_id, ("create", "page"))
            for draft in drafts(rec.t0, DAY, (OWNERS[0], 20), (OWNERS[1], 20)):
                await review.execute_update(PostmortemWorkflow.add_action_item, draft)
            await review.execute_update(PostmortemWorkflow.publish, PublishRequest())
            await rec.ticket_key(review, "1")
            await rec.sleep(1)
            await rec.save_review(incident_id)


async def _page_of(review: Review, timeout: float = 30.0) -> str:
    """The id of the review's page, once the first write gave the review its doc_url."""
    deadline = time.monotonic() + timeout
    while True:
        url = (await review.query(PostmortemWorkflow.status)).state.doc_url
        if url:
            return url.rsplit("/", 1)[-1]
        if time.monotonic() > deadline:
            raise TimeoutError(f"no page after {timeout} s")
        await asyncio.sleep(0.1)


async def _problem(review: Review, code: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        state = (await review.query(PostmortemWorkflow.status)).state
        if any(p.code == code for p in state.problems):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {code} problem after {timeout} s")
        await asyncio.sleep(0.1)


async def _over_smtp(
    rec: Recording,
    incident_id: str,
    smtp: FakeSmtp,
    drive: Callable[[Review], Awaitable[None]],
    **incident_fields: Any,
) -> None:
    settings = settings_for(
        rec.settings.data_dir.parent,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        smtp_starttls=False,
    )
    async with local_worker(rec.client, settings):
        rec.settings = settings
        review = await rec.start(incident_id, DAILY, **incident_fields)
        await drive(review)
        await rec.save_review(incident_id)


async def mail_refused(rec: Recording) -> None:
    """Every recipient refused for good (SMTP 550): the opening message and the owner's reminder
    become problems on the review and the item; nothing is retried."""
    incident_id = "RMAILREFUSED"
    with FakeSmtp() as smtp:
        smtp.refuse("facilitator@example.com", 550)
        smtp.refuse(OWNERS[0], 550)

        async def drive(review: Review) -> None:
            t0 = rec.t0
            await rec.publish(review, drafts(t0, DAY, (OWNERS[0], 10), (OWNERS[1], 60)))
            await rec.until(t0, 11.5)

        await _over_smtp(rec, incident_id, smtp, drive, responders=[])


async def mail_partly_refused(rec: Recording) -> None:
    """One responder refused while the others accept: the message goes out, the refusal is a
    problem on the review."""
    incident_id = "RMAILPARTLY"
    with FakeSmtp() as smtp:
        smtp.refuse("bob@example.com", 550)

        async def drive(review: Review) -> None:
            deadline = time.monotonic() + 30
            while not (await review.query(PostmortemWorkflow.status)).state.problems:
                if time.monotonic() > deadline:
                    raise TimeoutError("the refusal was not recorded")
                await asyncio.sleep(0.1)
            await rec.sleep(1)

        await _over_smtp(rec, incident_id, smtp, drive)


async def mail_outage(rec: Recording) -> None:
    """SMTP defers twice (451), then accepts: one message, sent by the third attempt."""
    incident_id = "RMAILDEFER"
    with FakeSmtp() as smtp:
        smtp.fail_next(451, count=2)

        async def drive(review: Review) -> None:
            deadline = time.monotonic() + 60
            while not smtp.messages:
                if time.monotonic() > deadline:
                    raise TimeoutError("the deferred message never arrived")
                await asyncio.sleep(0.2)
            await rec.sleep(1)
            problems = (await review.query(PostmortemWorkflow.status)).state.problems
            if problems:
                raise AssertionError(f"a passing outage became a problem: {problems}")

        await _over_smtp(rec, incident_id, smtp, drive)


async def _item_done(review: Review, item_id: str) -> bool:
    found = (await review.query(PostmortemWorkflow.status)).state.item(item_id)
    return found is not None and found.status == ItemStatus.DONE


async def continue_as_new(rec: Recording) -> None:
    """Both workflows continue-as-new (the server suggests it after 50 events): the review after
    a run of updates, an item after a run of reconciliation reads. Every run is saved."""
    incident_id = "RCAN"
    policy = Policy(action_items=ActionItemPolicy(reconcile_every=timedelta(seconds=1)))
    review = await rec.start(incident_id, policy)
    t0 = rec.t0
    first_review_run = (await review.describe()).run_id
    await rec.publish(review, drafts(t0, DAY, (OWNERS[0], 9), (OWNERS[1], 9)))
    key = await rec.ticket_key(review, "1")
    child = rec.child(incident_id, "1")
    first_item_run = (await child.describe()).run_id
    for n in range(15):
        await review.execute_update(
            PostmortemWorkflow.add_went_well, WentWell(text=f"Runbook step {n} worked.")
        )
    deadline = time.monotonic() + 60
    while (await review.describe()).run_id == first_review_run or (
        await child.describe()
    ).run_id == first_item_run:
        if time.monotonic() > deadline:
            raise TimeoutError("the workflows did not continue as new")
        await asyncio.sleep(0.2)
    rec.tracker().set_done(key, True)
    await child.signal(ActionItemWorkflow.ticket_closed, TicketEvent(key=key))
    deadline = time.monotonic() + 30
    while not await _item_done(review, "1"):
        if time.monotonic() > deadline:
            raise TimeoutError("the new item run did not report to the new review run")
        await asyncio.sleep(0.2)
    await asyncio.sleep(1)
    await rec.save_review(incident_id)


async def digest(rec: Recording) -> None:
    """The weekly digest over one published review (dev server: it lists reviews by visibility)."""
    incident_id = "RDIGEST"
    review = await rec.start(incident_id, compressed(DAILY))
    t0 = rec.t0
    await rec.publish(review, drafts(t0, rec.day, (OWNERS[0], 60), (OWNERS[1], 60)))
    await rec.ticket_key(review, "2")
    await asyncio.sleep(2)  # visibility is eventually consistent
    digest_id = f"digest-{uuid.uuid4().hex[:8]}"
    await rec.client.execute_workflow(
        DigestWorkflow.run,
        DigestInput(policy=DAILY, dashboard_url="http://review.test/"),
        id=digest_id,
        task_queue=rec.settings.task_queue,
    )
    await rec.save(digest_id, "digest")
    await rec.save_review(incident_id)


async def review_store(rec: Recording) -> None:
    """Two incidents of one service (the store path): the first, published, is written to the
    review store after each change; the second, opening later, finds it there with its open item
    and shows it on the page and in the opening mail."""
    first = await rec.start("RSTOREONE", DAILY)
    await rec.publish(first, drafts(rec.t0, DAY, (OWNERS[0], 20), (OWNERS[1], 20)))
    await rec.ticket_key(first, "2")
    await close_ticket(rec.client, rec.settings, "RSTOREONE", "2")
    await rec.sleep(3)
    second = await rec.start("RSTORETWO", DAILY)
    deadline = time.monotonic() + 30
    while not (await second.query(PostmortemWorkflow.status)).state.opened_notified:
        if time.monotonic() > deadline:
            raise TimeoutError("the second review did not open")
        await asyncio.sleep(0.1)
    state = (await second.query(PostmortemWorkflow.status)).state
    if [r.incident_id for r in state.repeats] != ["RSTOREONE"]:
        raise AssertionError(f"the second review did not find the first: {state.repeats}")
    await rec.sleep(1)
    await rec.save_review("RSTOREONE")
    await rec.save("postmortem-RSTORETWO", "postmortem-second")


@dataclass(frozen=True)
class Scenario:
    name: str
    server: Server
    drive: Callable[[Recording], Awaitable[None]]

    @property
    def about(self) -> str:
        return " ".join((self.drive.__doc__ or "").split("\n\n")[0].split())


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("six-weeks", "time-skipping", six_weeks),
    Scenario("six-weeks-dev", "dev", six_weeks_dev),
    Scenario("draft-reminder-escalation", "time-skipping", draft_reminder_escalation),
    Scenario("draft-reminder-escalation-dev", "dev", draft_reminder_escalation),
    Scenario("follow-up-three-outcomes", "time-skipping", follow_up_three_outcomes),
    Scenario("follow-up-three-outcomes-dev", "dev", follow_up_three_outcomes),
    Scenario("follow-up-drop", "time-skipping", follow_up_drop),
    Scenario("item-dropped", "time-skipping", item_dropped),
    Scenario("item-replanned", "time-skipping", item_replanned),
    Scenario("item-revised-and-withdrawn", "time-skipping", item_revised_and_withdrawn),
    Scenario("decided-while-items-start", "dev", decided_while_items_start),
    Scenario("people-and-links", "time-skipping", people_and_links),
    Scenario("escalation-ladder", "time-skipping", escalation_ladder),
    Scenario("live-check-closed", "time-skipping", live_check_closed),
    Scenario("reconciliation-closed", "time-skipping", reconciliation_closed),
    Scenario("invitation-live-check", "time-skipping", invitation_live_check),
    Scenario("deleted-ticket", "time-skipping", deleted_ticket),
    Scenario("reopened-ticket", "time-skipping", reopened_ticket),
    Scenario("foreign-ticket-events", "time-skipping", foreign_ticket_events),
    Scenario("went-well-revised", "time-skipping", went_well_revised),
    Scenario("tracker-permission-denied", "time-skipping", tracker_permission_denied),
    Scenario("confluence-document", "time-skipping", confluence_document),
    Scenario("mail-refused", "time-skipping", mail_refused),
    Scenario("mail-partly-refused", "time-skipping", mail_partly_refused),
    Scenario("mail-outage", "time-skipping", mail_outage),
    Scenario("continue-as-new", "dev-short-history", continue_as_new),
    Scenario("digest", "dev", digest),
    Scenario("search-attributes-on-change", "dev", search_attributes_on_change),
    # The review store (patched "review-store" and "digest-from-store").
    Scenario("review-store", "time-skipping", review_store),
    Scenario("digest-from-store", "dev", digest),
    # Issue 11's six weeks again, the items reconciling less often far from due (patched
    # "reconcile-backs-off").
    Scenario("six-weeks-reconcile-backoff", "time-skipping", six_weeks),
)


# --- what a history holds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What one saved history shows: enough to say which paths the saved set covers."""

    workflow_type: str
    events: int
    activities: frozenset[str]
    signals: frozenset[str]
    updates: frozenset[str]
    timers: int
    upserts: int
    continued_as_new: bool

    def line(self) -> str:
        return (
            f"{self.workflow_type} {self.events} events; activities {sorted(self.activities)}; "
            f"signals {sorted(self.signals)}; updates {sorted(self.updates)}; "
            f"{self.timers} timers; {self.upserts} upserts"
            + ("; continued as new" if self.continued_as_new else "")
        )


def facts(history: WorkflowHistory) -> Facts:
    events = history.events
    kind = EventType
    started = events[0].workflow_execution_started_event_attributes
    return Facts(
        workflow_type=started.workflow_type.name,
        events=len(events),
        activities=frozenset(
            e.activity_task_scheduled_event_attributes.activity_type.name
            for e in events
            if e.event_type == kind.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        ),
        signals=frozenset(
            e.workflow_execution_signaled_event_attributes.signal_name
            for e in events
            if e.event_type == kind.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
        ),
        updates=frozenset(
            e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
            for e in events
            if e.event_type == kind.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
        ),
        timers=sum(e.event_type == kind.EVENT_TYPE_TIMER_STARTED for e in events),
        upserts=sum(
            e.event_type == kind.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES for e in events
        ),
        continued_as_new=events[-1].event_type
        == kind.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
    )


def read_history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


# --- servers and the run -------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def server(kind: Server) -> AsyncIterator[WorkflowEnvironment]:
    if kind == "time-skipping":
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=binary("temporal-test-server"),
            data_converter=pydantic_data_converter,
        )
    else:
        extra = ["--log-level", "error"]
        if kind == "dev-short-history":
            extra += ["--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=50"]
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=binary("temporal"),
            data_converter=pydantic_data_converter,
            search_attributes=list(SEARCH_ATTRIBUTES),
            dev_server_extra_args=extra,
        )
    try:
        yield env
    finally:
        await env.shutdown()


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="followthrough-record-") as folder:
        yield Path(folder)


async def record(
    scenario: Scenario, out: Path, env: WorkflowEnvironment | None = None
) -> list[Path]:
    """Run one scenario with a fresh worker and write its histories under ``out/<name>/``."""
    async with contextlib.AsyncExitStack() as stack:
        if env is None:
            env = await stack.enter_async_context(server(scenario.server))
        scratch = stack.enter_context(_scratch())
        settings = settings_for(scratch)
        await stack.enter_async_context(local_worker(env.client, settings))
        rec = Recording(env, scenario.server, settings, out / scenario.name)
        try:
            await scenario.drive(rec)
        finally:
            if scenario.server != "time-skipping":  # it has no visibility to list with
                await _terminate_open(env.client)
        return rec.written


async def _terminate_open(client: Client) -> None:
    """Stop what a scenario left running, so a shared server's next scenario starts clean."""
    with contextlib.suppress(RPCError):
        async for info in client.list_workflows("ExecutionStatus = 'Running'"):
            with contextlib.suppress(RPCError):
                await client.get_workflow_handle(info.id).terminate("recording finished")


async def record_all(names: list[str], out: Path) -> None:
    chosen = [s for s in SCENARIOS if not names or s.name in names]
    unknown = set(names) - {s.name for s in SCENARIOS}
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(sorted(unknown))} (see --list)")
    shared: dict[Server, WorkflowEnvironment] = {}
    async with contextlib.AsyncExitStack() as stack:
        for scenario in chosen:
            env = None
            if scenario.server == "dev":  # one dev server for all: it starts in seconds
                if "dev" not in shared:
                    shared["dev"] = await stack.enter_async_context(server("dev"))
                env = shared["dev"]
            started = time.perf_counter()
            written = await record(scenario, out, env)
            elapsed = time.perf_counter() - started
            print(
                f"{scenario.name}: {len(written)} histories in {elapsed:.1f} s "
                f"({', '.join(p.name for p in written)})",
                flush=True,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.workflows.record_histories", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("scenarios", nargs="*", help="names to record (default: all)")
    parser.add_argument("--out", type=Path, default=None, help="default histories/<version>/")
    parser.add_argument("--list", action="store_true", help="list the scenarios and stop")
    parser.add_argument("--show", type=Path, default=None, help="summarise the histories there")
    args = parser.parse_args(argv)
    if args.show:
        for path in sorted(args.show.rglob("*.json")):
            print(f"{path.relative_to(args.show)}: {facts(read_history(path)).line()}")
        return 0
    if args.list:
        for s in SCENARIOS:
            print(f"{s.name:32} {s.server:18} {s.about}")
        return 0
    out: Path = args.out or HISTORIES / version()
    # Activity failures are part of several paths; their tracebacks would bury the summary.
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(record_all(list(args.scenarios), out))
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # The Temporal SDK can abort at interpreter exit (rc 134, sdk-python issue #300).
    os._exit(code)
