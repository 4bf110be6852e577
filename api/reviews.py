"""The review REST API: every call is a Temporal update or query, so answers reflect accepted state."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as FastApiPath
from pydantic import BaseModel, Field
from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.service import RPCError, RPCStatusCode

from api.errors import (
    ERROR_RESPONSES,
    ApiError,
    from_rpc,
    from_update_failure,
    review_unreadable,
    temporal_unavailable,
)
from api.identity.guard import Access, authorize_review, require_caller
from api.identity.roles import Action
from api.repeats import with_fresh_repeats
from api.views import (
    LinksRevoked,
    LintAnswer,
    ReviewView,
    TicketClosed,
    review_view,
)
from connectors.local_tracker import LocalTracker
from workflows import rules
from workflows.action_item import ActionItemWorkflow
from workflows.audit import AuditTrail
from workflows.codes import Code
from workflows.contracts import (
    ActionItemRevision,
    ActionItemWithdrawal,
    ItemEdit,
    ReviewStatus,
    TicketEvent,
    WentWellRevision,
    Withdrawn,
)
from workflows.ids import item_workflow_id, review_workflow_id
from workflows.postmortem import PostmortemWorkflow
from workflows.review import (
    ActionItem,
    ActionItemDraft,
    Attributed,
    FiveWhys,
    FollowUpRecord,
    Phase,
    PublishRequest,
    ReviewState,
    RevokeLinks,
    SetFacilitator,
    WentWell,
)

__all__ = [
    "CALL_TIMEOUT_SECONDS",
    "NOT_READY_PAUSE_SECONDS",
    "NOT_READY_TRIES",
    "LintRequest",
    "execute_update_when_ready",
    "fetch_status",
    "publish_action",
    "query_status",
    "revise_action",
    "router",
    "update_review",
    "view",
    "withdraw_action",
    "workflow_not_ready",
]

CALL_TIMEOUT_SECONDS = 10.0

router = APIRouter(
    prefix="/api",
    tags=["reviews"],
    dependencies=[Depends(require_caller)],
    responses=ERROR_RESPONSES,
)


def _client(request: Request) -> Client:
    client: Client = request.app.state.client
    return client


def review_handle(request: Request, incident_id: str) -> WorkflowHandle[Any, Any]:
    return _client(request).get_workflow_handle(review_workflow_id(incident_id))


#: Tries of an update the server refused as not ready, and the pause between them.
NOT_READY_TRIES = 5
NOT_READY_PAUSE_SECONDS = 0.2


def workflow_not_ready(exc: RPCError) -> bool:
    """The server refused an update because the workflow's task failed just then
    (``WorkflowNotReadyFailure``), e.g. a signal that raced the task that continues as new (the
    server answers that task with ``UnhandledCommand`` and the worker runs it again at once)."""
    return exc.status == RPCStatusCode.FAILED_PRECONDITION and any(
        d.type_url.endswith("WorkflowNotReadyFailure") for d in exc.grpc_status.details
    )


async def execute_update_when_ready(handle: WorkflowHandle[Any, Any], update: Any, arg: Any) -> Any:
    """``handle.execute_update(update, arg)``, sent again while the server answers that the
    workflow is not ready (at most :data:`NOT_READY_TRIES` times, :data:`NOT_READY_PAUSE_SECONDS`
    apart). Such an update was never admitted, so sending it again cannot apply it twice; any
    other failure, and the last refusal, is raised as it came."""
    for attempt in range(1, NOT_READY_TRIES + 1):
        try:
            return await handle.execute_update(update, arg)
        except RPCError as exc:
            if attempt == NOT_READY_TRIES or not workflow_not_ready(exc):
                raise
        await asyncio.sleep(NOT_READY_PAUSE_SECONDS * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


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


async def query_status(request: Request, incident_id: str) -> ReviewStatus:
    """The review's status, whoever asks (callers authorize with what it says)."""
    handle = review_handle(request, incident_id)
    status: ReviewStatus = await _guard(
        incident_id, handle.query(PostmortemWorkflow.status), handle.id
    )
    return status


async def fetch_status(request: Request, incident_id: str) -> ReviewStatus:
    """The review's status for a caller who may read it (403/401 otherwise), its earlier
    reviews refreshed from the review store (a root cause linked later shows)."""
    status = await query_status(request, incident_id)
    authorize_review(request, status.state, Action.READ)
    return await with_fresh_repeats(request, status)


async def view(request: Request, incident_id: str) -> ReviewView:
    """The review as the API shows it (queried after a change, so it includes the change)."""
    return review_view(await fetch_status(request, incident_id))


@router.get("/reviews/{incident_id}")
async def get_review(request: Request, incident_id: str) -> ReviewView:
    """One review, read from its workflow (the authority)."""
    return await view(request, incident_id)


Decide = Action | Callable[[ReviewState], Action]


