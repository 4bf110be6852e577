"""Workflows that report what the worker's sandbox gives a run (``tests/test_worker_per_run.py``).

This module is a workflow module outside :data:`worker.PASSTHROUGH_PACKAGES`, so the sandbox
re-imports it for every run, as it would any workflow code it does not pass through; what it
imports at the top goes through the sandbox's importer.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow
from temporalio.worker.workflow_sandbox import RestrictedWorkflowAccessError

import workflows.postmortem as postmortem

__all__ = ["ClockProbe", "ModuleProbe"]


@workflow.defn
class ModuleProbe:
    """Answers the identity of the ``workflows.postmortem`` module the run sees."""

    @workflow.run
    async def run(self) -> int:
        return id(postmortem)


@workflow.defn
class ClockProbe:
    """Reads the wall clock; answers whether the sandbox refused it."""

    @workflow.run
    async def run(self) -> str:
        try:
            datetime.now()
        except RestrictedWorkflowAccessError:
            return "refused"
        return "allowed"
