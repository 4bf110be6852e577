"""The PagerDuty imitation's incidents: a resolved incident with its log entries, notes and
responders, by default resolved shortly before the imitation's clock says it is now."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from tests.fakes.pagerduty.model import FILLER_TYPES, WEB_URL, iso
from tests.fakes.pagerduty.records import PagerDutyRecords, note_texts

__all__ = ["RESOLVED_AGO", "IncidentRecords"]

#: How long before ``clock()`` an incident without ``created_at`` was resolved: well within the
#: webhook's ``webhooks.max_age`` (7 days), so its resolved delivery is never stale.
RESOLVED_AGO = timedelta(minutes=10)


class IncidentRecords(PagerDutyRecords):
    """Adds :meth:`add_incident` to the records."""

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
        ``self.log_entries[id]``, ``self.notes[id]`` and ``self.users``. Entries are ``step``
        apart from ``created_at``; without it the incident was resolved ``RESOLVED_AGO`` before
        ``self.clock()``.
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
        start = created_at or self.clock() - step * (log_entries - 1) - RESOLVED_AGO
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
        texts = iter(note_texts(notes, start))
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
                kind = FILLER_TYPES[filler % len(FILLER_TYPES)]
                person = refs[filler % len(refs)]
                filler += 1
            entry = self._log_entry(kind, at, person, integration, service, incident_ref)
            if kind == "annotate":
                text = next(texts)
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
            "priority": self._priority_ref(priority) if priority else None,
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