async def update_review(
    request: Request, incident_id: str, update: Any, arg: Attributed, action: Decide
) -> Any:
    """Run one update of the review, for a caller whose role allows ``action`` (decided from the
    review's state when it depends on the phase): a refusal answers 403 ``forbidden`` (or 401
    ``link_revoked``) before the workflow is asked, so it changes nothing. The update carries
    the caller as its actor (whatever the body said), which the review's trail records.
    Rejections by the rules become 422 ``ApiError`` with every violation."""
    status = await query_status(request, incident_id)
    wanted = action if isinstance(action, Action) else action(status.state)
    access: Access = authorize_review(request, status.state, wanted)
    handle = review_handle(request, incident_id)
    stamped = arg.model_copy(update={"actor": access.actor})
    return await _guard(incident_id, execute_update_when_ready(handle, update, stamped))


def publish_action(request: PublishRequest) -> Action:
    """Publishing with an override reason is overriding the findings."""
    return Action.OVERRIDE_FINDINGS if (request.blame_override or "").strip() else Action.PUBLISH


def revise_action(state: ReviewState) -> Action:
    """Changing an item while drafting is editing; after publishing it is re-planning."""
    return Action.EDIT_ITEM if state.phase == Phase.DRAFTING else Action.REPLAN_ITEM


def withdraw_action(state: ReviewState) -> Action:
    """Taking an item out while drafting is removing; after publishing it is dropping."""
    return Action.REMOVE_ITEM if state.phase == Phase.DRAFTING else Action.DROP_ITEM


@router.put("/reviews/{incident_id}/five-whys")
async def put_five_whys(request: Request, incident_id: str, body: FiveWhys) -> ReviewView:
    """Replace the symptom, whys and root causes (422 lists every rule violation)."""
    await update_review(
        request, incident_id, PostmortemWorkflow.submit_five_whys, body, Action.EDIT_FIVE_WHYS
    )
    return await view(request, incident_id)


@router.post("/reviews/{incident_id}/action-items", status_code=201)
async def add_action_item(request: Request, incident_id: str, body: ActionItemDraft) -> ActionItem:
    """Add a SMART action item while drafting (422 lists every rule violation)."""
    item: ActionItem = await update_review(
        request, incident_id, PostmortemWorkflow.add_action_item, body, Action.ADD_ITEM
    )
    return item


@router.patch("/reviews/{incident_id}/action-items/{item_id}")
async def patch_action_item(
    request: Request, incident_id: str, item_id: str, body: ItemEdit
) -> ActionItem:
    """Change an item: any field while drafting; after publishing only a re-plan (``due`` with a
    ``reason``). The review decides which, and tells the item's workflow."""
    revision = ActionItemRevision(id=item_id, **body.model_dump(exclude_unset=True))
    item: ActionItem = await update_review(
        request, incident_id, PostmortemWorkflow.revise_action_item, revision, revise_action
    )
    return item


@router.delete("/reviews/{incident_id}/action-items/{item_id}")
async def delete_action_item(
    request: Request,
    incident_id: str,
    item_id: str,
    reason: str | None = Query(default=None, description="Required after publishing (a drop)."),
) -> ReviewView | ActionItem:
    """Remove a draft item (answers the review), or drop a published one with a reason (answers
    the dropped item). The review decides which, and tells the item's workflow."""
    withdrawn: Withdrawn = await update_review(
        request,
        incident_id,
        PostmortemWorkflow.withdraw_action_item,
        ActionItemWithdrawal(id=item_id, reason=reason),
        withdraw_action,
    )
    if withdrawn.removed:
        return await view(request, incident_id)
    return withdrawn.item


@router.post("/reviews/{incident_id}/went-well")
async def add_went_well(request: Request, incident_id: str, body: WentWell) -> ReviewView:
    """Add one "what went well" entry."""
    await update_review(
        request, incident_id, PostmortemWorkflow.add_went_well, body, Action.EDIT_WENT_WELL
    )
    return await view(request, incident_id)


#: A went-well entry's position in the path (from 0; a review has at most 50).
ENTRY = FastApiPath(ge=0, le=10_000, description="Position of the entry, from 0.")


class WentWellText(BaseModel):
    """The new text of a went-well entry."""

    text: str = Field(description="What went well (at most 10,000 characters).")


@router.patch("/reviews/{incident_id}/went-well/{index}")
async def patch_went_well(
    request: Request, incident_id: str, body: WentWellText, index: int = ENTRY
) -> ReviewView:
    """Change one "what went well" entry (``index`` from 0, as the review lists them)."""
    revision = WentWellRevision(index=index, text=body.text)
    await update_review(
        request, incident_id, PostmortemWorkflow.revise_went_well, revision, Action.EDIT_WENT_WELL
    )
    return await view(request, incident_id)


@router.delete("/reviews/{incident_id}/went-well/{index}")
async def delete_went_well(request: Request, incident_id: str, index: int = ENTRY) -> ReviewView:
    """Remove one "what went well" entry: how a review with an entry that should not stand is
    mended."""
    revision = WentWellRevision(index=index)
    await update_review(
        request,
        incident_id,
        PostmortemWorkflow.revise_went_well,
        revision,
        Action.REMOVE_WENT_WELL,
    )
    return await view(request, incident_id)


