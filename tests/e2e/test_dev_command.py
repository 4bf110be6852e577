"""`followthrough dev`: Ctrl-C stops everything cleanly, and a second start finds the first's reviews."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.support.dev_app import start_dev_app
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def port_open(address: str) -> bool:
    host, _, port = address.rpartition(":")
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, int(port))) == 0


def test_ctrl_c_stops_api_worker_and_temporal_and_a_restart_finds_the_reviews(
    tmp_path: Path,
) -> None:
    first = start_dev_app(tmp_path)
    incident_id = "P" + uuid.uuid4().hex[:8].upper()
    assert first.send_pagerduty_resolved(incident_id).status_code == 202
    first.wait_for(lambda: first.review(incident_id))
    first.process.send_signal(signal.SIGINT)
    assert first.process.wait(timeout=45) == 0
    assert not port_open(first.temporal_address)
    first.http.close()

    again = start_dev_app(tmp_path)  # same data folder, new ports
    try:
        review = again.wait_for(lambda: again.review(incident_id))
        assert review["incident"]["id"] == incident_id
    finally:
        again.stop()


def test_dev_prints_urls_and_the_secrets_it_generated(tmp_path: Path) -> None:
    env = {  # nothing configured: no token, no secret, no policy
        "FOLLOWTHROUGH_DATA_DIR": str(tmp_path / "data"),
        "FOLLOWTHROUGH_HTTP_PORT": str(free_port()),
        "FOLLOWTHROUGH_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "PATH": str(Path(sys.executable).parent),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "worker", "dev"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = ""
        deadline = time.monotonic() + 60
        while "Press Ctrl-C" not in banner and time.monotonic() < deadline:
            banner += process.stdout.readline()
        assert f"http://127.0.0.1:{env['FOLLOWTHROUGH_HTTP_PORT']}/" in banner
        token = re.search(r"API token \(FOLLOWTHROUGH_API_TOKEN\): (\S+)", banner)
        secret = re.search(r"PagerDuty webhook secret: (\S+)", banner)
        assert token is not None and secret is not None
        assert token.group(1) != secret.group(1)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=45)
