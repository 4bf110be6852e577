"""Prometheus metrics served at GET /metrics."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter as Counter_

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from temporalio.client import Client
from temporalio.service import RPCError

__all__ = [
    "API_CALLS",
    "FAILING_QUERY",
    "FAILING_WORKFLOWS",
    "REFUSED_ACTIVATIONS",
    "REGISTRY",
    "WEBHOOKS",
    "WORKFLOW_TASK_FAILURES",
    "WORKFLOW_TYPES",
    "refresh_failing_workflows",
]

REGISTRY = CollectorRegistry()
WEBHOOKS = Counter(
    "followthrough_webhooks_total",
    "Webhook deliveries by source and outcome.",
    ["source", "outcome"],
    registry=REGISTRY,
)
API_CALLS = Histogram(
    "followthrough_api_seconds",
    "API call latency by route and status.",
    ["route", "status"],
    registry=REGISTRY,
)
# Worker figures (followthrough.worker_runtime copies them from the SDK core's metrics). In `followthrough dev`
# they are on this /metrics; a split worker serves them on FOLLOWTHROUGH_WORKER_METRICS_PORT.
WORKFLOW_TASK_FAILURES = Counter(
    "followthrough_workflow_task_failures",
    "Workflow tasks this process failed, by workflow type and reason (e.g. NonDeterminismError). "
    "A failing task is retried and counted again: a stuck review shows as a steady rise.",
    ["workflow_type", "reason"],
    registry=REGISTRY,
)
REFUSED_ACTIVATIONS = Counter(
    "followthrough_stale_activations_refused",
    "Activations this worker refused because they applied new events on the previous task's "
    "clock (a query met a worker rebuilding the run; see followthrough/worker_runtime.py), by workflow type "
    "and by the guard's rule (stale_clock, foreign_task).",
    ["workflow_type", "rule"],
    registry=REGISTRY,
)
# Seen from Temporal, so the API shows it whichever process runs the workers.
FAILING_WORKFLOWS = Gauge(
    "followthrough_workflows_failing_tasks",
    "Running workflows whose workflow task keeps failing (Temporal's TemporalReportedProblems "
    "search attribute), by workflow type: such a review makes no progress until fixed.",
    ["workflow_type"],
    registry=REGISTRY,
)

#: Workflow types whose stuck runs /metrics counts (the defaults of their @workflow.defn names).
WORKFLOW_TYPES = ("PostmortemWorkflow", "ActionItemWorkflow", "DigestWorkflow")
FAILING_QUERY = "TemporalReportedProblems IS NOT NULL AND ExecutionStatus = 'Running'"
#: Bounds one scrape: at most this many stuck runs are counted, within this many seconds.
FAILING_LIMIT = 1000
FAILING_TIMEOUT_SECONDS = 3.0
log = logging.getLogger("followthrough.metrics")


async def refresh_failing_workflows(client: Client) -> bool:
    """Set :data:`FAILING_WORKFLOWS` from visibility; False (gauge left as it was) when Temporal
    does not answer or does not know the attribute (server < 1.28, or the dynamic config
    ``system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute`` is 0), or when the
    count fails in any other way: a scrape always answers with the figures this process has."""

    async def count() -> Counter_[str]:
        found: Counter_[str] = Counter_()
        async for info in client.list_workflows(FAILING_QUERY, limit=FAILING_LIMIT):
            found[info.workflow_type] += 1
        return found

    try:
        found = await asyncio.wait_for(count(), FAILING_TIMEOUT_SECONDS)
    except (RPCError, TimeoutError) as exc:
        log.warning("failing workflows not counted: %s", exc)
        return False
    except Exception as exc:  # e.g. a client that never connected: /metrics must still answer
        log.warning("failing workflows not counted: %r", exc)
        return False
    for workflow_type in {*WORKFLOW_TYPES, *found}:
        FAILING_WORKFLOWS.labels(workflow_type).set(found[workflow_type])
    return True
