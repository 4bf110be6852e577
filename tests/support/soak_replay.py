"""The soak's fresh-process replay: every workflow run on a server saved, scanned, replayed.

    python -m tests.support.soak_replay <temporal address> <folder>

prints one JSON line (a list: per run its file, event count, workflow-task failures and replay
failure) for ``tests/support/soak_checks.py`` to read. A process of its own, so no worker's cache
or module state can help a replay.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

__all__ = ["replay_everything"]


async def replay_everything(address: str, folder: Path) -> list[dict[str, Any]]:
    """Every workflow run on the server: saved to ``folder``, scanned, replayed."""
    from temporalio.api.enums.v1 import EventType
    from temporalio.client import Client
    from temporalio.worker import Replayer

    from followthrough.worker_runtime import DATA_CONVERTER
    from worker import WORKFLOWS, workflow_runner

    client = await Client.connect(address, data_converter=DATA_CONVERTER)
    replayer = Replayer(
        workflows=WORKFLOWS,
        workflow_runner=workflow_runner(),
        data_converter=DATA_CONVERTER,
    )
    folder.mkdir(parents=True, exist_ok=True)
    found: list[dict[str, Any]] = []
    async for info in client.list_workflows(""):
        handle = client.get_workflow_handle(info.id, run_id=info.run_id)
        history = await handle.fetch_history()
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{info.id}-{info.run_id[:8]}") + ".json"
        (folder / name).write_text(history.to_json())
        failures = [
            {
                "event_id": event.event_id,
                "cause": _cause_name(event.workflow_task_failed_event_attributes.cause),
                "message": event.workflow_task_failed_event_attributes.failure.message,
            }
            for event in history.events
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
        ]
        replayed = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        failure = replayed.replay_failure
        found.append(
            {
                "workflow_id": info.id,
                "run_id": info.run_id,
                "type": info.workflow_type,
                "file": name,
                "events": len(history.events),
                "task_failures": failures,
                "replay_failure": None
                if failure is None
                else f"{type(failure).__name__}: {failure}",
            }
        )
    return found


def _cause_name(cause: int) -> str:
    from temporalio.api.enums.v1 import WorkflowTaskFailedCause

    return WorkflowTaskFailedCause.Name(WorkflowTaskFailedCause.ValueType(cause))


def _replay_main(argv: list[str]) -> int:
    address, folder = argv
    found = asyncio.run(replay_everything(address, Path(folder)))
    sys.stdout.write(json.dumps(found) + "\n")  # the parent reads this one line
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: python -m tests.support.soak_replay <temporal address> <folder>")
    code = _replay_main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(code)
