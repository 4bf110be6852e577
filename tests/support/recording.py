"""What a recorded scenario gets: :class:`Recording` (its server, worker settings and folder; how to
start, publish, wait and save), and the policies and drafts the scenarios share.

The scenarios are in ``tests/workflows/recorded/``; ``python -m tests.workflows.record_histories``
runs them.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from temporalio.client import Client, WorkflowHandle, WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from api.starter import start_review
from connectors.local_tracker import LocalTracker
from followthrough.settings import Settings
from tests.support.harness import (
    FIVE_WHYS,
    incident,
    item,
)
from workflows.contracts import (
    PostmortemInput,
    ReviewOutcome,
)
from workflows.ids import item_workflow_id, review_workflow_id
from workflows.policy import ActionItemPolicy, Policy
from workflows.postmortem import PostmortemWorkflow
from workflows.review import (
    ActionItemDraft,
    PublishRequest,
    WentWell,
)

__all__ = [
    "DAILY",
    "DAY",
    "DEV_DAY",
    "NO_RECONCILE",
    "OWNERS",
    "Recording",
    "Review",
    "Server",
    "compressed",
    "drafts",
    "policy_for",
]

DAY = timedelta(days=1)
#: One policy "day" on the dev server, where time passes for real.
DEV_DAY = timedelta(seconds=1)

Server = Literal["time-skipping", "dev", "dev-short-history"]
Review = WorkflowHandle[PostmortemWorkflow, ReviewOutcome]


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
#: Reconcile daily rather than every 6 hours, to keep histories readable.
DAILY = Policy(action_items=ActionItemPolicy(reconcile_every=DAY))
#: Reconcile so rarely that only the live checks before a message can notice a closed ticket.
NO_RECONCILE = Policy(action_items=ActionItemPolicy(reconcile_every=90 * DAY))
OWNERS = ("carol@example.com", "dave@example.com", "erin@example.com")


def policy_for(rec: Recording, policy: Policy) -> Policy:
    return policy if rec.server == "time-skipping" else compressed(policy)
