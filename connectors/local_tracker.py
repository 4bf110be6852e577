"""The embedded default tracker: tickets in one JSON file, closed from the web page or the API.

It stands in for Jira when ``FOLLOWTHROUGH_JIRA_*`` is unset. Writes are atomic (temp file +
rename) under an exclusive ``fcntl`` lock, so a worker and an API process can share the file.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from connectors.errors import ConnectorError, ErrorKind, System
from connectors.files import write_atomic
from connectors.tracker import TicketRef, TicketSpec, TicketState

__all__ = ["LocalTicket", "LocalTracker"]


@dataclass
class LocalTicket:
    key: str
    label: str
    summary: str
    description: str
    due: str
    priority: str
    assignee: str
    status: str = "To Do"
    done: bool = False
    comments: list[str] | None = None


def _file_text(data: dict[str, Any]) -> str:
    """The file's JSON, one ticket a line: still readable and diffable by a person, and written by
    the C encoder (``json.dumps`` with ``indent`` runs the pure-Python one: with a few hundred
    tickets it was most of a review's ticket cost, the whole file on every write)."""
    tickets: dict[str, Any] = data.get("tickets", {})
    rest = {k: v for k, v in data.items() if k != "tickets"}
    lines = [f"  {json.dumps(key)}: {json.dumps(raw)}" for key, raw in tickets.items()]
    body = "{\n" + ",\n".join(lines) + "\n}" if lines else "{}"
    head = "".join(f"{json.dumps(k)}: {json.dumps(v)}, " for k, v in rest.items())
    return "{" + head + '"tickets": ' + body + "}\n"


class LocalTracker:
    """Tickets ``LOCAL-1``, ``LOCAL-2``... stored in ``path``; links point at ``base_url``."""

    name = "local"

    def __init__(self, path: Path, base_url: str) -> None:
        self.path = path
        self.base_url = base_url.rstrip("/")

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_suffix(".lock")
        with lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                text = self.path.read_text() if self.path.exists() else '{"tickets": {}}'
                data: dict[str, Any] = json.loads(text)
                # A second parse is what the file held: comparing with it is one C pass, where
                # dumping both sides sorted cost a Python pass per ticket in the file, per call.
                yield data
                if data != json.loads(text):
                    write_atomic(self.path, _file_text(data))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def url(self, key: str) -> str:
        return f"{self.base_url}/tracker/{key}"

    def open_ticket(self, spec: TicketSpec) -> TicketRef:
        with self._locked() as data:
            tickets: dict[str, Any] = data["tickets"]
            for raw in tickets.values():
                if raw["label"] == spec.item_label:
                    return TicketRef(key=raw["key"], url=self.url(raw["key"]), created=False)
            key = f"LOCAL-{len(tickets) + 1}"
            tickets[key] = asdict(
                LocalTicket(
                    key=key,
                    label=spec.item_label,
                    summary=spec.summary,
                    description=spec.description,
                    due=spec.due.isoformat(),
                    priority=spec.priority,
                    assignee=spec.owner_email,
                    comments=[],
                )
            )
            return TicketRef(key=key, url=self.url(key), created=True)

    def ticket_state(self, key: str) -> TicketState:
        with self._locked() as data:
            raw = data["tickets"].get(key)
        if raw is None:
            return TicketState(key=key, done=False, deleted=True, status="deleted")
        return TicketState(
            key=key, done=bool(raw["done"]), status=str(raw["status"]), labels=(raw["label"],)
        )

    def comment(self, key: str, text: str) -> None:
        with self._locked() as data:
            raw = data["tickets"].get(key)
            if raw is None:
                raise ConnectorError(System.TRACKER, ErrorKind.NOT_FOUND, f"no local ticket {key}")
            raw.setdefault("comments", []).append(text)

    def set_done(self, key: str, done: bool) -> TicketState:
        """Close (or reopen) a ticket: the local stand-in for an owner moving it to Done."""
        with self._locked() as data:
            raw = data["tickets"].get(key)
            if raw is None:
                raise ConnectorError(System.TRACKER, ErrorKind.NOT_FOUND, f"no local ticket {key}")
            raw["done"] = done
            raw["status"] = "Done" if done else "To Do"
        return self.ticket_state(key)

    def find_by_label(self, label: str) -> TicketState | None:
        with self._locked() as data:
            for raw in data["tickets"].values():
                if raw["label"] == label:
                    return TicketState(
                        key=raw["key"],
                        done=bool(raw["done"]),
                        status=raw["status"],
                        labels=(label,),
                    )
        return None

    def all_tickets(self) -> list[dict[str, Any]]:
        with self._locked() as data:
            return [dict(v) for v in data["tickets"].values()]
