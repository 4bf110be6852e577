"""Where the six-week review's history bytes are: a table per history, by part.

Runs tests/support/scenarios.py's six-week review once on the Java time-skipping server (the
scenario of ``benchmarks.lifecycle``) and breaks each history's JSON (``to_json()``, the size issue
11 measures) down two ways:

- by *part*: the event type plus what names it (activity type, local activity, signal, update,
  marker) and, within the event, every payload field by its path (``input``, ``result``,
  ``header``, ``memo``, ``search_attributes``, ``details.result`` of a local-activity marker,
  ``outcome.success`` of an update...); what is left of the event is its *envelope*;
- summed over the four histories, largest first, with the share of the total.

Sizes are the event's own ``MessageToJson`` at the depth it has inside the history (so the parts
add up to the history's size within a few bytes per event; the check is printed).

    .venv/bin/python -m benchmarks.history_bytes [--top 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from google.protobuf.json_format import MessageToJson
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from benchmarks._common import binary, exit_now, machine_header
from benchmarks.cost_parts import TARGET_HISTORY_BYTES, TARGET_PARENT_EVENTS
from tests.support.harness import settings_for
from tests.support.histories import LOCAL_ACTIVITY_MARKER
from tests.support.scenarios import six_week_review
from workflows.ids import item_workflow_id

__all__ = ["Breakdown", "main"]

ITEMS = ("1", "2", "3")
#: An event sits at depth 2 of ``{"events": [ ... ]}``: four more spaces on each of its lines.
EVENT_INDENT = 4


def _json_size(message: Message, indent: int) -> int:
    """``message``'s JSON size as ``MessageToJson`` writes it ``indent`` spaces deep."""
    text = MessageToJson(message)
    return len(text) + indent * text.count("\n")


def _event_name(event: HistoryEvent) -> str:
    """The event type, and what names it: the activity, local activity, signal, update, marker."""
    kind = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_").lower()
    if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        return f"{kind} {event.activity_task_scheduled_event_attributes.activity_type.name}"
    if event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
        marker = event.marker_recorded_event_attributes
        if marker.marker_name == LOCAL_ACTIVITY_MARKER and "data" in marker.details:
            data = json.loads(marker.details["data"].payloads[0].data)
            return f"local_activity {data.get('activity_type')}"
        return f"marker {marker.marker_name}"
    if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        return f"{kind} {event.workflow_execution_signaled_event_attributes.signal_name}"
    if event.event_type == EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        attrs_s = event.signal_external_workflow_execution_initiated_event_attributes
        return f"{kind} {attrs_s.signal_name}"
    if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        accepted = event.workflow_execution_update_accepted_event_attributes
        return f"{kind} {accepted.accepted_request.input.name}"
    return kind


def _payloads(message: Message, path: str, found: Counter[str]) -> None:
    """Add every payload under ``message`` to ``found`` by its field path (compact JSON size:
    the base64 data and metadata, which indentation barely touches)."""
    if isinstance(message, Payload):
        found[path] += len(MessageToJson(message, indent=None))
        return
    for field, value in message.ListFields():
        name = f"{path}.{field.name}" if path else field.name
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            for key, entry in value.items():
                if isinstance(entry, Message):
                    # details[result], indexed_fields[...]: keep the map key for markers only.
                    keyed = f"{name}[{key}]" if field.name == "details" else name
                    _payloads(entry, keyed, found)
        elif field.is_repeated:
            for entry in value:
                _payloads(entry, name, found)
        else:
            _payloads(value, name, found)


class Breakdown:
    """One history's bytes: per part (``event name: payload path`` or ``event name: envelope``)
    and per event name, with event counts."""

    def __init__(self, label: str, history: WorkflowHistory) -> None:
        self.label = label
        self.total = len(history.to_json())
        self.events = len(history.events)
        self.parts: Counter[str] = Counter()
        self.by_event: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()
        for event in history.events:
            name = _event_name(event)
            size = _json_size(event, EVENT_INDENT)
            payloads: Counter[str] = Counter()
            which = event.WhichOneof("attributes")
            if which:
                _payloads(getattr(event, which), "", payloads)
            for path, n in payloads.items():
                self.parts[f"{name}: {path}"] += n
            self.parts[f"{name}: envelope"] += size - sum(payloads.values())
            self.by_event[name] += size
            self.counts[name] += 1

    @property
    def measured(self) -> int:
        return sum(self.by_event.values())


def _table(title: str, rows: Counter[str], total: int, top: int, counts: Counter[str]) -> None:
    print(f"\n{title}")
    print(f"  {'bytes':>8}  {'share':>6}  {'events':>6}  part")
    for name, size in rows.most_common(top):
        event = name.split(": ")[0]
        n = counts.get(name, counts.get(event, 0)) if ": " not in name else ""
        print(f"  {size:>8}  {size / total:>6.1%}  {n!s:>6}  {name}")
    rest = total - sum(size for _, size in rows.most_common(top))
    if rest > 0:
        print(f"  {rest:>8}  {rest / total:>6.1%}  {'':>6}  (the rest)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=30, help="rows per table")
    args = parser.parse_args()
    machine_header("history bytes: the six-week review on the time-skipping server, by part")
    workdir = Path(tempfile.mkdtemp(prefix="ft-bench-history-bytes-"))
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    try:
        incident_id = "PBYTES01"
        run = await six_week_review(env, settings_for(workdir), incident_id)
        histories = [Breakdown("parent", await run.handle.fetch_history())]
        for n in ITEMS:
            handle = env.client.get_workflow_handle(item_workflow_id(incident_id, n))
            histories.append(Breakdown(f"item {n}", await handle.fetch_history()))
    finally:
        await env.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)

    total = sum(h.total for h in histories)
    print(f"\n  {'history':<8} {'events':>6} {'bytes':>9} {'parts sum':>9}")
    for h in histories:
        print(f"  {h.label:<8} {h.events:>6} {h.total:>9} {h.measured:>9}")
    print(
        f"  {'all':<8} {sum(h.events for h in histories):>6} {total:>9} "
        f"{sum(h.measured for h in histories):>9}"
    )
    print(
        f"  target: all four <= {TARGET_HISTORY_BYTES / 1024:.0f} KB "
        f"(now {total / 1024:.1f} KB), parent <= {TARGET_PARENT_EVENTS} events "
        f"(now {histories[0].events})"
    )
    counts: Counter[str] = Counter()
    by_event: Counter[str] = Counter()
    parts: Counter[str] = Counter()
    for h in histories:
        counts.update(h.counts)
        by_event.update(h.by_event)
        parts.update(h.parts)
        _table(f"{h.label}: by part", h.parts, h.total, args.top, h.counts)
    _table("all four: by event", by_event, total, args.top, counts)
    _table("all four: by part", parts, total, args.top, counts)


if __name__ == "__main__":
    asyncio.run(main())
    exit_now(0)
