"""When Temporal does not answer, webhooks answer 503 so PagerDuty retries; nothing is lost."""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.dev_app import DevApp, resolved_event, start_dev_app
from workflows.ids import review_workflow_id


def temporal_pid(dev_pid: int) -> int:
    """The `temporal server start-dev` child of the `followthrough dev` process."""
    for task in Path(f"/proc/{dev_pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            if b"start-dev" in cmdline:
                return int(child)
    raise AssertionError("no temporal dev server child found")


@pytest.fixture(scope="module")
def outage_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevApp]:
    app = start_dev_app(tmp_path_factory.mktemp("outage"))
    yield app
    app.stop()


def test_webhook_answers_503_while_temporal_hangs_and_the_retry_succeeds(
    outage_app: DevApp,
) -> None:
    incident_id = "P" + uuid.uuid4().hex[:8].upper()
    body = resolved_event(incident_id)
    pid = temporal_pid(outage_app.process.pid)
    os.kill(pid, signal.SIGSTOP)  # Temporal stops answering: slower than the 3 s budget
    try:
        during = outage_app.send_pagerduty(body, webhook_id="same-delivery")
    finally:
        os.kill(pid, signal.SIGCONT)
    assert during.status_code == 503
    assert during.headers["retry-after"]
    retried = outage_app.wait_for(
        lambda: (
            (r := outage_app.send_pagerduty(body, webhook_id="same-delivery")).status_code
            in (200, 202)
            and r
        ),
        timeout=30,
    )
    assert retried.json()["workflow_id"] == review_workflow_id(incident_id)
    review = outage_app.wait_for(lambda: outage_app.review(incident_id))
    assert review["incident"]["id"] == incident_id
