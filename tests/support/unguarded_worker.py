"""``python worker.py`` with the stale-activation guard turned off, to show the fault it removes.

Only ``python -m benchmarks.soak --unguarded`` starts it: the soak's workers then record what the
SDK core records on its own (followthrough/worker_runtime.py, issue 15), and a run fails with TMPRL1100 when a
query meets a worker rebuilding a review at the wrong moment. Never for a deployment.
"""

from __future__ import annotations

from temporalio.bridge.proto.workflow_activation import WorkflowActivation

from followthrough import worker_runtime


def never_stale(
    activation: WorkflowActivation,  # noqa: ARG001 (the rule's signature)
    previous: tuple[int, int] | None,
) -> tuple[bool, tuple[int, int] | None]:
    """The guard's rule, answering "live" for every activation."""
    return False, previous


if __name__ == "__main__":
    # _GuardedInstance looks the rule up at each activation, wherever the worker was built.
    worker_runtime.is_stale = never_stale
    from followthrough.cli import entry

    entry()
