"""Webhooks in: PagerDuty starts reviews, Jira moves action items.

Answers are chosen so nothing is lost: 2xx only once Temporal accepted the change (or there is
nothing to do), 401 for a bad signature, 400 for a body we cannot read, 413 for a body over 256 KB,
503 when Temporal is unreachable so the sender retries.
"""

from __future__ import annotations

import asyncio

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from temporalio.service import RPCError, RPCStatusCode

from api.errors import ERROR_RESPONSES, ApiError, temporal_unavailable
from api.metrics import WEBHOOKS
from api.starter import start_review
from api.views import WebhookAnswer
from connectors import jira_webhook, pagerduty_webhook
from connectors.tracker import parse_item_label
from workflows.action_item import ActionItemWorkflow
from workflows.codes import Code
from workflows.contracts import TicketEvent
from workflows.ids import item_workflow_id
from workflows.review import Incident, Person, needs_review

__all__ = ["MAX_BODY", "SIGNAL_TIMEOUT_SECONDS", "incident_from_event", "read_body", "router"]

MAX_BODY = 256 * 1024
SIGNAL_TIMEOUT_SECONDS = 3.0

router = APIRouter(prefix="/webhooks", tags=["webhooks"], responses=ERROR_RESPONSES)
log = structlog.get_logger("followthrough.webhooks")


