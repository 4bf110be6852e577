"""A local imitation of PagerDuty: the REST API v2 over HTTPS, and webhook V3 deliveries.

REST (``FakePagerDuty``): stdlib ``ThreadingHTTPServer`` on ``127.0.0.1`` (port 0) behind TLS with
a throw-away ``trustme`` CA, so the real ``pagerduty`` client (which refuses ``http://``) talks to
it unchanged. It answers the endpoints Followthrough reads, with PagerDuty's shapes:

* ``GET /incidents/{id}`` (id or incident number) -> ``{"incident": {...}}``
* ``GET /incidents/{id}/log_entries`` -> classic pagination (``limit`` default 25, max 100;
  ``offset``; ``more``; ``total`` null unless ``total=true``; 400 when ``offset+limit > 10000``),
  newest entry first
* ``GET /incidents/{id}/notes`` -> ``{"notes": [...]}`` (no paging)
* ``GET /users/{id}`` -> ``{"user": {...}}``

Without ``Authorization: Token token=<token>``: 401 with code 2006; unknown things: 404 with code
2100. ``fail_next`` injects 429 (``ratelimit-*`` headers, code 2020) or 5xx answers.

Webhooks: :func:`build_resolved_event` / :func:`build_ping_event` give the compact JSON body
PagerDuty posts and :func:`signed_headers` the headers it sends with it. The signature here is
computed independently of ``connectors.pagerduty_webhook``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import re
import socket
import ssl
import string
import tempfile
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import trustme

ITERATION_LIMIT = 10000
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
WEB_URL = "https://acme.pagerduty.com"
WEBHOOK_USER_AGENT = "PagerDuty-Webhook/V3.0"
DEFAULT_TOKEN = "pd-fake-token-u+QzR3vY8sKq"  # the only key the fake accepts unless told otherwise

_ALNUM = string.ascii_uppercase + string.digits
_FIRST_NAMES = ["Ada", "Grace", "Linus", "Barbara", "Ken", "Radia", "Dennis", "Frances", "Edsger"]
_LAST_NAMES = ["Lovelace", "Hopper", "Torvalds", "Liskov", "Thompson", "Perlman", "Ritchie"]
_FILLER_TYPES = [
    "notify",
    "acknowledge",
    "unacknowledge",
    "escalate",
    "notify",
    "snooze",
    "urgency_change",
    "delegate",
    "notify",
    "acknowledge",
]


def error_body(message: str, code: int | None = None, errors: Sequence[str] = ()) -> dict[str, Any]:
    """PagerDuty's error envelope."""
    error: dict[str, Any] = {"message": message}
    if code is not None:
        error["code"] = code
    if errors:
        error["errors"] = list(errors)
    return {"error": error}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_Answer = tuple[int, dict[str, str], dict[str, Any]]
"""status, extra headers, JSON body"""


@dataclass
class _Failure:
    status: int
    remaining: int | None  # None: until clear_failures()
    headers: dict[str, str]
    body: dict[str, Any]
    path: str | None
    skip: int


