"""A review's follow-up page ``/reviews/{id}/follow-up``: the agenda built from the live status of
every item, and the form that records the meeting's decision per item."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import reviews
from api.identity.guard import authorize_review
from api.identity.roles import Action, refusal
from api.pages import session as auth
from api.pages.common import (
    PageRoute,
    dev_tracker,
    form_session,
    render,
    review_session,
    saved_or_refused,
)
from api.pages.forms import FormErrors, follow_up_errors, follow_up_record
from api.pages.review import SAVED_MESSAGES, saved, ticket_states
from api.views import review_view
from workflows.postmortem import PostmortemWorkflow
from workflows.review import ItemStatus, Phase

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)


async def _follow_up_page(
    request: Request,
    session: auth.WebSession,
    incident_id: str,
    *,
    typed: dict[str, dict[str, str]] | None = None,
    notes: str | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    status = await reviews.fetch_status(request, incident_id)
    access = authorize_review(request, status.state, Action.READ)
    review = review_view(status).model_dump(mode="json")
    root_causes = {rc["id"]: rc["statement"] for rc in review["root_causes"]}
    record = review["follow_up"] or {}
    return render(
        request,
        "follow_up.html",
        {
            "r": review,
            "incident_id": incident_id,
            "root_causes": root_causes,
            "tickets": ticket_states(request, review["action_items"]),
            "typed": typed or {},
            "notes": record.get("notes") or "" if notes is None else notes,
            "errors": errors or FormErrors(),
            "saved": SAVED_MESSAGES.get(request.query_params.get("saved", ""), ""),
            "open_status": ItemStatus.OPEN.value,
            "can_record": review["phase"] in (Phase.TRACKING.value, Phase.FOLLOW_UP.value)
            and Action.RECORD_FOLLOW_UP.value in access.can,
            "record_refusal": refusal(Action.RECORD_FOLLOW_UP, access.role),
            "can_close": dev_tracker(request),
        },
        session=session,
        status_code=status_code,
    )


@router.get("/reviews/{incident_id}/follow-up")
async def follow_up_page(request: Request, incident_id: str) -> Response:
    session = review_session(request, incident_id)
    return await _follow_up_page(request, session, incident_id)


@router.post("/reviews/{incident_id}/follow-up")
async def post_follow_up(request: Request, incident_id: str) -> Response:
    session, form = await form_session(request, incident_id)
    status = await reviews.fetch_status(request, incident_id)
    open_ids = [i.id for i in status.state.action_items if i.status == ItemStatus.OPEN]
    record, order, typed = follow_up_record(form, open_ids)
    update = reviews.update_review(
        request, incident_id, PostmortemWorkflow.record_follow_up, record, Action.RECORD_FOLLOW_UP
    )

    async def again(refused: list[dict[str, Any]]) -> Response:
        errors = FormErrors("follow_up", follow_up_errors(refused, order))
        return await _follow_up_page(
            request,
            session,
            incident_id,
            typed=typed,
            notes=record.notes or "",
            errors=errors,
            status_code=422,
        )

    return await saved_or_refused(update, saved(incident_id, "follow_up", "/follow-up"), again)
