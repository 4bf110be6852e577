"""api.metrics: counting the workflows whose task keeps failing, against a real Temporal dev
server of the test's own (so no other test's workflows are counted)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from api.metrics import FAILING_WORKFLOWS, REGISTRY, WORKFLOW_TYPES, refresh_failing_workflows
from tests.support.temporal import start_dev_server


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    started = await start_dev_server()
    yield started
    await started.shutdown()


def failing(workflow_type: str) -> float | None:
    return REGISTRY.get_sample_value(
        "followthrough_workflows_failing_tasks", {"workflow_type": workflow_type}
    )


async def test_with_nothing_stuck_every_workflow_type_counts_zero(env: WorkflowEnvironment) -> None:
    for workflow_type in WORKFLOW_TYPES:
        FAILING_WORKFLOWS.labels(workflow_type).set(7)

    counted = await refresh_failing_workflows(env.client)

    assert counted
    assert [failing(t) for t in WORKFLOW_TYPES] == [0.0] * len(WORKFLOW_TYPES)


async def test_when_temporal_does_not_answer_the_figures_are_left_as_they_were() -> None:
    gone = await start_dev_server()
    await gone.shutdown()
    FAILING_WORKFLOWS.labels("PostmortemWorkflow").set(3)

    counted = await refresh_failing_workflows(gone.client)

    assert not counted
    assert failing("PostmortemWorkflow") == 3.0
