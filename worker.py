"""The worker process: its settings and policy, the Temporal client, and the worker itself.

``python worker.py`` runs a worker (``followthrough worker``). The command line is
:mod:`followthrough.cli`, the dev-server supervisor :mod:`followthrough.devserver`, the logging
setup :mod:`followthrough.logs`, the settings :mod:`followthrough.settings`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import structlog
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleSpec,
    TLSConfig,
)
from temporalio.runtime import Runtime
from temporalio.worker import Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities import build_activities
from connectors.bundle import Connectors
from followthrough import cpu_probe, heap_probe
from followthrough.settings import Settings
from followthrough.task_starts import ServerTaskStarts
from followthrough.wiring import build_connectors, check_connectors
from followthrough.worker_runtime import (
    DATA_CONVERTER,
    ContextFreeRunner,
    StaleActivationGuard,
    TaskMetrics,
    ignores_context,
)
from workflows.action_item import ActionItemWorkflow
from workflows.contracts import DigestInput
from workflows.digest import DigestWorkflow
from workflows.ids import DIGEST_SCHEDULE_ID
from workflows.policy import Policy, PolicyError, parse_policy
from workflows.postmortem import PostmortemWorkflow

__all__ = [
    "GRACEFUL_SHUTDOWN",
    "PASSTHROUGH_PACKAGES",
    "WORKFLOWS",
    "assemble_worker",
    "build_worker",
    "connect",
    "ensure_digest_schedule",
    "load_policy",
    "run_worker",
    "worker_runner",
    "workflow_runner",
]

WORKFLOWS = [PostmortemWorkflow, ActionItemWorkflow, DigestWorkflow]
GRACEFUL_SHUTDOWN = timedelta(seconds=20)
#: Our packages the workflow sandbox passes through: imported once per process, not once per run.
#:
#: By default the sandbox re-imports a workflow's module for every run it starts (7-8 ms of CPU
#: for ``workflows.postmortem``, and a copy of the module's classes kept per cached run). Passing
#: ``workflows`` through is safe because the package is deterministic and pure: it imports only
#: the standard library, pydantic, temporalio and itself (``tests/test_worker_per_run.py`` holds
#: it to that), keeps no state at module level but memoized pure functions, reads its rules'
#: data files at import (outside any run), and takes time, randomness and ids from ``workflow.*`` only (the same test refuses
#: ``datetime.now``, ``time``, ``random``, ``uuid`` and ``open`` in it). What the sandbox no
#: longer checks in these modules that test checks; the sandbox still guards the built-ins
#: (``open``...) during every activation and every module not listed here.
PASSTHROUGH_PACKAGES = ["workflows"]
log = structlog.get_logger("followthrough")


# --- configuration ---------------------------------------------------------------------------------


def load_policy(settings: Settings) -> Policy:
    """The policy file named by FOLLOWTHROUGH_POLICY_FILE, or the built-in defaults."""
    if settings.policy_file is None:
        return Policy()
    path = settings.policy_file
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"FOLLOWTHROUGH_POLICY_FILE: cannot read {path}: {exc.strerror}") from exc
    policy = parse_policy(text, str(path))
    if policy.follow_up.outside_recommended_window:
        log.warning(
            "follow_up.after outside the recommended 28-42 days",
            follow_up_after=str(policy.follow_up.after),
        )
    return policy


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    """The Temporal client, with the one data converter used everywhere (``DATA_CONVERTER``);
    ``runtime``
    (default: the SDK's) decides where the core's metrics go."""
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=DATA_CONVERTER,
        api_key=api_key,
        tls=TLSConfig() if (settings.temporal_tls or api_key) else False,
        runtime=runtime,
    )


async def ensure_digest_schedule(client: Client, settings: Settings, policy: Policy) -> None:
    """Create the weekly digest schedule if it is missing (an existing one is left as it is)."""
    if not policy.digest.enabled:
        return
    try:
        await client.create_schedule(
            DIGEST_SCHEDULE_ID,
            Schedule(
                action=ScheduleActionStartWorkflow(
                    DigestWorkflow.run,
                    DigestInput(policy=policy, dashboard_url=f"{settings.base_url}/"),
                    id=DIGEST_SCHEDULE_ID,
                    task_queue=settings.task_queue,
                ),
                spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=policy.digest.every)]),
            ),
        )
        log.info("digest schedule created", every=str(policy.digest.every))
    except ScheduleAlreadyRunningError:
        pass


def workflow_runner(passthrough: Sequence[str] = PASSTHROUGH_PACKAGES) -> SandboxedWorkflowRunner:
    """The default sandbox, except that ``zoneinfo.ZoneInfo`` is the real class and
    ``passthrough`` (default :data:`PASSTHROUGH_PACKAGES`) is passed through.

    The default restrictions wrap ZoneInfo in a proxy (for its cache-clearing and file-loading
    members), and a proxied zone is refused by ``datetime.astimezone``. Zone data is static, so
    converting a workflow time to the policy's zone stays deterministic on replay.
    """
    members = SandboxRestrictions.invalid_module_members_default.with_child_unrestricted(
        "zoneinfo", "ZoneInfo"
    )
    restrictions = dataclasses.replace(
        SandboxRestrictions.default, invalid_module_members=members
    ).with_passthrough_modules(*passthrough)
    return SandboxedWorkflowRunner(restrictions=restrictions)


def worker_runner(
    client: Client, passthrough: Sequence[str] = PASSTHROUGH_PACKAGES, *, guard: bool = True
) -> WorkflowRunner:
    """The runner a worker's workflows run in: :func:`workflow_runner`'s sandbox; not asked for
    serialization contexts when the client's converter ignores them (``ContextFreeRunner``);
    with ``guard`` (default) behind the stale-activation guard (followthrough/worker_runtime.py).
    ``benchmarks.floor`` builds its runner here too, so the floor runs as the review does."""
    runner: WorkflowRunner = workflow_runner(passthrough)
    if ignores_context(client.data_converter):
        runner = ContextFreeRunner(runner)
    return StaleActivationGuard(runner, ServerTaskStarts(client)) if guard else runner


def assemble_worker(
    client: Client,
    settings: Settings,
    workflows: Sequence[type],
    activities: Sequence[Callable[..., Any]],
    runner: WorkflowRunner,
) -> Worker:
    """A worker with the production options: sync activities in a thread pool of 32, the
    graceful-shutdown window, the settings' cache size. Shared with ``benchmarks.floor``."""
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=workflows,
        workflow_runner=runner,
        activities=activities,
        activity_executor=concurrent.futures.ThreadPoolExecutor(max_workers=32),
        max_concurrent_activities=32,
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
        max_cached_workflows=settings.max_cached_workflows,
    )


