"""workflows.calls.call: a local call fails as a scheduled one does, so every caller's
``except ActivityError`` holds for both (a local activity's failure arrives as its bare cause)."""

from __future__ import annotations

import uuid

from temporalio import activity, workflow
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

with workflow.unsafe.imports_passed_through():
    from workflows import calls

REFUSED = "TrackerPermissionDenied"


@activity.defn(name="refuse_the_call")
async def refuse_the_call(_: str) -> str:
    raise ApplicationError("not allowed", type=REFUSED, non_retryable=True)


@workflow.defn(sandboxed=False)
class CallProbeWorkflow:
    """Calls the refusing activity and answers what the caller caught: its code, or 'escaped'."""

    @workflow.run
    async def run(self, local: bool) -> str:
        try:
            await calls.call("refuse_the_call", "x", str, local=local)
        except ActivityError as err:
            return f"{calls.failure_code(err)}: {calls.failure_message(err)}"
        return "no failure"


async def caught(env: WorkflowEnvironment, *, local: bool) -> str:
    queue = f"calls-{uuid.uuid4().hex[:8]}"
    async with Worker(
        env.client, task_queue=queue, workflows=[CallProbeWorkflow], activities=[refuse_the_call]
    ):
        return await env.client.execute_workflow(
            CallProbeWorkflow.run, local, id=f"calls-{uuid.uuid4().hex[:8]}", task_queue=queue
        )


async def test_a_failed_local_call_is_caught_as_an_activity_error_with_its_code(
    time_env: WorkflowEnvironment,
) -> None:
    assert await caught(time_env, local=True) == f"{REFUSED}: not allowed"


async def test_a_failed_scheduled_call_is_caught_the_same_way(
    time_env: WorkflowEnvironment,
) -> None:
    assert await caught(time_env, local=False) == f"{REFUSED}: not allowed"
