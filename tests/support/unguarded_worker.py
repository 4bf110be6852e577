"""``python worker.py`` with the stale-activation guard turned off, to show the fault it removes.

Only ``python -m benchmarks.soak --unguarded`` starts it: the soak's workers then record what the
SDK core records on its own (followthrough/worker_runtime.py, issue 15), and a run fails with
TMPRL1100 when a query meets a worker rebuilding a review at the wrong moment. Never for a
deployment.
"""

from __future__ import annotations

from collections.abc import Callable

from temporalio.bridge.proto.workflow_activation import WorkflowActivation

from followthrough import worker_runtime


def never_refuse(
    activation: WorkflowActivation,  # noqa: ARG001 (the rules' signature)
    marks: worker_runtime.Marks,
    started_here: Callable[[int], bool],  # noqa: ARG001 (the rules' signature)
) -> tuple[str | None, worker_runtime.Marks]:
    """The guard's rules, refusing no activation."""
    return None, marks


if __name__ == "__main__":
    # _GuardedInstance looks the rules up at each activation, wherever the worker was built.
    worker_runtime.refusal = never_refuse
    from followthrough.cli import entry

    entry()