class FakePagerDuty:
    """PagerDuty REST API v2 on ``https://127.0.0.1:<port>``; see the module docstring."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, seed: int = 7) -> None:
        self.token = token
        self.incidents: dict[str, dict[str, Any]] = {}
        self.log_entries: dict[str, list[dict[str, Any]]] = {}  # newest first, like the API
        self.notes: dict[str, list[dict[str, Any]]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.request_headers: list[dict[str, str]] = []
        self._failures: list[_Failure] = []
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._used_ids: set[str] = set()
        self._next_number = 1001
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._base_url: str | None = None
        self._ca_file: Path | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakePagerDuty:
        if self._server is not None:
            return self
        ca = trustme.CA()
        leaf = ca.issue_cert("127.0.0.1", "localhost")
        self._tmp = tempfile.TemporaryDirectory(prefix="fake-pagerduty-")
        self._ca_file = Path(self._tmp.name) / "ca.pem"
        ca.cert_pem.write_to_path(str(self._ca_file))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        leaf.configure_cert(context)

        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        # handshake lazily in the connection's own thread (see _Handler.setup)
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
        self._server = server
        self._base_url = f"https://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> FakePagerDuty:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("FakePagerDuty is not started")
        return self._base_url

    @property
    def ca_file(self) -> Path:
        if self._ca_file is None:
            raise RuntimeError("FakePagerDuty is not started")
        return self._ca_file

    # -- test controls ------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        count: int | None = 1,
        headers: Mapping[str, str] | None = None,
        *,
        body: Mapping[str, Any] | None = None,
        path: str | None = None,
        skip: int = 0,
    ) -> None:
        """Answer the next ``count`` requests (None: all, until cleared) with ``status``.

        429 carries ``ratelimit-limit/-remaining/-reset`` (reset 1 s) and code 2020 unless
        ``headers``/``body`` say otherwise; ``headers`` entries with value ``""`` are dropped.
        ``path``: only requests whose path starts with it fail; ``skip``: let that many matching
        requests through first.
        """
        if status == 429:
            merged = {"ratelimit-limit": "960", "ratelimit-remaining": "0", "ratelimit-reset": "1"}
            default_body = error_body("Rate Limit Exceeded", 2020)
        else:
            merged = {}
            default_body = error_body(HTTPStatus(status).phrase)
        merged.update(headers or {})
        with self._lock:
            self._failures.append(
                _Failure(
                    status=status,
                    remaining=count,
                    headers={k: v for k, v in merged.items() if v != ""},
                    body=dict(body) if body is not None else default_body,
                    path=path,
                    skip=skip,
                )
            )

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()

    def reset(self) -> None:
        """Forget requests seen and pending failures; keep incidents and users."""
        with self._lock:
            self._failures.clear()
            self.requests.clear()
            self.request_headers.clear()

    def requests_to(self, path: str) -> list[dict[str, str]]:
        """Queries of the GET requests seen for exactly ``path``."""
        with self._lock:
            return [query for method, seen, query in self.requests if seen == path]

    # -- data ---------------------------------------------------------------------------------

    def new_id(self, prefix: str = "P", length: int = 6) -> str:
        while True:
            candidate = prefix + "".join(self._random.choice(_ALNUM) for _ in range(length))
            if candidate not in self._used_ids:
                self._used_ids.add(candidate)
                return candidate

    def add_user(self, name: str | None = None, email: str | None = None) -> dict[str, Any]:
        user_id = self.new_id()
        if name is None:
            name = f"{self._random.choice(_FIRST_NAMES)} {self._random.choice(_LAST_NAMES)}"
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

    def add_incident(
        self,
        *,
        title: str = "Checkout API error rate above 5%",
        log_entries: int = 12,
        notes: int = 2,
        responders: int | Sequence[Mapping[str, Any]] = 3,
        priority: str | None = "P1",
        urgency: str = "high",
        service_name: str = "Checkout API",
        created_at: datetime | None = None,
        step: timedelta = timedelta(seconds=47),
        auto_resolved: bool = False,
    ) -> dict[str, Any]:
        """A resolved incident with ``log_entries`` entries, ``notes`` notes and responders.

        Every responder is assigned (or escalated to) and notified early on; the first one
        acknowledges, writes the notes and resolves (or, with ``auto_resolved``, the monitoring
        integration resolves it). The trigger comes from an integration, not a person. Returns
        the incident in REST shape; its log entries, notes and users are in
        ``self.log_entries[id]``, ``self.notes[id]`` and ``self.users``.
        """
        people = (
            [self.add_user() for _ in range(responders)]
            if isinstance(responders, int)
            else [dict(r) for r in responders]
        )
        if not people:
            raise ValueError("an incident needs at least one responder")
        if log_entries < 2 + notes:
            raise ValueError("log_entries must leave room for trigger, resolve and the notes")
        start = created_at or datetime(2026, 5, 4, 9, 0, 0, tzinfo=UTC)
        incident_id = self.new_id()
        number = self._next_number
        self._next_number += 1
        service = {
            "id": self.new_id(),
            "type": "service_reference",
            "summary": service_name,
            "self": "",
            "html_url": "",
        }
        service["self"] = f"{self.base_url}/services/{service['id']}"
        service["html_url"] = f"{WEB_URL}/service-directory/{service['id']}"
        policy_id = self.new_id()
        escalation_policy = {
            "id": policy_id,
            "type": "escalation_policy_reference",
            "summary": f"{service_name} on-call",
            "self": f"{self.base_url}/escalation_policies/{policy_id}",
            "html_url": f"{WEB_URL}/escalation_policies/{policy_id}",
        }
        integration_id = self.new_id()
        integration = {
            "id": integration_id,
            "type": "events_api_v2_inbound_integration_reference",
            "summary": "Prometheus Alertmanager",
            "self": f"{self.base_url}/services/{service['id']}/integrations/{integration_id}",
            "html_url": f"{WEB_URL}/services/{service['id']}/integrations/{integration_id}",
        }
        incident_ref = {
            "id": incident_id,
            "type": "incident_reference",
            "summary": f"[#{number}] {title}",
            "self": f"{self.base_url}/incidents/{incident_id}",
            "html_url": f"{WEB_URL}/incidents/{incident_id}",
        }
        refs = [self.user_ref(person) for person in people]
        lead = refs[0]
        times = [start + step * i for i in range(log_entries)]

        # slot plan: 0 trigger, last resolve, notes spread evenly, the rest people then filler
        note_slots = {1 + (j + 1) * (log_entries - 2) // (notes + 1) for j in range(notes)}
        if len(note_slots) < notes:
            note_slots = set(range(log_entries - 1 - notes, log_entries - 1))
        plan: list[tuple[str, dict[str, Any] | None]] = []
        for k, ref in enumerate(refs):
            plan.append(("assign" if k == 0 else "escalate", ref))
            plan.append(("notify", ref))
        plan.append(("acknowledge", lead))
        filler = 0
        entries: list[dict[str, Any]] = []
        note_list: list[dict[str, Any]] = []
        note_texts = iter(_note_texts(notes))
        for slot, at in enumerate(times):
            if slot == 0:
                kind, person = "trigger", None
            elif slot == log_entries - 1:
                kind, person = "resolve", None if auto_resolved else lead
            elif slot in note_slots:
                kind, person = "annotate", lead
            elif plan:
                kind, person = plan.pop(0)
            else:
                kind = _FILLER_TYPES[filler % len(_FILLER_TYPES)]
                person = refs[filler % len(refs)]
                filler += 1
            entry = self._log_entry(kind, at, person, integration, service, incident_ref)
            if kind == "annotate":
                text = next(note_texts)
                entry["channel"] = {"type": "note", "summary": text}
                note_list.append(
                    {
                        "id": self.new_id(),
                        "user": dict(lead),
                        "channel": {"summary": "The PagerDuty website or APIs"},
                        "content": text,
                        "created_at": iso(at),
                    }
                )
            entries.append(entry)

        resolved = times[-1]
        incident = {
            "id": incident_id,
            "type": "incident",
            "summary": f"[#{number}] {title}",
            "self": f"{self.base_url}/incidents/{incident_id}",
            "html_url": f"{WEB_URL}/incidents/{incident_id}",
            "incident_number": number,
            "title": title,
            "description": title,
            "created_at": iso(start),
            "updated_at": iso(resolved),
            "status": "resolved",
            "incident_key": uuid.UUID(int=self._random.getrandbits(128)).hex,
            "service": service,
            "assignments": [],
            "assigned_via": "escalation_policy",
            "last_status_change_at": iso(resolved),
            "last_status_change_by": dict(service if auto_resolved else lead),
            "resolved_at": iso(resolved),
            "first_trigger_log_entry": {
                "id": entries[0]["id"],
                "type": "trigger_log_entry_reference",
                "summary": entries[0]["summary"],
                "self": entries[0]["self"],
                "html_url": entries[0]["html_url"],
            },
            "alert_counts": {"all": 1, "triggered": 0, "resolved": 1},
            "is_mergeable": True,
            "escalation_policy": escalation_policy,
            "teams": [],
            "pending_actions": [],
            "acknowledgements": [],
            "alert_grouping": None,
            "urgency": urgency,
            "priority": _priority_ref(self, priority) if priority else None,
            "resolve_reason": None,
            "incidents_responders": [],
            "responder_requests": [],
            "subscriber_requests": [],
            "incident_type": {"name": "incident_default"},
        }
        with self._lock:
            self.incidents[incident_id] = incident
            self.log_entries[incident_id] = list(reversed(entries))
            self.notes[incident_id] = note_list
        return incident

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

    # -- request handling ---------------------------------------------------------------------

    def _handle(self, method: str, target: str, headers: Mapping[str, str]) -> _Answer:
        parts = urlsplit(target)
        path = parts.path
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self._lock:
            self.requests.append((method, path, query))
            self.request_headers.append(dict(headers))
            failure = self._take_failure(path)
        if failure is not None:
            return failure
        if headers.get("authorization") != f"Token token={self.token}":
            return 401, {}, error_body("Authentication failed", 2006)
        if method != "GET":
            return 405, {}, error_body("Method Not Allowed")
        with self._lock:
            return self._route(path, query)

    def _take_failure(self, path: str) -> _Answer | None:
        for failure in self._failures:
            if failure.path is not None and not path.startswith(failure.path):
                continue
            if failure.skip > 0:
                failure.skip -= 1
                continue
            if failure.remaining is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
            return failure.status, dict(failure.headers), failure.body
        return None

    def _route(self, path: str, query: dict[str, str]) -> _Answer:
        not_found: _Answer = (404, {}, error_body("Not Found", 2100))
        if match := re.fullmatch(r"/incidents/([^/]+)", path):
            incident = self._find_incident(match[1])
            return (200, {}, {"incident": incident}) if incident else not_found
        if match := re.fullmatch(r"/incidents/([^/]+)/log_entries", path):
            incident = self._find_incident(match[1])
            if incident is None:
                return not_found
            return self._page(self.log_entries[incident["id"]], "log_entries", query)
        if match := re.fullmatch(r"/incidents/([^/]+)/notes", path):
            incident = self._find_incident(match[1])
            if incident is None:
                return not_found
            return 200, {}, {"notes": self.notes[incident["id"]]}
        if match := re.fullmatch(r"/users/([^/]+)", path):
            user = self.users.get(match[1])
            return (200, {}, {"user": user}) if user else not_found
        return not_found

    def _find_incident(self, key: str) -> dict[str, Any] | None:
        if key in self.incidents:
            return self.incidents[key]
        if key.isdigit():
            for incident in self.incidents.values():
                if incident["incident_number"] == int(key):
                    return incident
        return None

    @staticmethod
    def _page(items: list[dict[str, Any]], wrapper: str, query: dict[str, str]) -> _Answer:
        try:
            limit = int(query.get("limit", DEFAULT_LIMIT))
            offset = int(query.get("offset", 0))
        except ValueError:
            return 400, {}, error_body("Invalid Input Provided", 2001, ["limit/offset not integer"])
        if limit < 1 or offset < 0:
            return (
                400,
                {},
                error_body("Invalid Input Provided", 2001, ["limit/offset out of range"]),
            )
        limit = min(limit, MAX_LIMIT)
        if offset + limit > ITERATION_LIMIT:
            return (
                400,
                {},
                error_body(
                    "Invalid Input Provided",
                    2001,
                    [f"Offset must be less than or equal to {ITERATION_LIMIT - limit}."],
                ),
            )
        page = items[offset : offset + limit]
        want_total = query.get("total", "false").lower() == "true"
        return (
            200,
            {},
            {
                wrapper: page,
                "limit": limit,
                "offset": offset,
                "more": offset + len(page) < len(items),
                "total": len(items) if want_total else None,
            },
        )


def _priority_ref(fake: FakePagerDuty, summary: str) -> dict[str, Any]:
    priority_id = fake.new_id()
    return {
        "id": priority_id,
        "type": "priority_reference",
        "summary": summary,
        "self": f"{fake.base_url}/priorities/{priority_id}",
        "html_url": None,
    }


def _note_texts(count: int) -> list[str]:
    samples = [
        "Rolled back deploy 2026.05.04-2; error rate recovering.",
        "Connection pool on checkout-db saturated at 200/200.",
        "Customer support informed; status page updated.",
        "Raised pool size to 400 as a stop-gap.",
    ]
    return [
        samples[i % len(samples)] + ("" if i < len(samples) else f" ({i})") for i in range(count)
    ]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5
    fake: FakePagerDuty

    def setup(self) -> None:
        self.request.settimeout(self.timeout)
        # headers and body go out in separate writes: without this, Nagle + delayed ACK add 40 ms
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.request.do_handshake()
        super().setup()

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        headers = {key.lower(): value for key, value in self.headers.items()}
        status, extra, body = self.fake._handle(self.command, self.path, headers)
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Request-Id", uuid.uuid4().hex)
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


def _handler_for(fake: FakePagerDuty) -> type[_Handler]:
    return type("FakePagerDutyHandler", (_Handler,), {"fake": fake})


# -- webhooks -------------------------------------------------------------------------------


def webhook_signature(body: bytes, secret: str) -> str:
    """``v1=<hex HMAC-SHA256>`` of the raw body, as PagerDuty signs it."""
    return "v1=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _event_id() -> str:
    # PagerDuty's examples use ULID-like ids (26 Crockford base32 characters)
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    return "01" + "".join(random.choice(alphabet) for _ in range(24))


def _compact(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _millis(value: str) -> str:
    moment = datetime.fromisoformat(value)
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def incident_webhook_data(incident: Mapping[str, Any], *, merge: bool = False) -> dict[str, Any]:
    """The webhook's ``data`` for a REST-shaped incident (``number``, ``assignees``...)."""
    service = incident["service"]
    resolve_reason = None
    if merge:
        target_id = "PMRG" + incident["id"][-3:]
        resolve_reason = {
            "type": "merge_resolve_reason",
            "incident": {
                "id": target_id,
                "type": "incident_reference",
                "summary": f"[#{incident['incident_number'] + 1}] Parent incident",
                "self": f"https://api.pagerduty.com/incidents/{target_id}",
                "html_url": f"{WEB_URL}/incidents/{target_id}",
            },
        }
    return {
        "id": incident["id"],
        "type": "incident",
        "self": incident["self"],
        "html_url": incident["html_url"],
        "number": incident["incident_number"],
        "status": incident["status"],
        "incident_key": incident.get("incident_key"),
        "created_at": incident["created_at"],
        "title": incident["title"],
        "service": {
            "html_url": service.get("html_url"),
            "id": service["id"],
            "self": service.get("self"),
            "summary": service.get("summary"),
            "type": "service_reference",
        },
        "assignees": [a["assignee"] for a in incident.get("assignments", [])],
        "escalation_policy": incident.get("escalation_policy"),
        "teams": incident.get("teams", []),
        "priority": incident.get("priority"),
        "urgency": incident.get("urgency"),
        "conference_bridge": None,
        "resolve_reason": resolve_reason,
        "incident_type": incident.get("incident_type", {"name": "incident_default"}),
    }


