"""The ``followthrough`` command: ``dev | worker | api | trigger <incident-id> | lint <file>
[--kind ...] | db upgrade | reindex``.

``python worker.py`` is ``followthrough worker``. Start-up validates settings and the policy file
and stops with exit code 2 and an error that names the bad key; secrets never reach a log line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from temporalio.client import Client

from connectors.errors import ConnectorError
from connectors.secret_files import write_private
from followthrough.devserver import dev_server
from followthrough.logs import configure_logging
from followthrough.settings import Settings, SettingsError, load_settings
from followthrough.worker_runtime import TaskMetrics
from worker import build_worker, connect, ensure_digest_schedule, load_policy, run_worker
from workflows.policy import Policy, PolicyError

__all__ = ["entry", "main"]


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


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
        write_private(path, json.dumps(known))  # 0600 from the first byte
    return known


def _dev_settings(settings: Settings) -> tuple[Settings, dict[str, str]]:
    """Settings for `dev`: generated secrets fill what is unset; returns them to print too."""
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
    return load_settings(**{**settings.model_dump(exclude_unset=True), **updates}), printed


def _banner(settings: Settings, printed: dict[str, str]) -> str:
    lines = [
        "",
        "Followthrough is running (dev mode).",
        f"  Web & API:   {settings.base_url}/",
        f"  Webhooks:    {settings.base_url}/webhooks/pagerduty",
        f"  Temporal:    {settings.temporal_address} (data in {settings.data_dir}/)",
        f"  Outbox:      {settings.outbox_dir}/"
        if not settings.smtp_configured
        else f"  SMTP:        {settings.smtp_host}",
        f"  Documents:   Confluence space {settings.confluence_space}"
        if settings.confluence_configured
        else f"  Documents:   {settings.documents_dir}/",
    ]
    lines += [f"  {name}: {value}" for name, value in printed.items()]
    lines.append(
        f"  Sign in:     {settings.base_url}/login (pick an email to act as, or the token)"
    )
    lines += ["Press Ctrl-C to stop.", ""]
    return "\n".join(lines)


async def _cmd_dev(settings: Settings) -> int:
    settings, printed = _dev_settings(settings)
    policy = load_policy(settings)
    configure_logging(settings)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    metrics = TaskMetrics(settings.http_host)  # one /metrics: the API's shows the worker's too
    try:
        async with dev_server(settings, await metrics.start()) as client:
            await ensure_digest_schedule(client, settings, policy)
            async with build_worker(client, settings):
                api = asyncio.create_task(_serve_api(settings, client, policy, stop))
                print(_banner(settings, printed), flush=True)
                await api
    finally:
        await metrics.stop()
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


def _cmd_db_upgrade(settings: Settings) -> int:
    """Migrate the review store to the newest schema (the processes also do it at start-up)."""
    from connectors.store import ReviewStore, StoreConfigError
    from connectors.store.engine import current_revision, safe_url

    try:
        store = ReviewStore(settings.store_url, migrate=False)
        store.upgrade()
        at = current_revision(store.engine)
    except (StoreConfigError, ConnectorError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"review store at {safe_url(store.url)}: schema {at}")
    store.close()
    return 0


async def _cmd_reindex(settings: Settings) -> int:
    """Rebuild the review store from Temporal; prints what it did as JSON, exit 1 when a review
    did not answer (run it again once its worker is back: it is idempotent)."""
    from activities.reindex import reindex
    from connectors.store import ReviewStore

    policy = load_policy(settings)
    store = ReviewStore(settings.store_url)  # first: a store it cannot write stops it at once
    client = await connect(settings)
    report = await reindex(client, store, timezone=policy.timezone, progress=True)
    store.close()
    print(
        json.dumps(
            {"listed": report.listed, "written": report.written, "unreadable": report.unreadable}
        )
    )
    return 1 if report.unreadable else 0


#: The longest file ``followthrough lint`` reads (1 MB: a whole post-mortem, many times over).
MAX_LINT_FILE = 1_000_000


def _cmd_lint(args: argparse.Namespace) -> int:
    """Print each finding as ``path:line: code: message ('span'). Hint: ...``; exit 1 on findings.

    The checks are those of ``POST /api/lint`` (``--kind``, ``--done-when``, ``--symptom``,
    ``--responder``); the whole file is one text.
    """
    from workflows import rules

    path: str = args.file
    text = sys.stdin.read(MAX_LINT_FILE + 1) if path == "-" else _read_capped(Path(path))
    if len(text) > MAX_LINT_FILE:
        print(
            f"error: {path} is over {MAX_LINT_FILE:,} characters; lint it in parts", file=sys.stderr
        )
        return 2
    findings = rules.lint(text, args.responder, args.kind, args.done_when, args.symptom)
    for f in findings:
        source = args.done_when if f.field == "done_when" and args.done_when else text
        line = source.count("\n", 0, f.start) + 1
        where = f"{path}:{line}" if source is text else f"--done-when:{line}"
        print(f"{where}: {f.code}: {f.message} ({f.text!r}). Hint: {f.hint}")
    return 1 if findings else 0


def _cmd_token_new(name: str, scope: str) -> int:
    """Print a new token once, and ``FOLLOWTHROUGH_API_TOKENS`` with its hash added to the
    current value (read from the environment; only hashes are in it)."""
    from api.identity.tokens import TokenConfigError, token_new_text

    try:
        print(token_new_text(name, scope, os.environ.get("FOLLOWTHROUGH_API_TOKENS")))
    except TokenConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _read_capped(path: Path) -> str:
    with path.open(encoding="utf-8") as handle:
        return handle.read(MAX_LINT_FILE + 1)


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (2 for bad settings or policy)."""
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
    lint = sub.add_parser(
        "lint",
        help="check a text for blame, vague items or symptom root causes (exit 1 on findings)",
    )
    lint.add_argument("file", help="path, or - for standard input")
    lint.add_argument(
        "--kind",
        choices=("text", "action_item", "root_cause"),
        default="text",
        help="what the file holds: free text (default), an action item's title, a root cause",
    )
    lint.add_argument("--done-when", default=None, help="the action item's done-when criterion")
    lint.add_argument("--symptom", default=None, help="the chain's symptom, for a root cause")
    lint.add_argument(
        "--responder", action="append", default=[], help="a responder's name (repeatable)"
    )
    db = sub.add_parser("db", help="the review store's database").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="migrate the review store to the newest schema")
    sub.add_parser("reindex", help="rebuild the review store from Temporal (idempotent)")
    token = sub.add_parser("token", help="make a named, scoped API token (stored as a hash)")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    token_new = token_sub.add_parser("new", help="print a new token and the setting to add")
    token_new.add_argument("--name", required=True, help="what the audit trail calls it, e.g. ci")
    token_new.add_argument(
        "--scope", choices=("read", "write", "admin"), default="read", help="default read"
    )
    args = parser.parse_args(argv)
    command = args.command or "worker"

    if command == "lint":
        return _cmd_lint(args)
    if command == "token":
        return _cmd_token_new(args.name, args.scope)
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
        if command == "db":
            return _cmd_db_upgrade(settings)
        if command == "reindex":
            return asyncio.run(_cmd_reindex(settings))
        return asyncio.run(_cmd_worker(settings))
    except (SettingsError, PolicyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ConnectorError as exc:  # the review store unreachable at start-up (names no password)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


def entry() -> None:
    """Console-script entry. After a clean stop, leave with ``os._exit``: the Temporal SDK's Rust
    runtime can abort the interpreter at exit (rc 134, sdk-python issue #300) after all went well."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
