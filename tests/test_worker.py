"""`python worker.py` (worker): runs reviews, logs JSON lines with their ids, stops on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from tests.support.command import ROOT, run
from workflows.ids import review_workflow_id


def test_worker_runs_reviews_logs_json_with_ids_and_stops_on_sigterm(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    address = dev_env.client.service_client.config.target_host
    queue = f"tq-{uuid.uuid4()}"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWTHROUGH_")}
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "worker.py"],
            cwd=ROOT,
            env={
                **clean,
                "FOLLOWTHROUGH_TEMPORAL_ADDRESS": address,
                "FOLLOWTHROUGH_TASK_QUEUE": queue,
                "FOLLOWTHROUGH_DATA_DIR": str(tmp_path / "data"),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while "worker started" not in log_path.read_text():
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline
            time.sleep(0.1)
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
