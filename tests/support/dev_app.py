"""`followthrough dev` as a subprocess, driven over HTTP like PagerDuty and people do: the app,
its fast policy, and signed PagerDuty events (used by the end-to-end tests and the benchmarks)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from connectors.pagerduty_webhook import sign
from tests.fakes.jira import FakeJira
from tests.support.ports import free_port

#: Second-scale durations so a whole lifecycle runs in well under a minute.
FAST_POLICY = """
timezone = "UTC"
[review]
draft_deadline = "PT120S"
[follow_up]
after = "PT25S"
invite_ahead = "PT5S"
[action_items]
max_horizon = "P90D"
remind_before = "PT2S"
escalate_after = "PT4S"
escalate_every = "PT6S"
reconcile_every = "PT2S"
[digest]
enabled = false
[defaults]
facilitator = "facilitator@example.com"
leadership = ["vp@example.com"]
"""


#: A five-whys body the rules accept, as the API takes it; ``five_whys`` keeps some root causes.
FIVE_WHYS: dict[str, Any] = {
    "symptom": "Checkout requests failed with 503 for 40 minutes.",
    "whys": [
        "The API pods ran out of database connections.",
        "A new batch job opened a connection per record.",
        "The job's pool setting defaulted to unbounded.",
    ],
    "root_causes": [
        {"id": "rc1", "category": "tooling", "statement": "Pools default to unbounded."},
        {"id": "rc2", "category": "process", "statement": "The checklist skips pool limits."},
    ],
}


def five_whys(root_causes: set[str]) -> dict[str, Any]:
    """:data:`FIVE_WHYS` with only the named root causes (every one must have an item)."""
    kept = [rc for rc in FIVE_WHYS["root_causes"] if rc["id"] in root_causes]
    return {**FIVE_WHYS, "root_causes": kept}


def resolved_event(
    incident_id: str,
    title: str = "Checkout API returned 503s",
    service: str = "checkout",
    event_type: str = "incident.resolved",
    merge: bool = False,
) -> bytes:
    """A compact PagerDuty V3 webhook body, as PagerDuty sends it."""
    now = datetime.now(UTC)
    data: dict[str, Any] = {
        "id": incident_id,
        "type": "incident",
        "self": f"https://api.pagerduty.com/incidents/{incident_id}",
        "html_url": f"https://acme.pagerduty.com/incidents/{incident_id}",
        "number": 7,
        "status": "resolved",
        "incident_key": uuid.uuid4().hex,
        "created_at": (now - timedelta(hours=1)).isoformat().replace("+00:00", "Z"),
        "title": title,
        "service": {
            "id": "PSVC001",
            "summary": service,
            "type": "service_reference",
            "self": "https://api.pagerduty.com/services/PSVC001",
            "html_url": "https://acme.pagerduty.com/services/PSVC001",
        },
        "assignees": [],
        "escalation_policy": None,
        "teams": [],
        "priority": {"id": "PPRI1", "summary": "P1", "type": "priority_reference"},
        "urgency": "high",
        "conference_bridge": None,
        "resolve_reason": (
            {"type": "merge_resolve_reason", "incident": {"id": "POTHER1"}} if merge else None
        ),
    }
    event = {
        "event": {
            "id": uuid.uuid4().hex,
            "event_type": event_type,
            "resource_type": "incident",
            "occurred_at": now.isoformat().replace("+00:00", "Z"),
            "agent": None,
            "client": None,
            "data": data,
        }
    }
    return json.dumps(event, separators=(",", ":")).encode()


@dataclass
class DevApp:
    """A running `followthrough dev`."""

    base_url: str
    api_token: str
    pagerduty_secret: str
    data_dir: Path
    temporal_address: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log_path: Path
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.base_url, timeout=30.0, trust_env=False)

    def api(self, method: str, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.api_token}", **kw.pop("headers", {})}
        return self.http.request(method, path, json=json, headers=headers, **kw)

    def send_pagerduty(
        self, body: bytes, secrets: list[str] | None = None, **headers: str
    ) -> httpx.Response:
        signature = ",".join(sign(body, s) for s in (secrets or [self.pagerduty_secret]))
        return self.http.post(
            "/webhooks/pagerduty",
            content=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "PagerDuty-Webhook/V3.0",
                "X-Webhook-Id": headers.pop("webhook_id", uuid.uuid4().hex),
                "X-PagerDuty-Signature": signature,
                **headers,
            },
        )

    def send_pagerduty_resolved(
        self, incident_id: str, title: str = "Checkout API returned 503s", service: str = "checkout"
    ) -> httpx.Response:
        return self.send_pagerduty(resolved_event(incident_id, title, service))

    def wait_for(self, check: Any, timeout: float = 30.0, interval: float = 0.2) -> Any:
        """Poll ``check`` until it returns a truthy value (or raises no AssertionError)."""
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                result = check()
                if result:
                    return result
            except AssertionError as exc:
                last = exc
            time.sleep(interval)
        raise AssertionError(f"timed out waiting: {last}")

    def review(self, incident_id: str) -> dict[str, Any]:
        response = self.api("GET", f"/api/reviews/{incident_id}")
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.http.close()

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_dev_app(
    workdir: Path, extra_env: dict[str, str] | None = None, policy: str = FAST_POLICY
) -> DevApp:
    """Start `followthrough dev` with its own data folder and ports; wait until it answers."""
    workdir.mkdir(parents=True, exist_ok=True)
    policy_file = workdir / "followthrough.toml"
    policy_file.write_text(policy)
    port, temporal_port = free_port(), free_port()
    token, secret = f"tok-{uuid.uuid4().hex}", f"whs-{uuid.uuid4().hex}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FOLLOWTHROUGH_")},
        "FOLLOWTHROUGH_DATA_DIR": str(workdir / "data"),
        "FOLLOWTHROUGH_HTTP_PORT": str(port),
        "FOLLOWTHROUGH_TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
        "FOLLOWTHROUGH_API_TOKEN": token,
        "FOLLOWTHROUGH_PAGERDUTY_WEBHOOK_SECRETS": secret,
        "FOLLOWTHROUGH_POLICY_FILE": str(policy_file),
        "NO_PROXY": "127.0.0.1,localhost",
        **(extra_env or {}),
    }
    log_path = workdir / "dev.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "worker", "dev"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parents[2],
        )
    app = DevApp(
        base_url=f"http://127.0.0.1:{port}",
        api_token=token,
        pagerduty_secret=secret,
        data_dir=workdir / "data",
        temporal_address=f"127.0.0.1:{temporal_port}",
        process=process,
        env=env,
        log_path=log_path,
    )
    if wait_until_answering(app, 90):
        return app
    app.stop()
    raise RuntimeError(f"followthrough dev did not answer within 90 s:\n{app.logs()}")


def jira_env(jira: FakeJira, webhook_secret: str, project: str = "OPS") -> dict[str, str]:
    """The variables that point `followthrough dev` at the Jira imitation."""
    return {
        "FOLLOWTHROUGH_JIRA_URL": jira.url,
        "FOLLOWTHROUGH_JIRA_EMAIL": jira.email,
        "FOLLOWTHROUGH_JIRA_API_TOKEN": jira.api_token,
        "FOLLOWTHROUGH_JIRA_PROJECT": project,
        "FOLLOWTHROUGH_JIRA_WEBHOOK_SECRET": webhook_secret,
    }


def wait_until_answering(app: DevApp, seconds: float) -> bool:
    """Poll GET /healthz until it answers 200; False after ``seconds`` or if the process exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            raise RuntimeError(f"process exited {app.process.returncode}:\n{app.logs()}")
        try:
            if app.http.get("/healthz").status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    return False
