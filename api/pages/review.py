"""A review's page ``/reviews/{id}`` (five whys, action items, what went well, publish), the forms
it posts, and its document ``/reviews/{id}/document``. Every form works without JavaScript."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api import reviews
from api.identity.guard import authorize_review
from api.identity.roles import DESCRIPTIONS, Action, refusal
from api.pages import session as auth
from api.pages.common import (
    PageRoute,
    Refused,
    dev_tracker,
    form_session,
    redirect,
    render,
    review_path,
    review_session,
    saved_or_refused,
)
from api.pages.forms import (
    FiveWhysForm,
    FormErrors,
    item_draft,
    item_findings,
    item_form,
    prefixed,
    remap_indices,
)
from api.views import review_view
from connectors.documents import MarkdownDocuments
from connectors.errors import ConnectorError
from connectors.local_tracker import LocalTracker
from followthrough.settings import Settings
from workflows.contracts import ActionItemWithdrawal
from workflows.postmortem import PostmortemWorkflow
from workflows.review import Phase, PublishRequest, SetFacilitator, WentWell

__all__ = [
    "SAVED_MESSAGES",
    "SAVED_SECTIONS",
    "router",
    "saved",
    "show_review",
    "ticket_states",
]

#: Where each confirmation is shown: the section the redirect scrolls to.
SAVED_SECTIONS = {
    "five_whys": "five-whys",
    "item": "action-items",
    "removed": "action-items",
    "went_well": "went-well",
    "went_well_changed": "went-well",
    "went_well_removed": "went-well",
    "published": "top",
    "closed": "action-items",
    "follow_up": "agenda",
    "links": "links",
    "facilitator": "facilitator",
}
SAVED_MESSAGES = {
    "five_whys": "The five whys are saved.",
    "item": "Action item added.",
    "removed": "Action item removed.",
    "went_well": "Added to what went well.",
    "went_well_changed": "The entry is changed.",
    "went_well_removed": "The entry is removed from what went well.",
    "published": "Published. Each action item becomes a ticket within seconds; reminders and the "
    "follow-up meeting are scheduled.",
    "closed": "Ticket closed. The item's workflow has been told.",
    "follow_up": "Follow-up recorded.",
    "links": "Every link sent until now is revoked. People who still need the review sign in, "
    "or get a new link with the next email.",
    "facilitator": "The facilitator is changed.",
}

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def saved(incident_id: str, what: str, suffix: str = "") -> Response:
    """Back to the page after an accepted form, scrolled to the confirmation."""
    section = SAVED_SECTIONS.get(what, "top")
    return redirect(review_path(incident_id, suffix) + f"?saved={what}#{section}")


def ticket_states(request: Request, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Live ticket status from the local tracker (Jira items show their last reported state)."""
    tracker: LocalTracker | None = request.app.state.local_tracker
    out: dict[str, dict[str, Any]] = {}
    if tracker is None:
        return out
    for item in items:
        ticket = item.get("ticket")
        if not ticket:
            continue
        try:
            state = tracker.ticket_state(ticket["key"])
        except (OSError, ValueError, ConnectorError):
            continue
        out[item["id"]] = {"status": state.status, "done": state.done, "deleted": state.deleted}
    return out