def build_resolved_event(
    incident: Mapping[str, Any], event_id: str | None = None, merge: bool = False
) -> bytes:
    """The compact JSON body of an ``incident.resolved`` V3 delivery for a REST-shaped incident."""
    agent = incident.get("last_status_change_by")
    occurred = incident.get("last_status_change_at") or incident["created_at"]
    event = {
        "event": {
            "id": event_id or _event_id(),
            "event_type": "incident.resolved",
            "resource_type": "incident",
            "occurred_at": _millis(occurred),
            "agent": dict(agent) if agent and not merge else None,
            "client": None,
            "data": incident_webhook_data(incident, merge=merge),
        }
    }
    return _compact(event)


def build_ping_event(event_id: str | None = None) -> bytes:
    """The body of a ``pagey.ping`` test delivery."""
    return _compact(
        {
            "event": {
                "id": event_id or _event_id(),
                "event_type": "pagey.ping",
                "resource_type": "pagey",
                "occurred_at": _millis(datetime.now(UTC).isoformat()),
                "agent": None,
                "client": None,
                "data": {"message": "Hello from your friend Pagey!", "type": "ping"},
            }
        }
    )


def signed_headers(
    body: bytes,
    secrets: Sequence[str],
    webhook_id: str | None = None,
    *,
    subscription_id: str = "PXSUIZH",
) -> dict[str, str]:
    """The headers PagerDuty sends with ``body``: one ``v1=`` signature per secret."""
    return {
        "User-Agent": WEBHOOK_USER_AGENT,
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "X-Webhook-Subscription": subscription_id,
        "X-PagerDuty-Signature": ",".join(webhook_signature(body, s) for s in secrets),
    }
