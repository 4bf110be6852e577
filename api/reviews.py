"""The review REST API: every call is a Temporal update or query, so answers reflect accepted state."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.service import RPCError

from api.auth import require_token
from api.errors import (
    ApiError,
    from_rpc,
    from_update_failure,
    review_unreadable,
    temporal_unavailable,
)
from api.starter import review_workflow_id
from connectors.local_tracker import LocalTracker
from workflows import rules
from workflows.action_item import ActionItemWorkflow
from workflows.calls import REVIEW_PHASE, SERVICE
from workflows.codes import Code
from workflows.postmortem import PostmortemWorkflow, child_id
from workflows.review import (
    ActionItem,
    ActionItemChange,
    ActionItemDraft,
    DropRequest,
    FiveWhys,
    FollowUpRecord,
    Phase,
    PublishRequest,
    RemoveActionItem,
    ReplanRequest,
    ReviewStatus,
    TicketEvent,
    WentWell,
)

T = TypeVar("T")
CALL_TIMEOUT_SECONDS = 10.0

router = APIRouter(prefix="/api", tags=["reviews"], dependencies=[Depends(require_token)])


def review_view(status: ReviewStatus) -> dict[str, Any]:
    """The JSON shape of one review (documented in README and /openapi.json)."""
    state = status.state
    data = state.model_dump(mode="json")
    five_whys = data.pop("five_whys")
    return {
        "incident": data["incident"],
        "phase": data["phase"],
        "team": data["team"],
        "facilitator": data["facilitator"],
        "doc_url": data["doc_url"],
        "review_url": data["review_url"],
        "five_whys": (
            {"symptom": five_whys["symptom"], "whys": five_whys["whys"]} if five_whys else None
        ),
        "root_causes": five_whys["root_causes"] if five_whys else [],
        "action_items": data["action_items"],
        "went_well": [w["text"] for w in data["went_well"]],
        "findings": [f.model_dump(mode="json") for f in status.findings],
        "publish_blockers": [b.model_dump(mode="json") for b in status.publish_blockers],
        "published_at": data["published_at"],
        "follow_up_at": data["follow_up_at"],
        "follow_up": data["follow_up"],
        "closed_at": data["closed_at"],
        "problems": data["problems"],
        "blame_override": data["blame_override"],
    }


def _client(request: Request) -> Client:
    client: Client = request.app.state.client
    return client


def review_handle(request: Request, incident_id: str) -> WorkflowHandle[Any, Any]:
    return _client(request).get_workflow_handle(review_workflow_id(incident_id))


async def _guard(incident_id: str, call: Any, workflow_id: str | None = None) -> Any:
    """Run one Temporal call, mapping its failures to API errors."""
    try:
        return await asyncio.wait_for(call, CALL_TIMEOUT_SECONDS)
    except WorkflowUpdateFailedError as exc:
        raise from_update_failure(exc) from exc
    except WorkflowQueryFailedError as exc:
        raise review_unreadable(
            workflow_id or review_workflow_id(incident_id), exc.message
        ) from exc
    except RPCError as exc:
        raise from_rpc(exc, incident_id, workflow_id) from exc
    except TimeoutError as exc:
        raise temporal_unavailable() from exc


async def fetch_status(request: Request, incident_id: str) -> ReviewStatus:
    handle = review_handle(request, incident_id)
    status: ReviewStatus = await _guard(
        incident_id, handle.query(PostmortemWorkflow.status), handle.id
    )
    return status


async def view(request: Request, incident_id: str) -> dict[str, Any]:
    return review_view(await fetch_status(request, incident_id))


@router.get("/reviews")
async def list_reviews(
    request: Request,
    phase: Phase | None = Query(default=None, description="Only reviews in this phase."),
    service: str | None = Query(default=None, description="Only reviews of this service."),
    limit: int = Query(default=100, ge=1, le=1000),
) -> dict[str, Any]:
    """Reviews, newest first, from Temporal visibility (no per-review query)."""
    clauses = ["WorkflowType = 'PostmortemWorkflow'"]
    if phase is not None:
        clauses.append(f"{REVIEW_PHASE.name} = '{phase.value}'")
    if service is not None:
        clauses.append(f"{SERVICE.name} = '{service.replace(chr(39), '')}'")
    reviews: list[dict[str, Any]] = []
    try:
        async for info in _client(request).list_workflows(" AND ".join(clauses), limit=limit):
            attrs = info.typed_search_attributes
            reviews.append(
                {
                    "incident_id": info.id.removeprefix("postmortem-"),
                    "workflow_id": info.id,
                    "phase": attrs.get(REVIEW_PHASE),
                    "service": attrs.get(SERVICE) or None,
                    "started_at": info.start_time.isoformat(),
                    "status": info.status.name.lower() if info.status else None,
                }
            )
    except RPCError as exc:
        raise from_rpc(exc) from exc
    reviews.sort(key=lambda r: str(r["started_at"]), reverse=True)
    return {"reviews": reviews}


@router.get("/reviews/{incident_id}")
async def get_review(request: Request, incident_id: str) -> dict[str, Any]:
    return await view(request, incident_id)


async def update_review(request: Request, incident_id: str, update: Any, arg: BaseModel) -> Any:
    """Run one update of the review; rejections become 422 ``ApiError`` with every violation."""
    handle = review_handle(request, incident_id)
    return await _guard(incident_id, handle.execute_update(update, arg))


@router.put("/reviews/{incident_id}/five-whys")
async def put_five_whys(request: Request, incident_id: str, body: FiveWhys) -> dict[str, Any]:
    """Replace the symptom, whys and root causes (422 lists every rule violation)."""
    await update_review(request, incident_id, PostmortemWorkflow.submit_five_whys, body)
    return await view(request, incident_id)


@router.post("/reviews/{incident_id}/action-items", status_code=201)
async def add_action_item(
    request: Request, incident_id: str, body: ActionItemDraft
) -> dict[str, Any]:
    item: ActionItem = await update_review(
        request, incident_id, PostmortemWorkflow.add_action_item, body
    )
    return item.model_dump(mode="json")


class ItemPatch(BaseModel):
    """Fields to change. After publishing only ``due`` with a ``reason`` (a re-plan) is accepted."""

    title: str | None = None
    owner: str | None = None
    due: str | None = None
    done_when: str | None = None
    root_cause: str | None = None
    priority: str | None = None
    reason: str | None = Field(default=None, description="Why the due date moved (after publish).")


@router.patch("/reviews/{incident_id}/action-items/{item_id}")
async def patch_action_item(
    request: Request, incident_id: str, item_id: str, body: ItemPatch
) -> dict[str, Any]:
    status = await fetch_status(request, incident_id)
    if status.state.phase == Phase.DRAFTING:
        change = ActionItemChange.model_validate(
            {"id": item_id, **body.model_dump(exclude={"reason"}, exclude_none=True)}
        )
        item: ActionItem = await update_review(
            request, incident_id, PostmortemWorkflow.change_action_item, change
        )
        return item.model_dump(mode="json")
    if not body.due or not body.reason:
        raise ApiError(
            422,
            Code.WRONG_PHASE,
            "After publishing an item can only be re-planned.",
            field="due",
            hint='Send {"due": ..., "reason": ...}.',
        )
    handle = _client(request).get_workflow_handle(child_id(incident_id, item_id))
    item = await _guard(
        incident_id,
        handle.execute_update(
            ActionItemWorkflow.replan, ReplanRequest(due=body.due, reason=body.reason)
        ),
    )
    return item.model_dump(mode="json")


@router.delete("/reviews/{incident_id}/action-items/{item_id}")
async def delete_action_item(
    request: Request,
    incident_id: str,
    item_id: str,
    reason: str | None = Query(default=None, description="Required after publishing (a drop)."),
) -> dict[str, Any]:
    status = await fetch_status(request, incident_id)
    if status.state.phase == Phase.DRAFTING:
        await update_review(
            request,
            incident_id,
            PostmortemWorkflow.remove_action_item,
            RemoveActionItem(id=item_id),
        )
        return await view(request, incident_id)
    if not reason:
        raise ApiError(
            422,
            Code.WRONG_PHASE,
            "After publishing an item is dropped, with a reason.",
            field="reason",
            hint="Send DELETE ...?reason=why",
        )
    handle = _client(request).get_workflow_handle(child_id(incident_id, item_id))
    item: ActionItem = await _guard(
        incident_id, handle.execute_update(ActionItemWorkflow.drop, DropRequest(reason=reason))
    )
    return item.model_dump(mode="json")


@router.post("/reviews/{incident_id}/went-well")
async def add_went_well(request: Request, incident_id: str, body: WentWell) -> dict[str, Any]:
    await update_review(request, incident_id, PostmortemWorkflow.add_went_well, body)
    return await view(request, incident_id)


@router.post("/reviews/{incident_id}/publish")
async def publish(
    request: Request, incident_id: str, body: PublishRequest | None = None
) -> dict[str, Any]:
    await update_review(request, incident_id, PostmortemWorkflow.publish, body or PublishRequest())
    return await view(request, incident_id)


@router.post("/reviews/{incident_id}/follow-up")
async def follow_up(request: Request, incident_id: str, body: FollowUpRecord) -> dict[str, Any]:
    await update_review(request, incident_id, PostmortemWorkflow.record_follow_up, body)
    return await view(request, incident_id)


@router.post("/action-items/{incident_id}/{item_id}/close")
async def close_local_item(request: Request, incident_id: str, item_id: str) -> JSONResponse:
    """Close a local-tracker ticket: the embedded stand-in for an owner closing a Jira ticket."""
    tracker: LocalTracker | None = request.app.state.local_tracker
    if tracker is None:
        raise ApiError(
            409,
            Code.INVALID_REQUEST,
            "Tickets live in Jira here; close the ticket there.",
            hint="This endpoint serves the local tracker only.",
        )
    status = await fetch_status(request, incident_id)
    item = status.state.item(item_id)
    if item is None or item.ticket is None:
        raise ApiError(
            404,
            Code.ACTION_ITEM_UNKNOWN,
            f"Action item {item_id!r} has no ticket (yet).",
            field="item_id",
            hint="Publish the review first; tickets open within seconds.",
        )
    state = tracker.set_done(item.ticket.key, True)
    handle = _client(request).get_workflow_handle(child_id(incident_id, item_id))
    await _guard(
        incident_id,
        handle.signal(ActionItemWorkflow.ticket_closed, TicketEvent(key=item.ticket.key)),
    )
    return JSONResponse({"key": state.key, "done": state.done})


class LintRequest(BaseModel):
    text: str = Field(description="Text to check.")
    responders: list[str] = Field(default_factory=list, description="Names to treat as people.")
    kind: str | None = Field(default=None, description="`action_item` adds the SMART checks.")
    done_when: str | None = Field(default=None, description="Done-when, with kind=action_item.")


@router.post("/lint")
async def lint(body: LintRequest) -> dict[str, Any]:
    """Blameless-language findings, and with ``kind=action_item`` the SMART wording checks."""
    findings = rules.lint_text(body.text, body.responders)
    if body.kind == "action_item":
        findings += rules.lint_action_wording(body.text, body.done_when)
    findings.sort(key=lambda f: f.start)
    return {"findings": [f.model_dump(mode="json") for f in findings]}
