"""PagerDuty webhook V3 deliveries: the compact JSON body PagerDuty posts
(:func:`build_resolved_event`, :func:`build_ping_event`) and the headers it sends with it
(:func:`signed_headers`). The signature is computed independently of
``connectors.pagerduty_webhook``."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from tests.fakes.pagerduty.model import WEB_URL, WEBHOOK_USER_AGENT

__all__ = [
    "build_ping_event",
    "build_resolved_event",
    "incident_webhook_data",
    "signed_headers",
    "webhook_signature",
]


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
