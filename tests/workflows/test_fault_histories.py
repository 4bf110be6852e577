"""Histories from the cold-query race (tests/workflows/test_cold_query.py, issue 15), kept as data.

``cold-query-stale-clock.json`` is what the SDK recorded without the guard: after the draft
deadline's timer fired (event 25), the task that completed at event 30 started the same timer
again (event 32, the same 6.89 s as event 24), computed on the previous task's clock. No code can
replay it, since the real task's clock says the deadline passed. ``cold-query-guarded.json`` is the
same race with the guard: the draft reminder goes out (event 32) and the history replays. Refresh
with ``FOLLOWTHROUGH_RECORD_HISTORIES=tests/workflows/faults pytest tests/workflows/test_cold_query.py``
(then check the event ids below).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from worker import WORKFLOWS, workflow_runner

FAULTS = Path(__file__).parent / "faults"
#: In cold-query-stale-clock.json: the last good task's completion (what a reset goes back to),
#: the first timer, and the timer the stale task started.
RESET_POINT, FIRST_TIMER, STALE_TIMER = 23, 24, 32


def events(name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads((FAULTS / name).read_text())["events"]
    return found


async def replay(name: str, upto: int | None = None) -> Exception | None:
    chosen = [e for e in events(name) if upto is None or int(e["eventId"]) <= upto]
    history = WorkflowHistory.from_json(name, {"events": chosen})
    replayer = Replayer(
        workflows=WORKFLOWS,
        workflow_runner=workflow_runner(),
        data_converter=pydantic_data_converter,
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    return result.replay_failure


async def test_the_guarded_race_history_replays() -> None:
    assert await replay("cold-query-guarded.json") is None


def test_the_stale_task_restarted_the_timer_that_had_just_fired() -> None:
    by_id = {int(e["eventId"]): e for e in events("cold-query-stale-clock.json")}
    first, stale = by_id[FIRST_TIMER], by_id[STALE_TIMER]
    assert first["eventType"] == stale["eventType"] == "EVENT_TYPE_TIMER_STARTED"
    assert (
        first["timerStartedEventAttributes"]["startToFireTimeout"]
        == stale["timerStartedEventAttributes"]["startToFireTimeout"]
    )


async def test_the_stale_clock_history_fails_replay_at_the_stale_timer() -> None:
    failure = await replay("cold-query-stale-clock.json")
    assert failure is not None
    assert "TMPRL1100" in str(failure)
    assert f"id: {STALE_TIMER}," in str(failure)


async def test_the_stale_clock_history_replays_up_to_its_reset_point() -> None:
    # What `temporal workflow reset --event-id 23` keeps: a stuck review recovers from there.
    assert await replay("cold-query-stale-clock.json", upto=FIRST_TIMER) is None
