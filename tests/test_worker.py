"""`python worker.py` (worker): runs reviews, logs JSON lines with their ids, stops on SIGTERM."""

from __future__ import annotations

import json
import signal
import time
import uuid
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from tests.support.command import run
from tests.support.processes import start_worker, wait_for_line
from workflows.ids import review_workflow_id


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
        assert json.loads(result.stdout)["workflow_id"] == review_workflow_id("PWORKER1")

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
