"""The saved replay histories: where they live, the version that records, and what one holds
(its facts, the activities it ran, scheduled or local, and the ``workflow.patched`` ids it
recorded)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

__all__ = [
    "HISTORIES",
    "LOCAL_ACTIVITY_MARKER",
    "PATCH_DATA",
    "PATCH_MARKER",
    "Facts",
    "activity_calls",
    "facts",
    "patches",
    "read_history",
    "version",
]

HISTORIES = Path(__file__).parents[1] / "workflows" / "histories"


def version() -> str:
    """The Followthrough version that records (the folder name under ``histories/``): the
    checkout's ``pyproject.toml``, so an editable install never records under a stale number."""
    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    return str(project["project"]["version"])


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


#: The marker Temporal records for a local activity; its ``data`` detail names the activity type.
LOCAL_ACTIVITY_MARKER = "core_local_activity"


def activity_calls(history: WorkflowHistory) -> list[str]:
    """The type of every activity a history ran, in order: scheduled ones and local ones (a local
    activity is one marker, or several when it waited on a timer between attempts: counted once)."""
    calls: list[str] = []
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            calls.append(event.activity_task_scheduled_event_attributes.activity_type.name)
            continue
        if event.event_type != EventType.EVENT_TYPE_MARKER_RECORDED:
            continue
        marker = event.marker_recorded_event_attributes
        if marker.marker_name != LOCAL_ACTIVITY_MARKER or "data" not in marker.details:
            continue
        data = json.loads(marker.details["data"].payloads[0].data)
        if data.get("backoff") is None:  # a retry waiting on a timer is the same call
            calls.append(str(data["activity_type"]))
    return calls


def facts(history: WorkflowHistory) -> Facts:
    events = history.events
    kind = EventType
    started = events[0].workflow_execution_started_event_attributes
    return Facts(
        workflow_type=started.workflow_type.name,
        events=len(events),
        activities=frozenset(activity_calls(history)),
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
