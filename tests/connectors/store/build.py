"""Small builders of store records for the tests: every field defaulted, any field overridden."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.store.records import ItemRecord, ReviewRecord, RootCauseRecord

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def at(days: float, base: datetime = T0) -> datetime:
    return base + timedelta(days=days)


def item(n: int | str, **fields: Any) -> ItemRecord:
    due_at = fields.pop("due_at", at(30))
    values: dict[str, Any] = {
        "id": str(n),
        "title": f"Item {n}",
        "owner": "owner@example.com",
        "due": due_at.date().isoformat(),
        "due_at": due_at,
        "done_when": "the alert fires in staging",
        "root_cause": "rc1",
    }
    values.update(fields)
    return ItemRecord(**values)


def cause(n: int | str = 1, **fields: Any) -> RootCauseRecord:
    values: dict[str, Any] = {
        "id": f"rc{n}",
        "category": "tooling",
        "statement": f"Cause {n}",
    }
    values.update(fields)
    return RootCauseRecord(**values)


def review(incident_id: str, **fields: Any) -> ReviewRecord:
    resolved = fields.pop("resolved_at", T0)
    phase = fields.pop("phase", "tracking")
    values: dict[str, Any] = {
        "incident_id": incident_id,
        "revision": 1,
        "title": f"Incident {incident_id}",
        "service_id": "PSVC1",
        "service_name": "checkout",
        "team": "payments",
        "phase": phase,
        "facilitator": "facilitator@example.com",
        "resolved_at": resolved,
        "published_at": resolved + timedelta(days=1) if phase != "drafting" else None,
        "symptom": "Checkout answered 503",
        "whys": ["requests queued", "threads blocked", "no limit set"],
        "root_causes": [cause(1)],
        "items": [],
    }
    values.update(fields)
    return ReviewRecord(**values)
