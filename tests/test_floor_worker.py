"""The floor of ``benchmarks.cost`` runs as the production worker does (issue 11: "on the same
server and worker settings"): the same runner chain, sandbox restrictions, converter and options,
only with its own skeleton package passed through besides the production list."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from benchmarks.floor import FLOOR_PASSTHROUGH, FloorReviewWorkflow, build_floor_worker
from followthrough.worker_runtime import ContextFreeRunner, StaleActivationGuard
from tests.support.harness import local_worker, settings_for
from worker import PASSTHROUGH_PACKAGES


def _chain(runner: WorkflowRunner) -> list[WorkflowRunner]:
    """The runner and every runner it wraps, outermost first."""
    chain = [runner]
    while isinstance(chain[-1], StaleActivationGuard | ContextFreeRunner):
        chain.append(chain[-1]._inner)
    return chain


def _runner(worker: Worker) -> WorkflowRunner:
    return worker.config()["workflow_runner"]


def _options(worker: Worker) -> dict[str, Any]:
    config = worker.config()
    return {
        key: config.get(key)
        for key in (
            "max_concurrent_activities",
            "graceful_shutdown_timeout",
            "max_cached_workflows",
        )
    }


def test_the_floor_passes_the_production_packages_and_its_own_through() -> None:
    assert set(PASSTHROUGH_PACKAGES) <= set(FLOOR_PASSTHROUGH)
    assert FloorReviewWorkflow.__module__.startswith(tuple(FLOOR_PASSTHROUGH))


async def test_the_floor_worker_runs_with_the_production_workers_runner_and_options(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    floor = build_floor_worker(time_env.client, settings_for(tmp_path / "floor"))
    review = local_worker(time_env.client, settings_for(tmp_path / "review"))

    floor_chain, review_chain = _chain(_runner(floor)), _chain(_runner(review))
    assert [type(r) for r in floor_chain] == [type(r) for r in review_chain]
    assert [type(r) for r in floor_chain] == [
        StaleActivationGuard,
        ContextFreeRunner,
        SandboxedWorkflowRunner,
    ]
    floor_sandbox, review_sandbox = floor_chain[-1], review_chain[-1]
    assert isinstance(floor_sandbox, SandboxedWorkflowRunner)
    assert isinstance(review_sandbox, SandboxedWorkflowRunner)
    # The same restrictions but for the floor's own package passed through.
    assert floor_sandbox.restrictions == dataclasses.replace(
        review_sandbox.restrictions,
        passthrough_modules=review_sandbox.restrictions.passthrough_modules
        | set(FLOOR_PASSTHROUGH),
    )
    executors = [w.config().get("activity_executor") for w in (floor, review)]
    assert isinstance(executors[0], ThreadPoolExecutor)
    assert isinstance(executors[1], ThreadPoolExecutor)
    assert executors[0]._max_workers == executors[1]._max_workers
    assert floor.client.data_converter is review.client.data_converter
    assert _options(floor) == _options(review)
