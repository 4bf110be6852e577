"""Where incident details come from: PagerDuty's REST API, or the webhook data alone."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, Field

__all__ = ["IncidentRecord", "IncidentSource", "ResponderRecord", "TimelineRecord", "WebhookOnly"]


class ResponderRecord(BaseModel):
    name: str = Field(description="Display name.")
    email: str | None = Field(default=None, description="Email, when PagerDuty returned it.")
    id: str | None = Field(default=None, description="PagerDuty user id.")


class TimelineRecord(BaseModel):
    at: datetime = Field(description="created_at of the log entry or note.")
    kind: str = Field(description="Log entry type without the _log_entry suffix; note for notes.")
    summary: str = Field(description="Summary or note text.")
    actor: str | None = Field(default=None, description="Agent summary.")


class IncidentRecord(BaseModel):
    """An incident as PagerDuty's REST API describes it (already unwrapped and normalised)."""

    id: str
    number: int | None = None
    title: str
    service_id: str | None = None
    service_name: str | None = None
    priority: str | None = None
    urgency: str | None = None
    created_at: datetime | None = None
    resolved_at: datetime | None = Field(default=None, description="From the resolve log entry.")
    url: str | None = None
    responders: list[ResponderRecord] = Field(default_factory=list)
    timeline: list[TimelineRecord] = Field(default_factory=list, description="Oldest first.")


class IncidentSource(Protocol):
    name: str

    def fetch(self, incident_id: str) -> IncidentRecord | None:
        """Details of one incident, or None when this source has nothing beyond the webhook."""
        ...


class WebhookOnly:
    """No PagerDuty token: the webhook's data is all we know."""

    name = "webhook"

    def fetch(self, incident_id: str) -> IncidentRecord | None:  # noqa: ARG002 (the protocol's)
        return None
