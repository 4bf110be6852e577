"""What went well, mended on the review's page: an entry rewritten or removed (the forms of
``PATCH`` / ``DELETE /api/reviews/{id}/went-well/{n}``, through the same review update and the same
role check: rewriting needs a contributor, removing the facilitator)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import reviews
from api.identity.roles import Action
from api.pages.common import PageRoute, Refused, form_session, saved_or_refused
from api.pages.forms import FormErrors, prefixed
from api.pages.review import saved, show_review
from workflows.contracts import WentWellRevision
from workflows.limits import WENT_WELL
from workflows.postmortem import PostmortemWorkflow

__all__ = ["position", "router"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def position(incident_id: str, index: str) -> int:
    """The entry's position in the path (from 0), or 404: no review holds more than
    :data:`~workflows.limits.WENT_WELL` entries."""
    if not index.isdigit() or int(index) >= WENT_WELL:
        raise Refused(
            404,
            "Not found",
            "What went well has no such entry.",
            hint="Open the review again: the entries are numbered from the top.",
            incident_id=incident_id,
        )
    return int(index)


@router.post("/reviews/{incident_id}/went-well/{index}/edit")
async def post_edit_went_well(request: Request, incident_id: str, index: str) -> Response:
    """Rewrite one entry (a typo, blaming words, a paste gone wrong)."""
    session, form = await form_session(request, incident_id)
    at = position(incident_id, index)
    text = str(form.get("text", ""))
    update = reviews.update_review(
        request,
        incident_id,
        PostmortemWorkflow.revise_went_well,
        WentWellRevision(index=at, text=text),
        Action.EDIT_WENT_WELL,
    )

    async def again(refused: list[dict[str, Any]]) -> Response:
        errors = FormErrors(f"went_well.{at}", prefixed(refused, f"went_well.{at}."))
        return await show_review(
            request, session, incident_id, editing=(at, text), errors=errors, status_code=422
        )

    return await saved_or_refused(update, saved(incident_id, "went_well_changed"), again)


@router.post("/reviews/{incident_id}/went-well/{index}/remove")
async def post_remove_went_well(request: Request, incident_id: str, index: str) -> Response:
    """Remove one entry: the way to mend a review with an entry that should not stand."""
    session, _ = await form_session(request, incident_id)
    at = position(incident_id, index)
    update = reviews.update_review(
        request,
        incident_id,
        PostmortemWorkflow.revise_went_well,
        WentWellRevision(index=at),
        Action.REMOVE_WENT_WELL,
    )

    async def again(refused: list[dict[str, Any]]) -> Response:
        errors = FormErrors(f"went_well.{at}", prefixed(refused, f"went_well.{at}."))
        return await show_review(request, session, incident_id, errors=errors, status_code=422)

    return await saved_or_refused(update, saved(incident_id, "went_well_removed"), again)