async def read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise ApiError(413, Code.PAYLOAD_TOO_LARGE, "Body over 256 KB.", hint="Send less.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise ApiError(413, Code.PAYLOAD_TOO_LARGE, "Body over 256 KB.", hint="Send less.")
    return bytes(body)


def _bad_signature(source: str, header: str) -> ApiError:
    return ApiError(
        401,
        Code.SIGNATURE_INVALID,
        f"The {header} signature does not match any configured {source} secret.",
        field=header,
        hint=f"Check the {source} webhook secret configured in Followthrough.",
    )


def _answer(status_code: int, outcome: str, **extra: str | bool | None) -> JSONResponse:
    answer = WebhookAnswer.model_validate({**extra, "status": outcome})
    return JSONResponse(answer.model_dump(exclude_none=True), status_code=status_code)


def incident_from_event(event: pagerduty_webhook.PagerDutyEvent) -> Incident:
    """The review's starting facts from a V3 incident event."""
    data = pagerduty_webhook.incident_of(event)
    assert data is not None
    service = data.service
    priority = data.priority
    return Incident(
        id=data.id,
        number=data.number,
        title=data.title or f"Incident {data.id}",
        service_id=service.id if service else None,
        service_name=service.summary if service else None,
        priority=priority.summary if priority else None,
        urgency=data.urgency,
        created_at=data.created_at,
        resolved_at=event.occurred_at,
        url=data.html_url,
        responders=[Person(name=a.summary or a.id, id=a.id) for a in data.assignees],
    )


@router.post("/pagerduty", status_code=202, response_model=WebhookAnswer)
async def pagerduty(request: Request) -> JSONResponse:
    """Start a review for an ``incident.resolved`` event (V3 webhooks)."""
    settings = request.app.state.settings
    body = await read_body(request)
    secrets = [s.get_secret_value() for s in settings.pagerduty_webhook_secrets]
    if not secrets:
        log.warning("pagerduty webhook refused: FOLLOWTHROUGH_PAGERDUTY_WEBHOOK_SECRETS is unset")
        WEBHOOKS.labels("pagerduty", "unauthorized").inc()
        raise ApiError(
            401,
            Code.SIGNATURE_INVALID,
            "No PagerDuty webhook secret is configured, so no delivery can be verified.",
            hint="Set FOLLOWTHROUGH_PAGERDUTY_WEBHOOK_SECRETS.",
        )
    signature = request.headers.get(pagerduty_webhook.SIGNATURE_HEADER)
    if not pagerduty_webhook.verify_signature(body, signature, secrets):
        WEBHOOKS.labels("pagerduty", "unauthorized").inc()
        log.info("pagerduty webhook refused: bad signature")
        raise _bad_signature("PagerDuty", pagerduty_webhook.SIGNATURE_HEADER)
    try:
        event = pagerduty_webhook.parse_event(body)
    except pagerduty_webhook.WebhookPayloadError as exc:
        WEBHOOKS.labels("pagerduty", "malformed").inc()
        raise ApiError(400, Code.INVALID_REQUEST, str(exc), field="body") from exc
    webhook_id = request.headers.get(pagerduty_webhook.WEBHOOK_ID_HEADER)
    logger = log.bind(event_type=event.event_type, webhook_id=webhook_id)
    if event.event_type != pagerduty_webhook.RESOLVED:
        WEBHOOKS.labels("pagerduty", "ignored").inc()
        logger.info("pagerduty event ignored", reason=f"not {pagerduty_webhook.RESOLVED}")
        return _answer(200, "ignored", reason=f"event type {event.event_type} starts nothing")
    data = pagerduty_webhook.incident_of(event)
    if data is None:
        WEBHOOKS.labels("pagerduty", "malformed").inc()
        raise ApiError(
            400, Code.INVALID_REQUEST, f"{pagerduty_webhook.RESOLVED} without incident data."
        )
    if pagerduty_webhook.is_merge_resolution(data):
        WEBHOOKS.labels("pagerduty", "ignored").inc()
        logger.info("pagerduty event ignored", reason="merge resolution", incident_id=data.id)
        return _answer(200, "ignored", reason="resolved by merging into another incident")
    incident = incident_from_event(event)
    wanted, why = needs_review(incident, request.app.state.policy)
    if not wanted:
        WEBHOOKS.labels("pagerduty", "skipped").inc()
        logger.info("pagerduty incident skipped by policy", incident_id=incident.id, reason=why)
        return _answer(200, "skipped", reason=why, incident_id=incident.id)
    try:
        result = await start_review(
            request.app.state.client, settings, request.app.state.policy, incident
        )
    except (TimeoutError, RPCError) as exc:
        WEBHOOKS.labels("pagerduty", "unavailable").inc()
        logger.warning("review start failed", incident_id=incident.id, error=type(exc).__name__)
        raise temporal_unavailable() from exc
    WEBHOOKS.labels("pagerduty", str(result["status"])).inc()
    logger.info("review start", incident_id=incident.id, outcome=result["status"])
    outcome = str(result.pop("status"))
    return _answer(202 if result["started"] else 200, outcome, **result)


@router.post("/jira", response_model=WebhookAnswer)
async def jira(request: Request) -> JSONResponse:
    """Owners closing, reopening or deleting tickets move their action items."""
    settings = request.app.state.settings
    body = await read_body(request)
    secret = settings.jira_webhook_secret.get_secret_value() if settings.jira_webhook_secret else ""
    if not secret or not jira_webhook.verify_signature(
        body, request.headers.get(jira_webhook.SIGNATURE_HEADER), secret
    ):
        WEBHOOKS.labels("jira", "unauthorized").inc()
        raise _bad_signature("Jira", jira_webhook.SIGNATURE_HEADER)
    try:
        event = jira_webhook.parse_event(body)
    except jira_webhook.WebhookPayloadError as exc:
        WEBHOOKS.labels("jira", "malformed").inc()
        raise ApiError(400, Code.INVALID_REQUEST, str(exc), field="body") from exc
    change = jira_webhook.classify(event)
    if change is None:
        WEBHOOKS.labels("jira", "ignored").inc()
        return _answer(200, "ignored", reason="not a status change or deletion")
    found = parse_item_label(list(change.labels))
    if found is None:
        WEBHOOKS.labels("jira", "ignored").inc()
        return _answer(200, "ignored", reason=f"{change.key} was not opened by Followthrough")
    incident_id, item_id = found
    delivery = request.headers.get(jira_webhook.IDENTIFIER_HEADER)
    signal = {
        "closed": ActionItemWorkflow.ticket_closed,
        "reopened": ActionItemWorkflow.ticket_reopened,
        "deleted": ActionItemWorkflow.ticket_deleted,
    }[change.kind]
    # Dedupe key: Jira's changelog id, else the delivery id (the same across Jira's retries).
    source_id = change.event_id or delivery
    ticket_event = TicketEvent(
        key=change.key,
        at=change.at,
        event_id=f"{change.kind}:{source_id}" if source_id else None,
    )
    handle = request.app.state.client.get_workflow_handle(item_workflow_id(incident_id, item_id))
    try:
        await asyncio.wait_for(handle.signal(signal, ticket_event), SIGNAL_TIMEOUT_SECONDS)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            WEBHOOKS.labels("jira", "ignored").inc()
            return _answer(200, "ignored", reason="the action item is no longer tracked")
        WEBHOOKS.labels("jira", "unavailable").inc()
        raise temporal_unavailable() from exc
    except TimeoutError as exc:
        WEBHOOKS.labels("jira", "unavailable").inc()
        raise temporal_unavailable() from exc
    WEBHOOKS.labels("jira", change.kind).inc()
    log.info("ticket change", key=change.key, kind=change.kind, incident_id=incident_id)
    return _answer(200, change.kind, action_item=item_id, incident_id=incident_id)
