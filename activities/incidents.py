"""fetch_incident: enrich the webhook's incident with PagerDuty's log entries, notes and people."""

from __future__ import annotations

from temporalio import activity

from activities.errors import to_application_error
from connectors.errors import ConnectorError
from connectors.incidents import IncidentSource
from workflows.review import Incident, Person, TimelineEntry
from workflows.steps import FetchIncident

__all__ = ["IncidentActivities"]


class IncidentActivities:
    def __init__(self, source: IncidentSource) -> None:
        self.source = source

    @activity.defn
    def fetch_incident(self, request: FetchIncident) -> Incident:
        """The incident with as much detail as the configured source has (webhook data otherwise)."""
        known = request.incident
        try:
            record = self.source.fetch(known.id)
        except ConnectorError as exc:
            raise to_application_error(exc) from exc
        if record is None:
            return known
        return known.model_copy(
            update={
                "number": record.number or known.number,
                "title": record.title or known.title,
                "service_id": record.service_id or known.service_id,
                "service_name": record.service_name or known.service_name,
                "priority": record.priority or known.priority,
                "urgency": record.urgency or known.urgency,
                "created_at": record.created_at or known.created_at,
                "resolved_at": record.resolved_at or known.resolved_at,
                "url": record.url or known.url,
                "responders": [Person(**r.model_dump()) for r in record.responders]
                or known.responders,
                "timeline": [TimelineEntry(**t.model_dump()) for t in record.timeline],
                "details_source": "pagerduty",
            }
        )
