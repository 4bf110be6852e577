"""Test helpers: a real worker on the local connectors, and readers for what it produced."""

from __future__ import annotations

import asyncio
import email
import email.policy
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from connectors.local_tracker import LocalTracker
from followthrough.settings import Settings
from worker import build_worker
from workflows.action_item import ActionItemWorkflow
from workflows.contracts import TicketEvent
from workflows.ids import item_workflow_id, review_workflow_id
from workflows.postmortem import PostmortemWorkflow
from workflows.review import (
    ActionItemDraft,
    FiveWhys,
    Incident,
    Person,
    RootCause,
    RootCauseCategory,
)

T = TypeVar("T")


def settings_for(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        task_queue=f"tq-{uuid.uuid4()}",
        public_url="http://review.test",
        **extra,
    )


def local_worker(client: Client, settings: Settings) -> Worker:
    """The production worker (real activities) on the local tracker, outbox and documents."""
    return build_worker(client, settings)


@dataclass
class Sent:
    kind: str
    to: list[str]
    cc: list[str]
    subject: str
    at: datetime
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


def outbox(settings: Settings) -> list[Sent]:
    """Every message in the outbox, oldest first."""
    sent: list[Sent] = []
    folder = settings.outbox_dir
    for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        sent.append(
            Sent(
                kind=str(msg["X-Followthrough-Kind"]),
                to=[a.strip() for a in str(msg["To"] or "").split(",") if a.strip()],
                cc=[a.strip() for a in str(msg["Cc"] or "").split(",") if a.strip()],
                subject=str(msg["Subject"]),
                at=parsedate_to_datetime(str(msg["Date"])),
                message=msg,
            )
        )
    return sorted(sent, key=lambda s: s.at)


async def eventually(check: Callable[[], Awaitable[T]], timeout: float = 15.0) -> T:
    """Poll ``check`` until it returns without AssertionError (visibility is eventually consistent)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            return await check()
        except AssertionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.1)


async def skip_to_day(env: WorkflowEnvironment, t0: datetime, day: float) -> None:
    """On the time-skipping server, skip time until ``day`` days after ``t0``."""
    remaining = t0 + timedelta(days=day) - await env.get_current_time()
    assert remaining > timedelta(0), f"already past day {day}"
    await env.sleep(remaining)


async def close_ticket(client: Client, settings: Settings, incident_id: str, item_id: str) -> str:
    """What an owner closing the ticket amounts to: the local tracker says done and the webhook
    signals the item's workflow. Returns the ticket key."""
    review = client.get_workflow_handle(review_workflow_id(incident_id))
    state = (await review.query(PostmortemWorkflow.status)).state
    found = state.item(item_id)
    assert found is not None
    assert found.ticket is not None, f"item {item_id} has no ticket yet"
    LocalTracker(settings.tracker_file, settings.base_url).set_done(found.ticket.key, True)
    child = client.get_workflow_handle(item_workflow_id(incident_id, item_id))
    await child.signal(ActionItemWorkflow.ticket_closed, TicketEvent(key=found.ticket.key))
    return found.ticket.key


def incident(incident_id: str, resolved_at: datetime, **extra: Any) -> Incident:
    return Incident(
        id=incident_id,
        number=42,
        title="Checkout API returned 503s",
        service_id="PSVC123",
        service_name="checkout",
        priority="P1",
        urgency="high",
        created_at=resolved_at - timedelta(hours=1),
        resolved_at=resolved_at,
        responders=[
            Person(name="Alice Example", email="alice@example.com", id="PUSR1"),
            Person(name="Bob Example", email="bob@example.com", id="PUSR2"),
        ],
        **extra,
    )


FIVE_WHYS = FiveWhys(
    symptom="Checkout requests failed with 503 for 40 minutes.",
    whys=[
        "The API pods ran out of database connections.",
        "A new batch job opened a connection per record.",
        "The job's connection pool setting defaulted to unbounded.",
        "The deploy checklist has no step for connection limits.",
    ],
    root_causes=[
        RootCause(
            id="rc1",
            category=RootCauseCategory.TOOLING,
            statement="Connection pools default to unbounded in our service template.",
        ),
        RootCause(
            id="rc2",
            category=RootCauseCategory.PROCESS,
            statement="The deploy checklist does not cover connection limits.",
        ),
    ],
)


def item(title: str, owner: str, due: datetime, root_cause: str = "rc1") -> ActionItemDraft:
    return ActionItemDraft(
        title=title,
        owner=owner,
        due=due.isoformat(),
        done_when="A load test with 2x peak traffic shows under 80% pool usage.",
        root_cause=root_cause,
    )


async def signal_handled(handle: WorkflowHandle[Any, Any], signal: Any, arg: Any) -> None:
    """Send ``signal`` and return once a workflow task has completed after it (it was handled)."""
    await handle.signal(signal, arg)
    for _ in range(200):
        events = [e.event_type for e in (await handle.fetch_history()).events]
        # A signal that arrives while a task that continues as new is running is carried into
        # the new run: until that run's history is visible, the newest run may not show it yet.
        if EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED in events:
            signalled = len(events) - events[::-1].index(
                EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
            )
            if EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED in events[signalled:]:
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the signal was not handled within 10 s")
