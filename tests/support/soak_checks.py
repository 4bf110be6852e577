"""The soak's checks after a run: the outside world (one ticket per item, repeated mail counted),
the guard's refusals by rule, and every history replayed in a fresh process
(``tests/support/soak_replay.py``), with the history printed around each failure.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from tests.fakes.jira import FakeJira
from tests.fakes.smtp import FakeSmtp
from tests.support.soak_plan import Plan
from tests.support.soak_result import SoakResult
from tests.support.split import REPO, SplitDeployment

__all__ = [
    "BENIGN_TASK_FAILURES",
    "REFUSAL",
    "check_histories",
    "check_outside_world",
    "count_refusals",
    "event_line",
    "excerpt",
]

#: Workflow-task failures that are part of normal operation, not faults of the workflow code:
#: a completion the server refused because new events arrived meanwhile, and a sticky queue
#: reset after its worker went away.
BENIGN_TASK_FAILURES = frozenset(
    {
        "WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND",
        "WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE",
    }
)


#: How a worker logs a refused activation, with the guard's rule (followthrough/worker_runtime.py).
REFUSAL = re.compile(r"refused a stale workflow activation \(rule (\w+)\)")


def count_refusals(deployment: SplitDeployment, result: SoakResult) -> None:
    """The activations the workers' guard refused, by rule, from their logs."""
    for log in deployment.worker_logs():
        result.refused.update(REFUSAL.findall(log.read_text(errors="replace")))


def check_outside_world(plan: Plan, jira: FakeJira, smtp: FakeSmtp, result: SoakResult) -> None:
    """One ticket per item; mail repeated only in the documented crash window (counted)."""
    labels = Counter(
        label
        for key in jira.issue_keys()
        for label in jira.issue(key)["fields"]["labels"]
        if label.startswith("ft-")
    )
    result.tickets = sum(labels.values())
    result.items = sum(len(r.items) for r in plan.reviews)
    result.problems += [f"ticket label {lb} on {n} tickets" for lb, n in labels.items() if n > 1]
    ids = Counter(str(m.message["Message-ID"]) for m in smtp.messages)
    result.mails = len(smtp.messages)
    result.duplicate_mails = sum(n - 1 for n in ids.values() if n > 1)


def check_histories(deployment: SplitDeployment, folder: Path, result: SoakResult) -> None:
    """Replay every workflow's history in a fresh process; record failures with excerpts."""
    for index in range(len(deployment.worker_processes)):
        deployment.kill_worker(index)  # nothing changes the histories while they are read
    answer = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.support.soak_replay",
            deployment.temporal_address,
            str(folder),
        ],
        cwd=REPO,
        env=deployment.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if answer.returncode != 0:
        result.replay_failures.append(f"replay process exited {answer.returncode}")
        result.excerpts.append(answer.stderr[-4000:])
        return
    for entry in json.loads(answer.stdout.strip().splitlines()[-1]):
        result.histories += 1
        result.events += entry["events"]
        path = folder / entry["file"]
        for failure in entry["task_failures"]:
            if failure["cause"] in BENIGN_TASK_FAILURES:
                continue
            result.task_failures.append(
                f"{entry['workflow_id']} event {failure['event_id']} {failure['cause']}: "
                f"{failure['message'][:300]}"
            )
            result.excerpts.append(excerpt(path, failure["event_id"]))
        if entry["replay_failure"]:
            result.replay_failures.append(
                f"{entry['workflow_id']}: {entry['replay_failure'][:600]}"
            )
            found = re.search(r"HistoryEvent\(id: (\d+)", entry["replay_failure"])
            result.excerpts.append(excerpt(path, int(found.group(1)) if found else 0))


# --- history excerpts for the report ---------------------------------------------------------


def event_line(event: dict[str, Any]) -> str:
    """One event as ``id type detail``, the detail being what tells similar events apart."""
    kind = str(event.get("eventType", "?")).removeprefix("EVENT_TYPE_")
    attrs: dict[str, Any] = (
        next((v for k, v in event.items() if k.endswith("EventAttributes")), {}) or {}
    )
    detail = ""
    if "activityType" in attrs:
        detail = attrs["activityType"].get("name", "")
    elif "signalName" in attrs:
        detail = attrs["signalName"]
    elif kind.startswith("WORKFLOW_EXECUTION_UPDATE"):
        detail = str(
            attrs.get("acceptedRequest", {}).get("input", {}).get("name")
            or attrs.get("meta", {}).get("updateId", "")
        )
    elif "startToFireTimeout" in attrs:
        detail = f"timer {attrs.get('timerId')} {attrs['startToFireTimeout']}"
    elif "timerId" in attrs:
        detail = f"timer {attrs['timerId']}"
    elif "searchAttributes" in attrs:
        detail = ",".join(sorted(attrs["searchAttributes"].get("indexedFields", {})))
    elif "cause" in attrs:
        detail = f"{attrs['cause']} {attrs.get('failure', {}).get('message', '')[:160]}"
    elif "workflowType" in attrs:
        detail = attrs["workflowType"].get("name", "")
    elif "patchId" in str(attrs.get("details", "")):
        detail = "patch marker"
    return f"    {event.get('eventId', '?'):>5} {kind:<44} {detail}"


def excerpt(path: Path, event_id: int, before: int = 16, after: int = 4) -> str:
    if not path.exists():
        return f"(no saved history at {path})"
    events = json.loads(path.read_text())["events"]
    lo, hi = max(0, event_id - before), event_id + after
    chosen = [e for e in events if lo <= int(e.get("eventId", 0)) <= hi] or events[-before:]
    return "\n".join([f"  history {path.name} around event {event_id}:", *map(event_line, chosen)])
