"""``python worker.py`` as a child process on a test's dev server and task queue."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.support.command import ROOT

__all__ = ["start_worker", "wait_for_line"]


def start_worker(
    address: str, queue: str, data_dir: Path, log: Path, **env: str
) -> subprocess.Popen[bytes]:
    """Start the production worker (no FOLLOWTHROUGH_ variable leaks in from this process);
    ``env`` adds FOLLOWTHROUGH_ settings by their suffix, e.g. ``WORKER_METRICS_PORT="9464"``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWTHROUGH_")}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "worker.py"],
            cwd=ROOT,
            env={
                **clean,
                "FOLLOWTHROUGH_TEMPORAL_ADDRESS": address,
                "FOLLOWTHROUGH_TASK_QUEUE": queue,
                "FOLLOWTHROUGH_DATA_DIR": str(data_dir),
                **{f"FOLLOWTHROUGH_{k}": v for k, v in env.items()},
            },
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for_line(process: subprocess.Popen[bytes], log: Path, text: str, seconds: float) -> None:
    """Block until ``text`` is in ``log``; fail with the log if the process exits or time runs out."""
    deadline = time.monotonic() + seconds
    while text not in log.read_text(errors="replace"):
        assert process.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.1)
