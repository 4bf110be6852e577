"""Start a review: one workflow per incident, idempotent, and only once Temporal accepted it."""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from followthrough.settings import Settings
from workflows.calls import INCIDENT_ID, REVIEW_PHASE, SERVICE
from workflows.contracts import PostmortemInput
from workflows.ids import review_workflow_id
from workflows.policy import Policy
from workflows.postmortem import PostmortemWorkflow
from workflows.review import Incident, Phase

__all__ = ["START_TIMEOUT_SECONDS", "start_review"]

#: PagerDuty wants an answer within 5 s; past this we answer 503 so it retries.
START_TIMEOUT_SECONDS = 3.0


async def start_review(
    client: Client, settings: Settings, policy: Policy, incident: Incident
) -> dict[str, Any]:
    """Start (or find) the review of ``incident``.

    USE_EXISTING returns the running review for a duplicate delivery; REJECT_DUPLICATE refuses a
    second review after the first one closed (answered as a duplicate, never as an error).
    Raises ``TimeoutError`` or ``temporalio.service.RPCError`` when Temporal did not accept it.
    """
    workflow_id = review_workflow_id(incident.id)
    try:
        handle = await asyncio.wait_for(
            client.start_workflow(
                PostmortemWorkflow.run,
                PostmortemInput(
                    incident=incident,
                    policy=policy,
                    review_url=f"{settings.base_url}/reviews/{incident.id}",
                ),
                id=workflow_id,
                task_queue=settings.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                search_attributes=TypedSearchAttributes(
                    [
                        SearchAttributePair(INCIDENT_ID, incident.id),
                        SearchAttributePair(REVIEW_PHASE, Phase.DRAFTING.value),
                        SearchAttributePair(
                            SERVICE, incident.service_name or incident.service_id or ""
                        ),
                    ]
                ),
            ),
            timeout=START_TIMEOUT_SECONDS,
        )
    except WorkflowAlreadyStartedError:
        return {"status": "duplicate", "workflow_id": workflow_id, "started": False}
    # StartWorkflowExecutionResponse.started is false when USE_EXISTING returned the open run.
    response = getattr(handle, "_start_workflow_response", None)
    started = bool(getattr(response, "started", True))
    return {
        "status": "started" if started else "duplicate",
        "workflow_id": workflow_id,
        "started": started,
    }
