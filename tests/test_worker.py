"""The `followthrough` command and `python worker.py`: start-up checks, logging, shutdown."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import structlog
from temporalio.testing import WorkflowEnvironment

from connectors.settings import Settings
from tests.processes import start_worker, wait_for_line
from worker import configure_logging
from workflows.postmortem import PostmortemWorkflow
from workflows.review import ReviewStatus

ROOT = Path(__file__).resolve().parents[1]


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWTHROUGH_")}
    return subprocess.run(
        [sys.executable, "-m", "worker", *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_lint_exits_1_and_names_each_finding(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("Timeline.\nThe outage was caused by human error.\n")
    result = run("lint", str(notes))
    assert result.returncode == 1
    assert f"{notes}:2: blame_human_error" in result.stdout


def test_lint_exits_0_on_blameless_text(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("The deploy pipeline allowed a config change without a canary.\n")
    assert run("lint", str(notes)).returncode == 0


def test_a_bad_policy_stops_start_up_naming_the_key(tmp_path: Path) -> None:
    policy = tmp_path / "followthrough.toml"
    policy.write_text('[action_items]\nremind_before = "soon"\n')
    result = run("worker", env={"FOLLOWTHROUGH_POLICY_FILE": str(policy)})
    assert result.returncode == 2
    assert "action_items.remind_before" in result.stderr


def test_a_bad_setting_names_the_variable_and_not_the_secrets(tmp_path: Path) -> None:
    result = run(
        "worker",
        env={"FOLLOWTHROUGH_HTTP_PORT": "eighty", "FOLLOWTHROUGH_API_TOKEN": "s3cr3t-token-value"},
    )
    assert result.returncode == 2
    assert "FOLLOWTHROUGH_HTTP_PORT" in result.stderr
    assert "s3cr3t-token-value" not in result.stderr + result.stdout


def test_dev_refuses_a_taken_temporal_port_with_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(
            "dev",
            env={
                "FOLLOWTHROUGH_TEMPORAL_ADDRESS": f"127.0.0.1:{port}",
                "FOLLOWTHROUGH_DATA_DIR": str(tmp_path / "data"),
            },
        )
    assert result.returncode != 0
    assert "already in use" in result.stderr + result.stdout


def test_configured_secrets_are_redacted_from_log_lines(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(api_token="very-secret-api-token", jira_api_token="jira-token-4242")
    configure_logging(settings)
    try:
        structlog.get_logger("t").info(
            "calling with very-secret-api-token", url="x?t=jira-token-4242"
        )
    finally:
        logging.getLogger().handlers.clear()
        structlog.reset_defaults()
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["event"] == "calling with ***"
    assert line["url"] == "x?t=***"


def test_worker_runs_reviews_logs_json_with_ids_and_stops_on_sigterm(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    address = dev_env.client.service_client.config.target_host
    queue = f"tq-{uuid.uuid4()}"
    log_path = tmp_path / "worker.log"
    process = start_worker(address, queue, tmp_path / "data", log_path)
    try:
        wait_for_line(process, log_path, "worker started", 30)
        result = run(
            "trigger",
            "PWORKER1",
            "--title",
            "Search latency",
            env={"FOLLOWTHROUGH_TEMPORAL_ADDRESS": address, "FOLLOWTHROUGH_TASK_QUEUE": queue},
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["workflow_id"] == "postmortem-PWORKER1"

        def logged_with_ids() -> bool:
            lines = [json.loads(x) for x in log_path.read_text().splitlines() if x.startswith("{")]
            return any(
                line.get("incident_id") == "PWORKER1" and line.get("workflow_id") for line in lines
            )

        deadline = time.monotonic() + 30
        while not logged_with_ids():
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert "worker stopped" in log_path.read_text()


async def test_trigger_starts_a_review_that_answers_its_status(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    address = dev_env.client.service_client.config.target_host
    result = run("trigger", "PTRIG1", env={"FOLLOWTHROUGH_TEMPORAL_ADDRESS": address})
    assert result.returncode == 0, result.stderr
    handle = dev_env.client.get_workflow_handle("postmortem-PTRIG1")
    description = await handle.describe()
    assert description.workflow_type == "PostmortemWorkflow"
    await handle.terminate("test done")
    assert ReviewStatus is not None and PostmortemWorkflow is not None