def _findings_by_field(findings: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        out.setdefault(str(finding.get("field") or ""), []).append(finding)
    return out


async def _suggestions(request: Request, incident_id: str) -> list[dict[str, Any]]:
    """Earlier root causes of this service, offered as "the same cause" while drafting; the
    page works without them when the store cannot answer."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        return []
    try:
        record = await run_in_threadpool(store.get, incident_id)
        if record is None:
            return []
        found = await run_in_threadpool(
            lambda: store.suggestions(
                incident_id=incident_id,
                service_id=record.service_id,
                service_name=record.service_name,
            )
        )
    except ConnectorError:
        return []
    return [s.model_dump(mode="json") for s in found]


async def show_review(
    request: Request,
    session: auth.WebSession,
    incident_id: str,
    *,
    five: FiveWhysForm | None = None,  # rows as typed (already padded); None: from the review
    new_item: dict[str, str] | None = None,
    new_went_well: str = "",
    editing: tuple[int, str] | None = None,  # a went-well entry's position and its text as typed
    blame_override: str | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    """The review's page; a refused form is shown again with what was typed and its errors."""
    status = await reviews.fetch_status(request, incident_id)
    access = authorize_review(request, status.state, Action.READ)
    review = review_view(status).model_dump(mode="json")
    responders = [p["name"] for p in review["incident"]["responders"]]
    findings = _findings_by_field(review["findings"])
    drafting = review["phase"] == Phase.DRAFTING.value
    if five is not None:
        findings = {k: v for k, v in findings.items() if not k.startswith("five_whys.")}
        findings.update(await asyncio.to_thread(five.findings, responders))
    else:
        five = FiveWhysForm.from_review(review)
        five = five.padded() if drafting else five
    item_values = new_item or {"priority": "medium"}
    if new_item is not None:
        findings.update(await asyncio.to_thread(item_findings, new_item, responders, "new_item."))
    shown = request.query_params.get("saved", "")
    suggestions = await _suggestions(request, incident_id) if drafting else []
    return render(
        request,
        "review.html",
        {
            "r": review,
            "incident_id": incident_id,
            "five": five,
            "new_item": item_values,
            "new_went_well": new_went_well,
            "editing": editing,
            "blame_override": review["blame_override"]
            if blame_override is None
            else blame_override,
            "errors": errors or FormErrors(),
            "findings": findings,
            "responders": responders,
            "tickets": ticket_states(request, review["action_items"]),
            "saved": SAVED_MESSAGES.get(shown, ""),
            "saved_section": SAVED_SECTIONS.get(shown, "top"),
            "drafting": drafting,
            "suggestions": suggestions,
            "suggestion_values": [f"{x['incident_id']}/{x['root_cause_id']}" for x in suggestions],
            "can_close": dev_tracker(request),
            "full_session": session.full,
            "role": access.role.value,
            "can": access.can,
            "refusals": {a.value: refusal(a, access.role) for a in DESCRIPTIONS},
            "audit": status.state.audit.model_dump(mode="json"),
            "links_revoked_at": status.state.links_revoked_at,
        },
        session=session,
        status_code=status_code,
    )


@router.get("/reviews/{incident_id}")
async def review_page(request: Request, incident_id: str) -> Response:
    session = review_session(request, incident_id)
    return await show_review(request, session, incident_id)


@router.post("/reviews/{incident_id}/five-whys")
async def post_five_whys(request: Request, incident_id: str) -> Response:
    session, form = await form_session(request, incident_id)
    typed = FiveWhysForm.from_form(form)
    action = str(form.get("action", "save"))
    if action in ("add_why", "add_root_cause"):
        rows = typed.padded(
            extra_why=1 if action == "add_why" else 0,
            extra_root_cause=1 if action == "add_root_cause" else 0,
        )
        return await show_review(request, session, incident_id, five=rows)
    model, local, why_rows, cause_rows = typed.to_model()

    async def again(found: list[dict[str, Any]]) -> Response:
        return await show_review(
            request,
            session,
            incident_id,
            five=typed.padded(),
            errors=FormErrors("five_whys", found),
            status_code=422,
        )

    if model is None:
        return await again(list(local))
    update = reviews.update_review(
        request, incident_id, PostmortemWorkflow.submit_five_whys, model, Action.EDIT_FIVE_WHYS
    )
    return await saved_or_refused(
        update,
        saved(incident_id, "five_whys"),
        lambda refused: again(
            remap_indices(remap_indices(refused, "whys", why_rows), "root_causes", cause_rows)
        ),
    )


def _shown_again(
    request: Request, session: auth.WebSession, incident_id: str, form_name: str, **typed: Any
) -> Callable[[list[dict[str, Any]]], Awaitable[Response]]:
    """The review page again, with the refused form's violations (``form_name`` the prefix of
    their fields) and what was typed (``typed``: :func:`show_review`'s keywords)."""

    async def again(refused: list[dict[str, Any]]) -> Response:
        errors = FormErrors(form_name, prefixed(refused, f"{form_name}."))
        return await show_review(
            request, session, incident_id, errors=errors, status_code=422, **typed
        )

    return again


@router.post("/reviews/{incident_id}/action-items")
async def post_action_item(request: Request, incident_id: str) -> Response:
    session, form = await form_session(request, incident_id)
    values = item_form(form)
    draft, local = item_draft(values)
    again = _shown_again(request, session, incident_id, "new_item", new_item=values)
    if draft is None:
        return await again(list(local))
    return await saved_or_refused(
        reviews.add_action_item(request, incident_id, draft), saved(incident_id, "item"), again
    )


@router.post("/reviews/{incident_id}/action-items/{item_id}/remove")
async def post_remove_item(request: Request, incident_id: str, item_id: str) -> Response:
    session, _ = await form_session(request, incident_id)
    update = reviews.update_review(
        request,
        incident_id,
        PostmortemWorkflow.withdraw_action_item,
        ActionItemWithdrawal(id=item_id),
        reviews.withdraw_action,
    )

    async def again(refused: list[dict[str, Any]]) -> Response:
        errors = FormErrors("items", prefixed(refused, f"action_items.{item_id}."))
        return await show_review(request, session, incident_id, errors=errors, status_code=422)

    return await saved_or_refused(update, saved(incident_id, "removed"), again)


@router.post("/reviews/{incident_id}/went-well")
async def post_went_well(request: Request, incident_id: str) -> Response:
    session, form = await form_session(request, incident_id)
    text = str(form.get("text", ""))
    update = reviews.update_review(
        request,
        incident_id,
        PostmortemWorkflow.add_went_well,
        WentWell(text=text),
        Action.EDIT_WENT_WELL,
    )
    again = _shown_again(request, session, incident_id, "new_went_well", new_went_well=text)
    return await saved_or_refused(update, saved(incident_id, "went_well"), again)


@router.post("/reviews/{incident_id}/publish")
async def post_publish(request: Request, incident_id: str) -> Response:
    session, form = await form_session(request, incident_id)
    override = str(form.get("blame_override", "")).strip()
    asked = PublishRequest(blame_override=override or None)
    update = reviews.update_review(
        request, incident_id, PostmortemWorkflow.publish, asked, reviews.publish_action(asked)
    )

    async def again(refused: list[dict[str, Any]]) -> Response:
        errors = FormErrors("publish", refused)
        return await show_review(
            request, session, incident_id, blame_override=override, errors=errors, status_code=422
        )

    return await saved_or_refused(update, saved(incident_id, "published"), again)


@router.post("/reviews/{incident_id}/links/revoke")
async def post_revoke_links(request: Request, incident_id: str) -> Response:
    """The facilitator's button: every link sent until now stops working."""
    await form_session(request, incident_id)
    await reviews.revoke_links(request, incident_id)
    return saved(incident_id, "links")


@router.post("/reviews/{incident_id}/facilitator")
async def post_facilitator(request: Request, incident_id: str) -> Response:
    """An admin names the review's facilitator."""
    session, form = await form_session(request, incident_id)
    try:
        chosen = SetFacilitator(facilitator=str(form.get("facilitator", "")).strip())
    except ValidationError:
        raise Refused(
            422, "Not saved", "The facilitator must be one email address.", incident_id=incident_id
        ) from None

    async def again(refused: list[dict[str, Any]]) -> Response:
        errors = FormErrors("facilitator", refused)
        return await show_review(request, session, incident_id, errors=errors, status_code=422)

    return await saved_or_refused(
        reviews.set_facilitator(request, incident_id, chosen),
        saved(incident_id, "facilitator"),
        again,
    )


@router.get("/reviews/{incident_id}/document")
async def document_page(request: Request, incident_id: str) -> Response:
    session = review_session(request, incident_id)
    status = await reviews.fetch_status(request, incident_id)
    state = status.state
    if state.doc_external and state.doc_url and state.doc_url.startswith(("https://", "http://")):
        # The document lives where the organisation reads it (a Confluence page): go there.
        return RedirectResponse(state.doc_url, status_code=303)
    settings: Settings = request.app.state.settings
    text = MarkdownDocuments(settings.documents_dir, settings.base_url).read(incident_id)
    return render(
        request,
        "document.html",
        {
            "r": review_view(status).model_dump(mode="json"),
            "incident_id": incident_id,
            "text": text,
        },
        session=session,
    )
