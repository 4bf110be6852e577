"""PagerDuty Webhooks V3: signature check and the event envelope.

A delivery is one POST whose body is ``{"event": {...}}``. ``X-PagerDuty-Signature`` carries
``v1=<hex HMAC-SHA256 of the raw body>``, several of them comma-separated while a subscription
secret is being rotated; the body is valid when any ``v1`` entry matches any configured secret.
Always verify the raw bytes, before parsing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from connectors.webhook_json import load_json

__all__ = [
    "MERGE_RESOLVE_REASON",
    "RESOLVED",
    "SIGNATURE_HEADER",
    "WEBHOOK_ID_HEADER",
    "EventClient",
    "IncidentData",
    "IncidentType",
    "PagerDutyEvent",
    "PriorityRef",
    "Reference",
    "ResolveReason",
    "ServiceRef",
    "WebhookPayloadError",
    "incident_of",
    "is_merge_resolution",
    "parse_event",
    "sign",
    "verify_signature",
]

SIGNATURE_HEADER = "X-PagerDuty-Signature"
WEBHOOK_ID_HEADER = "X-Webhook-Id"
RESOLVED = "incident.resolved"
MERGE_RESOLVE_REASON = "merge_resolve_reason"


class WebhookPayloadError(ValueError):
    """A webhook body that is not a PagerDuty V3 event; the message names the problem."""


# -- signatures -----------------------------------------------------------------------------


def sign(body: bytes, secret: str) -> str:
    """The ``v1=<hex>`` signature PagerDuty sends for ``body`` signed with ``secret``."""
    return "v1=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, header: str | None, secrets: Sequence[str | SecretStr]) -> bool:
    """Whether any ``v1=`` signature in ``header`` matches ``body`` under any of ``secrets``.

    Entries of other versions and entries that are not hex are ignored; spaces around entries are
    trimmed; comparison is constant-time. No header, no secrets, or no ``v1`` entry: False.
    """
    if not header:
        return False
    candidates: list[bytes] = []
    for entry in header.split(","):
        version, sep, value = entry.strip().partition("=")
        if not sep or version.strip().lower() != "v1":
            continue
        try:
            candidates.append(bytes.fromhex(value.strip()))
        except ValueError:
            continue
    if not candidates:
        return False
    matched = False
    for secret in secrets:
        key = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        if not key:
            continue
        expected = hmac.new(key.encode("utf-8"), body, hashlib.sha256).digest()
        for candidate in candidates:
            # no early exit: the time taken does not depend on which entry matched
            matched |= hmac.compare_digest(expected, candidate)
    return matched


# -- models ---------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class Reference(_Model):
    """A PagerDuty resource reference (user, service, team, escalation policy...)."""

    id: str
    type: str | None = None
    summary: str | None = None
    self_url: str | None = Field(default=None, alias="self")
    html_url: str | None = None


class ServiceRef(_Model):
    id: str
    summary: str | None = None
    type: str | None = None
    html_url: str | None = None


class PriorityRef(_Model):
    id: str | None = None
    summary: str | None = None


class ResolveReason(_Model):
    type: str
    incident: Reference | None = None


class IncidentType(_Model):
    name: str | None = None


class EventClient(_Model):
    name: str | None = None


class IncidentData(_Model):
    """``event.data`` of ``type == "incident"`` (webhook shape: ``number``, ``assignees``)."""

    id: str = Field(min_length=1)
    type: str = "incident"
    self_url: str | None = Field(default=None, alias="self")
    html_url: str | None = None
    number: int | None = None
    status: str
    incident_key: str | None = None
    created_at: datetime | None = None
    title: str
    service: ServiceRef | None = None
    assignees: list[Reference] = Field(default_factory=list)
    escalation_policy: Reference | None = None
    teams: list[Reference] = Field(default_factory=list)
    priority: PriorityRef | None = None
    urgency: str | None = None
    resolve_reason: ResolveReason | None = None
    incident_type: IncidentType | None = None


class PagerDutyEvent(_Model):
    """The V3 envelope's ``event``. ``data`` stays raw; see :func:`incident_of`."""

    id: str = Field(min_length=1)
    event_type: str = Field(min_length=1)
    resource_type: str
    occurred_at: datetime
    agent: Reference | None = None
    client: EventClient | None = None
    data: dict[str, Any]

    @property
    def data_type(self) -> str | None:
        value = self.data.get("type")
        return value if isinstance(value, str) else None


# -- parsing --------------------------------------------------------------------------------


def parse_event(body: bytes) -> PagerDutyEvent:
    """The event of a V3 webhook body, or :class:`WebhookPayloadError` naming what is wrong.

    ``data`` of ``type == "incident"`` is validated too, so a resolved event without ``data.id``
    is rejected here rather than later.
    """
    document = load_json(body, WebhookPayloadError)
    if not isinstance(document, dict):
        raise WebhookPayloadError(
            f"body must be a JSON object with an `event` key, not {_json_type(document)}"
        )
    if "event" not in document:
        hint = (
            " (this looks like a V2 webhook; only V3 is supported)"
            if "messages" in document
            else ""
        )
        raise WebhookPayloadError(f"missing `event` object{hint}")
    raw = document["event"]
    if not isinstance(raw, dict):
        raise WebhookPayloadError(f"`event` must be an object, not {_json_type(raw)}")
    try:
        event = PagerDutyEvent.model_validate(raw)
    except ValidationError as exc:
        raise WebhookPayloadError(_describe(exc, "event")) from None
    if event.data_type == "incident":
        _incident(event.data)
    return event


def incident_of(event: PagerDutyEvent) -> IncidentData | None:
    """The incident in ``event.data``; None when the data is not an incident (ping, note...)."""
    if event.data_type != "incident":
        return None
    return _incident(event.data)


def is_merge_resolution(incident: IncidentData) -> bool:
    """Whether the incident was resolved by being merged into another incident."""
    return incident.resolve_reason is not None and (
        incident.resolve_reason.type == MERGE_RESOLVE_REASON
    )


def _incident(data: dict[str, Any]) -> IncidentData:
    try:
        return IncidentData.model_validate(data)
    except ValidationError as exc:
        raise WebhookPayloadError(_describe(exc, "event.data")) from None


def _describe(exc: ValidationError, prefix: str) -> str:
    problems = []
    for error in exc.errors():
        location = ".".join([prefix, *(str(part) for part in error["loc"])])
        message = "missing" if error["type"] == "missing" else error["msg"]
        problems.append(f"`{location}`: {message}")
    return "invalid PagerDuty event: " + "; ".join(problems)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(value), type(value).__name__)
