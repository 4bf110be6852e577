"""What the PagerDuty imitation holds (incidents, log entries, notes, users) and the records it
builds: ids, users and their references, log entries of each kind, priorities, note texts."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from tests.fakes.http import Failures
from tests.fakes.pagerduty.model import (
    ALNUM,
    DEFAULT_TOKEN,
    FIRST_NAMES,
    LAST_NAMES,
    WEB_URL,
    Answer,
    iso,
)
from tests.fakes.pagerduty.server import TlsServer

__all__ = ["Clock", "PagerDutyRecords", "note_texts"]

#: What "now" is for the imitation's default incident times.
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class PagerDutyRecords:
    """The account's records; ``incidents`` builds incidents from them, ``api`` serves them."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, seed: int = 7, clock: Clock | None = None):
        self.token = token
        #: "now" for the default incident times (an injectable clock; the wall clock by default).
        self.clock: Clock = clock or _utc_now
        self.incidents: dict[str, dict[str, Any]] = {}
        self.log_entries: dict[str, list[dict[str, Any]]] = {}  # newest first, like the API
        self.notes: dict[str, list[dict[str, Any]]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.request_headers: list[dict[str, str]] = []
        self._failures = Failures()
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._used_ids: set[str] = set()
        self._next_number = 1001
        self._server = TlsServer(self._respond, "FakePagerDuty")

    @property
    def base_url(self) -> str:
        return self._server.base_url

    def _respond(self, method: str, target: str, headers: dict[str, str]) -> Answer:
        raise NotImplementedError

    def new_id(self, prefix: str = "P", length: int = 6) -> str:
        while True:
            candidate = prefix + "".join(self._random.choice(ALNUM) for _ in range(length))
            if candidate not in self._used_ids:
                self._used_ids.add(candidate)
                return candidate

    def add_user(self, name: str | None = None, email: str | None = None) -> dict[str, Any]:
        user_id = self.new_id()
        if name is None:
            name = f"{self._random.choice(FIRST_NAMES)} {self._random.choice(LAST_NAMES)}"
        if email is None:
            email = f"{name.lower().replace(' ', '.')}.{user_id.lower()}@example.com"
        user = {
            "id": user_id,
            "type": "user",
            "summary": name,
            "self": f"{self.base_url}/users/{user_id}",
            "html_url": f"{WEB_URL}/users/{user_id}",
            "name": name,
            "email": email,
            "time_zone": "Europe/Berlin",
            "color": "purple",
            "role": "user",
            "avatar_url": f"https://secure.gravatar.com/avatar/{user_id.lower()}.png",
            "description": "",
            "invitation_sent": False,
            "job_title": "Site Reliability Engineer",
            "teams": [],
            "contact_methods": [],
            "notification_rules": [],
        }
        with self._lock:
            self.users[user_id] = user
        return user

    def user_ref(self, user: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": user["id"],
            "type": "user_reference",
            "summary": user["name"],
            "self": f"{self.base_url}/users/{user['id']}",
            "html_url": f"{WEB_URL}/users/{user['id']}",
        }

    def _log_entry(
        self,
        kind: str,
        at: datetime,
        person: dict[str, Any] | None,
        integration: dict[str, Any],
        service: dict[str, Any],
        incident_ref: dict[str, Any],
    ) -> dict[str, Any]:
        entry_id = self.new_id("R", 13)
        name = person["summary"] if person else ""
        entry: dict[str, Any] = {
            "id": entry_id,
            "type": f"{kind}_log_entry",
            "summary": "",
            "self": f"{self.base_url}/log_entries/{entry_id}?incident_id={incident_ref['id']}",
            "html_url": f"{incident_ref['html_url']}/log_entries/{entry_id}",
            "created_at": iso(at),
            "agent": dict(person) if person else dict(integration),
            "channel": {"type": "web_trigger"},
            "service": dict(service),
            "incident": dict(incident_ref),
            "teams": [],
            "contexts": [],
        }
        if kind == "trigger":
            entry["summary"] = "Triggered through the API."
            entry["channel"] = {"type": "api", "summary": incident_ref["summary"]}
            entry["event_details"] = {"description": incident_ref["summary"]}
        elif kind == "notify":
            entry["summary"] = f"Notified {name} by push notification."
            entry["agent"] = dict(integration)
            entry["user"] = dict(person or {})
            entry["channel"] = {"type": "push_notification"}
        elif kind in ("assign", "escalate", "delegate"):
            verb = {"assign": "Assigned", "escalate": "Escalated", "delegate": "Reassigned"}[kind]
            entry["summary"] = f"{verb} to {name}."
            entry["agent"] = dict(integration) if kind != "delegate" else dict(person or {})
            entry["assignees"] = [dict(person or {})]
            entry["channel"] = {"type": "auto" if kind != "delegate" else "website"}
        elif kind == "acknowledge":
            entry["summary"] = f"Acknowledged by {name}."
            entry["channel"] = {"type": "mobile"}
            entry["acknowledgement_timeout"] = 1800
        elif kind == "unacknowledge":
            entry["summary"] = "Unacknowledged due to timeout."
            entry["agent"] = dict(service)
            entry["channel"] = {"type": "timeout"}
        elif kind == "snooze":
            entry["summary"] = f"Snoozed for 30 minutes by {name}."
            entry["channel"] = {"type": "website"}
        elif kind == "urgency_change":
            entry["summary"] = "Urgency changed from high to low."
            entry["channel"] = {"type": "website"}
        elif kind == "annotate":
            entry["summary"] = "Note added"
        elif kind == "resolve" and person is None:
            entry["summary"] = "Resolved through the API."
            entry["channel"] = {"type": "api", "summary": incident_ref["summary"]}
        elif kind == "resolve":
            entry["summary"] = f"Resolved by {name}."
            entry["channel"] = {"type": "website"}
        return entry

    def _priority_ref(self, summary: str) -> dict[str, Any]:
        priority_id = self.new_id()
        return {
            "id": priority_id,
            "type": "priority_reference",
            "summary": summary,
            "self": f"{self.base_url}/priorities/{priority_id}",
            "html_url": None,
        }


def note_texts(count: int, day: datetime) -> list[str]:
    """``count`` notes a responder writes during an incident on ``day``."""
    samples = [
        f"Rolled back deploy {day:%Y.%m.%d}-2; error rate recovering.",
        "Connection pool on checkout-db saturated at 200/200.",
        "Customer support informed; status page updated.",
        "Raised pool size to 400 as a stop-gap.",
    ]
    return [
        samples[i % len(samples)] + ("" if i < len(samples) else f" ({i})") for i in range(count)
    ]