@router.post("/reviews/{incident_id}/publish")
async def publish(
    request: Request, incident_id: str, body: PublishRequest | None = None
) -> ReviewView:
    """Publish: the items become tickets (422 lists what blocks it)."""
    asked = body or PublishRequest()
    await update_review(
        request, incident_id, PostmortemWorkflow.publish, asked, publish_action(asked)
    )
    return await view(request, incident_id)


@router.post("/reviews/{incident_id}/follow-up")
async def follow_up(request: Request, incident_id: str, body: FollowUpRecord) -> ReviewView:
    """Record the follow-up meeting's outcome per item."""
    await update_review(
        request, incident_id, PostmortemWorkflow.record_follow_up, body, Action.RECORD_FOLLOW_UP
    )
    return await view(request, incident_id)


@router.post("/action-items/{incident_id}/{item_id}/close")
async def close_local_item(request: Request, incident_id: str, item_id: str) -> TicketClosed:
    """Close a local-tracker ticket: the embedded stand-in for an owner closing a Jira ticket.

    Only under `followthrough dev`: elsewhere it answers 404, so an API token cannot close items.
    """
    if not request.app.state.settings.dev_mode:
        raise ApiError(
            404,
            Code.INVALID_REQUEST,
            "Closing tickets through the API exists in dev mode only.",
            hint="Close the ticket in the tracker.",
        )
    tracker: LocalTracker | None = request.app.state.local_tracker
    if tracker is None:
        raise ApiError(
            409,
            Code.INVALID_REQUEST,
            "Tickets live in Jira here; close the ticket there.",
            hint="This endpoint serves the local tracker only.",
        )
    status = await query_status(request, incident_id)
    authorize_review(request, status.state, Action.CLOSE_TICKET)
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
    handle = _client(request).get_workflow_handle(item_workflow_id(incident_id, item_id))
    await _guard(
        incident_id,
        handle.signal(ActionItemWorkflow.ticket_closed, TicketEvent(key=item.ticket.key)),
    )
    return TicketClosed(key=state.key, done=state.done)


class LintRequest(BaseModel):
    text: str = Field(
        description=f"Text to check; with kind=action_item the item's title. At most "
        f"{rules.MAX_TEXT:,} characters (longer answers 422 too_long)."
    )
    responders: list[str] = Field(
        default_factory=list, max_length=200, description="Names to treat as people."
    )
    kind: Literal["text", "action_item", "root_cause"] | None = Field(
        default=None,
        description="`action_item` adds the SMART checks of title and done_when; `root_cause` "
        "adds the root-cause-or-symptom check (with `symptom`). Default: blame only.",
    )
    done_when: str | None = Field(default=None, description="Done-when, with kind=action_item.")
    symptom: str | None = Field(
        default=None, description="The chain's symptom, with kind=root_cause."
    )


@router.get("/reviews/{incident_id}/audit")
async def get_audit(request: Request, incident_id: str) -> AuditTrail:
    """Who changed what on the review, oldest first: the latest 500 changes in full, older ones
    counted in ``older``."""
    return (await fetch_status(request, incident_id)).state.audit


@router.post("/reviews/{incident_id}/links/revoke")
async def revoke_links(request: Request, incident_id: str) -> LinksRevoked:
    """Every link to this review sent until now stops working (401 ``link_revoked``), the
    caller's own included; new emails carry new links. Facilitators and admins."""
    await update_review(
        request, incident_id, PostmortemWorkflow.revoke_links, RevokeLinks(), Action.REVOKE_LINKS
    )
    # The update answers only its revision; the time it recorded is one query away.
    revoked_at = (await query_status(request, incident_id)).state.links_revoked_at
    assert revoked_at is not None
    return LinksRevoked(incident_id=incident_id, links_revoked_at=revoked_at)


@router.put("/reviews/{incident_id}/facilitator")
async def set_facilitator(request: Request, incident_id: str, body: SetFacilitator) -> ReviewView:
    """Name the review's facilitator instead of the policy's team. Admins only."""
    await update_review(
        request, incident_id, PostmortemWorkflow.set_facilitator, body, Action.SET_FACILITATOR
    )
    return await view(request, incident_id)


@router.post("/lint")
async def lint(body: LintRequest) -> LintAnswer:
    """Blameless-language findings; with ``kind=action_item`` the SMART wording checks, with
    ``kind=root_cause`` whether the statement is only a symptom. Pure: nothing is stored."""
    for name, value in (
        ("text", body.text),
        ("done_when", body.done_when),
        ("symptom", body.symptom),
    ):
        message = rules.too_long(name, value)
        if message:
            raise ApiError(
                422, Code.TOO_LONG, message, field=name, hint="Check the text in smaller parts."
            )
    responders = [r[:200] for r in body.responders]
    # In a worker thread: a long text must not hold the event loop (webhooks, other pages).
    findings = await asyncio.to_thread(
        rules.lint, body.text, responders, body.kind, body.done_when, body.symptom
    )
    return LintAnswer(findings=findings)
