"""A split deployment on 127.0.0.1: Temporal dev server, N ``python worker.py``, one API process.

The shape a real installation has (DESIGN.md "Past one machine"), small enough for one box:
``temporal server start-dev`` with a SQLite file (so it can be stopped and started again without
losing anything), any number of workers that can be SIGKILLed and replaced, and
``python -m worker api``. Each process logs to its own file in the work folder.

    deployment = SplitDeployment(workdir, policy=FAST_POLICY, workers=2)
    app = deployment.start()            # a DevApp talking to the API
    deployment.kill_worker(0); deployment.start_worker(0)
    deployment.stop_temporal(); deployment.start_temporal()
    deployment.stop()
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from followthrough.devserver import TASK_PROBLEMS_DYNAMIC_CONFIG
from tests.support.dev_app import FAST_POLICY, DevApp, wait_until_answering
from tests.support.ports import free_port
from tests.support.temporal import binary
from workflows.calls import SEARCH_ATTRIBUTES

REPO = Path(__file__).resolve().parents[2]


def wait_for_port(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def stop_process(process: subprocess.Popen[bytes] | None, timeout: float = 30) -> int | None:
    """SIGINT, then SIGKILL after ``timeout``; the exit code (None if it never ran)."""
    if process is None:
        return None
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


@dataclass
class SplitDeployment:
    """The processes of one split deployment; every method returns once the change took hold."""

    workdir: Path
    policy: str = FAST_POLICY
    workers: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)
    temporal_args: list[str] = field(default_factory=list)
    #: What a worker runs (``python <worker_command>``): the production worker unless a benchmark
    #: asks for another (tests/support/unguarded_worker.py).
    worker_command: tuple[str, ...] = ("worker.py",)
    temporal: subprocess.Popen[bytes] | None = field(default=None, init=False)
    worker_processes: list[subprocess.Popen[bytes] | None] = field(default_factory=list, init=False)
    worker_starts: int = field(default=0, init=False)
    api: subprocess.Popen[bytes] | None = field(default=None, init=False)
    app: DevApp | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.data = self.workdir / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.logs = self.workdir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        policy_file = self.workdir / "followthrough.toml"
        policy_file.write_text(self.policy)
        self.port, self.temporal_port = free_port(), free_port()
        self.temporal_address = f"127.0.0.1:{self.temporal_port}"
        self.token, self.secret = f"tok-{uuid.uuid4().hex}", f"whs-{uuid.uuid4().hex}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("FOLLOWTHROUGH_")},
            "FOLLOWTHROUGH_DATA_DIR": str(self.data),
            "FOLLOWTHROUGH_HTTP_PORT": str(self.port),
            "FOLLOWTHROUGH_TEMPORAL_ADDRESS": self.temporal_address,
            "FOLLOWTHROUGH_API_TOKEN": self.token,
            "FOLLOWTHROUGH_PAGERDUTY_WEBHOOK_SECRETS": self.secret,
            "FOLLOWTHROUGH_POLICY_FILE": str(policy_file),
            "NO_PROXY": "127.0.0.1,localhost",
            **self.extra_env,
        }
        self.worker_processes = [None] * self.workers

    # --- the whole deployment ------------------------------------------------------------------

    def start(self, seconds: float = 60) -> DevApp:
        """Temporal, every worker and the API; returns once ``/healthz`` answers (or, having
        stopped whatever it started, raises)."""
        try:
            return self._start(seconds)
        except BaseException:
            self.stop()
            raise

    def _start(self, seconds: float) -> DevApp:
        self.start_temporal()
        for index in range(self.workers):
            self.start_worker(index)
        self.api = self._spawn([sys.executable, "-m", "worker", "api"], "api")
        self.app = DevApp(
            base_url=f"http://127.0.0.1:{self.port}",
            api_token=self.token,
            pagerduty_secret=self.secret,
            data_dir=self.data,
            temporal_address=self.temporal_address,
            process=self.api,
            env=self.env,
            log_path=self.logs / "api.log",
        )
        if not wait_until_answering(self.app, seconds):
            raise RuntimeError(
                f"the split deployment did not answer within {seconds} s:\n{self.all_logs()}"
            )
        return self.app

    def stop(self) -> list[int | None]:
        """API, workers, then Temporal; their exit codes in that order."""
        codes = [stop_process(self.api)]
        if self.app is not None:
            self.app.http.close()
        codes += [stop_process(p) for p in self.worker_processes]
        self.resume_temporal()
        codes.append(stop_process(self.temporal))
        return codes

    def pids(self) -> dict[str, int]:
        found = {"api": self.api.pid} if self.api else {}
        for index, process in enumerate(self.worker_processes):
            if process is not None:
                found[f"worker {index}"] = process.pid
        if self.temporal is not None:
            found["temporal server"] = self.temporal.pid
        return found

    # --- Temporal ------------------------------------------------------------------------------

    def start_temporal(self, seconds: float = 30) -> None:
        args = [
            binary("temporal"), "server", "start-dev", "--headless", "--ip", "127.0.0.1",
            "--port", str(self.temporal_port), "--db-filename", str(self.data / "temporal.db"),
            "--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=1",
            "--log-level", "error", *self.temporal_args,
        ]  # fmt: skip
        for key in SEARCH_ATTRIBUTES:
            args += ["--search-attribute", f"{key.name}=Keyword"]
        args += TASK_PROBLEMS_DYNAMIC_CONFIG
        self.temporal = self._spawn(args, "temporal")
        if not wait_for_port(self.temporal_port, seconds):
            raise RuntimeError(f"Temporal did not listen on {self.temporal_port} in {seconds} s")

    def stop_temporal(self) -> None:
        """A clean stop (SIGINT); its SQLite file keeps everything for the next start."""
        self.resume_temporal()
        stop_process(self.temporal)
        self.temporal = None

    def pause_temporal(self) -> None:
        """SIGSTOP: the port stays open but nothing answers (slower than any client timeout)."""
        if self.temporal is not None:
            os.kill(self.temporal.pid, signal.SIGSTOP)

    def resume_temporal(self) -> None:
        if self.temporal is not None and self.temporal.poll() is None:
            os.kill(self.temporal.pid, signal.SIGCONT)

    # --- workers -------------------------------------------------------------------------------

    def start_worker(self, index: int) -> subprocess.Popen[bytes]:
        self.worker_starts += 1
        process = self._spawn([sys.executable, *self.worker_command], f"worker-{index}")
        self.worker_processes[index] = process
        return process

    def kill_worker(self, index: int) -> None:
        """SIGKILL: no graceful shutdown, in-flight tasks are simply lost."""
        process = self.worker_processes[index]
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        self.worker_processes[index] = None

    def worker_logs(self) -> list[Path]:
        return sorted(self.logs.glob("worker-*.log"))

    def all_logs(self) -> str:
        """Every process's log, one after another."""
        return "".join(p.read_text(errors="replace") for p in sorted(self.logs.glob("*.log")))

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("ab") as log:
            return subprocess.Popen(
                args, env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT
            )