def build_worker(
    client: Client,
    settings: Settings,
    connectors: Connectors | None = None,
    *,
    guard: bool = True,
) -> Worker:
    """A worker with every workflow and activity. Sync activities run in a thread pool.

    ``connectors`` default to the ones the settings name (tests hand in a failing one).
    ``guard`` (default) works around an SDK core fault that records unreplayable histories
    (followthrough/worker_runtime.py); only a test that shows the fault turns it off. The
    Replayer needs none. With a client whose converter ignores serialization contexts (the
    default one), runs are not asked for them (``ContextFreeRunner``).
    """
    connectors = connectors or build_connectors(settings)
    check_connectors(connectors)  # Confluence's space and permission, once, before any review
    activities = build_activities(connectors, client)
    return assemble_worker(
        client, settings, WORKFLOWS, activities, worker_runner(client, guard=guard)
    )


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """Run a worker until ``stop`` is set; in-flight activities get the graceful-shutdown window."""
    policy = load_policy(settings)
    heap_probe.install_from_env()  # benchmarks only: off unless FOLLOWTHROUGH_HEAP_DUMP is set
    cpu_probe.install_from_env()  # benchmarks only: off unless FOLLOWTHROUGH_CPU_PROFILE is set
    metrics = TaskMetrics(settings.http_host, settings.worker_metrics_port)
    try:
        client = await connect(settings, await metrics.start())
        await ensure_digest_schedule(client, settings, policy)
        worker = build_worker(client, settings)
        log.info(
            "worker started", task_queue=settings.task_queue, address=settings.temporal_address
        )
        async with worker:
            await stop.wait()
            log.info("worker stopping")
    finally:
        await metrics.stop()
    log.info("worker stopped")


if __name__ == "__main__":
    from followthrough.cli import entry

    entry()
