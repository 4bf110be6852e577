"""A throwaway PostgreSQL cluster from Debian's ``postgresql`` package, for tests and benchmarks.

``initdb`` and ``pg_ctl`` refuse to run as root, and tests run as root here and in CI: so when
we are root the cluster belongs to an unprivileged user (``postgres``, which Debian's package
creates, else ``nobody``) and every server command runs through ``runuser``. The cluster lives in
a temporary folder owned by that user, listens on a free port on 127.0.0.1 only (and a socket in
the same folder), trusts local connections, and is removed on stop.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from tests.support.ports import free_port

SUPERUSER = "followthrough"


def bin_dir() -> Path:
    """The newest installed server's binaries (``/usr/lib/postgresql/<n>/bin``)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if not found:
        raise RuntimeError(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: "
            "apt-get install postgresql (.ci/run does this)"
        )
    return Path(found[-1]).parent


def _owner() -> pwd.struct_passwd | None:
    """Who runs the server: None for ourselves, an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root with neither a 'postgres' nor a 'nobody' user")


class PostgresCluster:
    """Start with :meth:`start`, get URLs with :meth:`url`, always :meth:`stop`.

    ``durable=False`` (tests) turns off fsync and friends: a test database need not survive a
    power cut. Benchmarks keep PostgreSQL's defaults so the figures mean something.
    """

    def __init__(self, *, durable: bool = False) -> None:
        self.durable = durable
        self.bin = bin_dir()
        self.owner = _owner()
        self.root = Path(tempfile.mkdtemp(prefix="followthrough-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.log = self.root / "server.log"
        self._databases = 0

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner.pw_name, "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=120, cwd=self.root, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}"
            )
        return result

    def start(self) -> PostgresCluster:
        if self.owner is not None:
            os.chown(self.root, self.owner.pw_uid, self.owner.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = [
            f"-p {self.port}",
            f"-k {self.root}",
            "-c listen_addresses=127.0.0.1",
            "-c max_connections=50",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "-o", " ".join(options), "start",
        )  # fmt: skip
        return self

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of a database in this cluster (psycopg 3 driver)."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """A new, empty database (or a copy of ``template``); returns its URL."""
        self._databases += 1
        name = name or f"test_{self._databases}"
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as connection:
            suffix = f" TEMPLATE {template}" if template else ""
            connection.execute(f'CREATE DATABASE "{name}"{suffix}')
        return self.url(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            deadline = time.monotonic() + 10
            while (self.data / "postmaster.pid").exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            shutil.rmtree(self.root, ignore_errors=True)
