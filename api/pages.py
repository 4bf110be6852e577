"""The review web pages: server-rendered HTML forms over the same Temporal updates as the REST API.

Pages: the dashboard ``/``, a review ``/reviews/{id}`` (five whys, action items, what went well,
publish), its follow-up ``/reviews/{id}/follow-up`` and document ``/reviews/{id}/document``, the
local tracker's tickets ``/tracker/{key}``, and in dev mode the mail outbox ``/outbox``. Every form
works without JavaScript; ``/static/app.js`` only adds live blameless-language hints, extra rows
and auto-growing text areas.

Access (see :mod:`api.pages_auth`): sign in at ``/login`` with the API token, or open a signed
review link from an email, which grants that review only. Every form carries a CSRF token.
"""

from __future__ import annotations

import email.policy
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from api import pages_auth as auth
from api import pages_dashboard as dash
from api import reviews
from api.errors import ApiError
from api.pages_forms import (
    FiveWhysForm,
    FormErrors,
    anchor,
    excerpt,
    field_anchor,
    follow_up_errors,
    follow_up_record,
    highlight,
    item_draft,
    item_findings,
    item_form,
    prefixed,
    remap_indices,
)
from connectors.documents import MarkdownDocuments
from connectors.errors import ConnectorError
from connectors.links import verify_review_token
from connectors.local_tracker import LocalTracker
from connectors.settings import Settings
from connectors.tracker import parse_item_label
from workflows.postmortem import PostmortemWorkflow
from workflows.review import (
    ItemStatus,
    Phase,
    PublishRequest,
    RootCauseCategory,
    WentWell,
)

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
TEMPLATE_DIR = HERE / "templates"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: Where each confirmation is shown: the section the redirect scrolls to.
SAVED_SECTIONS = {
    "five_whys": "five-whys",
    "item": "action-items",
    "removed": "action-items",
    "went_well": "went-well",
    "published": "top",
    "closed": "action-items",
    "follow_up": "agenda",
}
SAVED_MESSAGES = {
    "five_whys": "The five whys are saved.",
    "item": "Action item added.",
    "removed": "Action item removed.",
    "went_well": "Added to what went well.",
    "published": "Published. Each action item becomes a ticket within seconds; reminders and the "
    "follow-up meeting are scheduled.",
    "closed": "Ticket closed. The item's workflow has been told.",
    "follow_up": "Follow-up recorded.",
}
PHASE_LABELS = {
    Phase.DRAFTING.value: "Drafting",
    Phase.TRACKING.value: "Tracking",
    Phase.FOLLOW_UP.value: "Follow-up",
    Phase.CLOSED.value: "Closed",
}
OUTBOX_NAME = re.compile(r"^[A-Za-z0-9_-]{1,200}\.eml$")

router = APIRouter(include_in_schema=False)


# --- template helpers ----------------------------------------------------------------------------


def _as_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.policy.timezone)


def _make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
    env = templates.env
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters["highlight"] = highlight
    env.filters["excerpt"] = excerpt
    env.filters["anchor"] = anchor
    env.filters["field_anchor"] = field_anchor
    env.filters["percent"] = lambda v: "\u2013" if v is None else f"{v:.0%}"
    env.globals["phase_labels"] = PHASE_LABELS
    env.globals["categories"] = [c.value for c in RootCauseCategory]
    return templates


TEMPLATES = _make_templates()


def _when(zone: ZoneInfo) -> Any:
    def when(value: object, fmt: str = "%a %d %b %Y, %H:%M %Z") -> str:
        moment = _as_datetime(value)
        return moment.astimezone(zone).strftime(fmt) if moment else ""

    return when


def _secure(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    session: auth.WebSession | None = None,
    status_code: int = 200,
) -> Response:
    settings: Settings = request.app.state.settings
    key = auth.request_key(request)
    zone = _zone(request)
    base = {
        "session": session,
        "csrf": auth.csrf_token(key, session) if key and session else "",
        "dev_mode": settings.dev_mode,
        "local_tracker": request.app.state.local_tracker is not None,
        "when": _when(zone),
        "timezone": str(zone),
        "now": datetime.now(UTC),
    }
    response = TEMPLATES.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )
    return _secure(response)


def _redirect(url: str) -> Response:
    return _secure(RedirectResponse(url, status_code=303))


def _review_path(incident_id: str, suffix: str = "") -> str:
    return f"/reviews/{quote(incident_id, safe='')}{suffix}"


# --- refusals ------------------------------------------------------------------------------------


class LoginRequired(Exception):
    """A page opened without a session: go to /login and come back."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class Refused(Exception):
    """A request the session may not make, or a form that cannot be accepted."""

    def __init__(
        self, status: int, title: str, message: str, *, incident_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message
        self.incident_id = incident_id


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return _redirect("/login?" + urlencode({"next": auth.safe_next(exc.next_path)}))


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    session = auth.read_session(request)
    return render(
        request,
        "error.html",
        {"title": exc.title, "message": exc.message, "incident_id": exc.incident_id},
        session=session,
        status_code=exc.status,
    )


def _api_error_page(request: Request, exc: ApiError, session: auth.WebSession) -> Response:
    first = exc.errors[0] if exc.errors else {}
    titles = {404: "Not found", 503: "Temporal is unreachable", 409: "Not possible here"}
    return render(
        request,
        "error.html",
        {
            "title": exc.title or titles.get(exc.status, "Something went wrong"),
            "message": str(first.get("message", "")),
            "hint": str(first.get("hint", "")),
        },
        session=session,
        status_code=exc.status,
    )


def _path_with_query(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def page_session(request: Request, incident_id: str | None = None) -> auth.WebSession:
    """The session for a page, or a refusal: no session -> /login; wrong scope -> 403."""
    session = auth.read_session(request)
    if session is None:
        raise LoginRequired(_path_with_query(request))
    if incident_id is None and not session.full:
        raise Refused(
            403,
            "This page needs a sign-in",
            "Your link opens one review only. Sign in with the API token to see everything.",
            incident_id=session.reviews[-1] if session.reviews else None,
        )
    if incident_id is not None and not session.can_open(incident_id):
        raise Refused(
            403,
            "Not your link",
            "Your link opens another review. Sign in with the API token, or open the link "
            "from the email about this review.",
        )
    return session


async def form_session(
    request: Request, incident_id: str | None = None
) -> tuple[auth.WebSession, FormData]:
    """The session and form of a POST: 401 without a session, 403 without a valid CSRF token."""
    session = auth.read_session(request)
    if session is None:
        raise Refused(401, "Please sign in", "Your session has ended. Sign in and try again.")
    form = await request.form()
    given = form.get(auth.CSRF_FIELD)
    if not auth.csrf_ok(request, session, given if isinstance(given, str) else None):
        raise Refused(
            403,
            "This form has expired",
            "The form was not sent from this session (CSRF check). Reload the page and try again.",
        )
    if incident_id is not None and not session.can_open(incident_id):
        raise Refused(403, "Not your link", "Your session may not change this review.")
    if incident_id is None and not session.full:
        raise Refused(403, "This needs a sign-in", "Sign in with the API token to do this.")
    return session, form


def link_redirect(request: Request, incident_id: str) -> Response | None:
    """Handle ``?t=<token>``: a valid link sets a scoped session and drops the token from the URL."""
    token = request.query_params.get("t")
    if token is None:
        return None
    key = auth.request_key(request)
    existing = auth.read_session(request)
    clean = request.url.path
    if key is not None and verify_review_token(token, incident_id, key):
        session = auth.scoped_session(existing, incident_id)
        response = _redirect(clean)
        if session is not existing:
            auth.set_session_cookie(response, request.app.state.settings, session)
        return response
    if existing is not None and existing.can_open(incident_id):
        return _redirect(clean)
    raise Refused(
        403,
        "This link has expired",
        "The link is no longer valid, or it belongs to another review. Ask the facilitator for a "
        "fresh link, or sign in with the API token.",
    )


# --- sign in -------------------------------------------------------------------------------------


def _login_page(
    request: Request, next_path: str, *, error: str = "", status: int = 200
) -> Response:
    settings: Settings = request.app.state.settings
    key = auth.signing_key(settings)
    nonce = auth.new_session().sid
    response = render(
        request,
        "login.html",
        {
            "next": auth.safe_next(next_path),
            "login_csrf": auth.login_csrf_token(key, nonce) if key else "",
            "error": error,
            "configured": key is not None and settings.api_token is not None,
        },
        status_code=status,
    )
    auth.login_nonce_cookie(response, settings, nonce)
    return response


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    session = auth.read_session(request)
    if session is not None and session.full:
        return _redirect(auth.safe_next(next))
    return _login_page(request, next)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    next_path = auth.safe_next(str(form.get("next", "/")))
    given_csrf = form.get(auth.CSRF_FIELD)
    if not auth.login_csrf_ok(request, given_csrf if isinstance(given_csrf, str) else None):
        return _login_page(
            request,
            next_path,
            error="The sign-in form expired. Please try again.",
            status=403,
        )
    settings: Settings = request.app.state.settings
    token = form.get("token")
    if not auth.api_token_matches(settings, token if isinstance(token, str) else None):
        return _login_page(request, next_path, error="That token is not right.", status=401)
    response = _redirect(next_path)
    auth.set_session_cookie(response, settings, auth.new_session())
    response.delete_cookie(auth.LOGIN_COOKIE, path="/login")
    return response


@router.get("/logout")
async def logout_get(request: Request) -> Response:
    """Signing out needs no confirmation: the worst a forged request does is sign someone out."""
    response = _redirect("/login")
    auth.clear_session_cookie(response, request.app.state.settings)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    response = _redirect("/login")
    auth.clear_session_cookie(response, request.app.state.settings)
    return response


# --- dashboard -----------------------------------------------------------------------------------


@router.get("/")
async def dashboard(request: Request) -> Response:
    session = page_session(request)
    tz = request.app.state.policy.timezone
    try:
        loaded = await dash.load_statuses(request.app.state.client)
    except ApiError as exc:
        return _api_error_page(request, exc, session)
    now = datetime.now(UTC)
    statuses = loaded.statuses
    overdue = dash.overdue_by_team(statuses, now, tz)
    weeks = dash.completion_by_week(statuses, now, tz)
    return render(
        request,
        "dashboard.html",
        {
            "loaded": loaded,
            "limit": dash.MAX_DASHBOARD_REVIEWS,
            "by_phase": dash.review_rows(statuses, now, tz),
            "overdue": overdue,
            "weeks": weeks,
            "totals": dash.totals(statuses, now, tz),
            "completion_svg": dash.completion_chart(weeks),
            "overdue_svg": dash.overdue_chart(overdue),
        },
        session=session,
    )


# --- review page ---------------------------------------------------------------------------------


def _ticket_states(request: Request, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
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


async def _review_page(
    request: Request,
    session: auth.WebSession,
    incident_id: str,
    *,
    five: FiveWhysForm | None = None,  # rows as typed (already padded); None: from the review
    new_item: dict[str, str] | None = None,
    new_went_well: str = "",
    blame_override: str | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    try:
        status = await reviews.fetch_status(request, incident_id)
    except ApiError as exc:
        return _api_error_page(request, exc, session)
    review = reviews.review_view(status)
    responders = [p["name"] for p in review["incident"]["responders"]]
    findings = _findings_by_field(review["findings"])
    drafting = review["phase"] == Phase.DRAFTING.value
    if five is not None:
        findings = {k: v for k, v in findings.items() if not k.startswith("five_whys.")}
        findings.update(five.findings(responders))
    else:
        five = FiveWhysForm.from_review(review)
        five = five.padded() if drafting else five
    item_values = new_item or {"priority": "medium"}
    if new_item is not None:
        findings.update(item_findings(new_item, responders, "new_item."))
    saved = request.query_params.get("saved", "")
    return render(
        request,
        "review.html",
        {
            "r": review,
            "incident_id": incident_id,
            "five": five,
            "new_item": item_values,
            "new_went_well": new_went_well,
            "blame_override": review["blame_override"]
            if blame_override is None
            else blame_override,
            "errors": errors or FormErrors(),
            "findings": findings,
            "responders": responders,
            "tickets": _ticket_states(request, review["action_items"]),
            "saved": SAVED_MESSAGES.get(saved, ""),
            "saved_section": SAVED_SECTIONS.get(saved, "top"),
            "drafting": drafting,
            "can_close": request.app.state.settings.dev_mode
            and request.app.state.local_tracker is not None,
            "full_session": session.full,
        },
        session=session,
        status_code=status_code,
    )


@router.get("/reviews/{incident_id}")
async def review_page(request: Request, incident_id: str) -> Response:
    redirect = link_redirect(request, incident_id)
    if redirect is not None:
        return redirect
    session = page_session(request, incident_id)
    return await _review_page(request, session, incident_id)


def _saved(incident_id: str, what: str, suffix: str = "") -> Response:
    section = SAVED_SECTIONS.get(what, "top")
    return _redirect(_review_path(incident_id, suffix) + f"?saved={what}#{section}")


async def _rejected_or_error(
    request: Request,
    session: auth.WebSession,
    exc: ApiError,
) -> Response | None:
    """None for a 422 (the caller re-renders its form); an error page for anything else."""
    if exc.status == 422:
        return None
    return _api_error_page(request, exc, session)


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
        return await _review_page(request, session, incident_id, five=rows)
    model, local, why_rows, cause_rows = typed.to_model()
    if model is None:
        return await _review_page(
            request,
            session,
            incident_id,
            five=typed.padded(),
            errors=FormErrors("five_whys", local),
            status_code=422,
        )
    try:
        await reviews.update_review(
            request, incident_id, PostmortemWorkflow.submit_five_whys, model
        )
    except ApiError as exc:
        page = await _rejected_or_error(request, session, exc)
        if page is not None:
            return page
        found = remap_indices(
            remap_indices(exc.errors, "whys", why_rows), "root_causes", cause_rows
        )
        return await _review_page(
            request,
            session,
            incident_id,
            five=typed.padded(),
            errors=FormErrors("five_whys", found),
            status_code=422,
        )
    return _saved(incident_id, "five_whys")


@router.post("/reviews/{incident_id}/action-items")
async def post_action_item(request: Request, incident_id: str) -> Response:
    session, form = await form_session(request, incident_id)
    values = item_form(form)
    draft, local = item_draft(values)
    errors: list[dict[str, str]] = prefixed(local, "new_item.")
    if draft is not None:
        try:
            await reviews.add_action_item(request, incident_id, draft)
        except ApiError as exc:
            page = await _rejected_or_error(request, session, exc)
            if page is not None:
                return page
            errors = prefixed(exc.errors, "new_item.")
        else:
            return _saved(incident_id, "item")
    return await _review_page(
        request,
        session,
        incident_id,
        new_item=values,
        errors=FormErrors("new_item", errors),
        status_code=422,
    )


@router.post("/reviews/{incident_id}/action-items/{item_id}/remove")
async def post_remove_item(request: Request, incident_id: str, item_id: str) -> Response:
    session, _ = await form_session(request, incident_id)
    try:
        await reviews.delete_action_item(request, incident_id, item_id, reason=None)
    except ApiError as exc:
        page = await _rejected_or_error(request, session, exc)
        if page is not None:
            return page
        return await _review_page(
            request,
            session,
            incident_id,
            errors=FormErrors("items", prefixed(exc.errors, f"action_items.{item_id}.")),
            status_code=422,
        )
    return _saved(incident_id, "removed")


@router.post("/reviews/{incident_id}/action-items/{item_id}/close")
async def post_close_item(request: Request, incident_id: str, item_id: str) -> Response:
    """Dev mode: close a local-tracker ticket, as the owner would in Jira."""
    session, form = await form_session(request, incident_id)
    settings: Settings = request.app.state.settings
    if not settings.dev_mode or request.app.state.local_tracker is None:
        raise Refused(
            404, "Not available", "Tickets are closed in the tracker itself outside dev mode."
        )
    try:
        await reviews.close_local_item(request, incident_id, item_id)
    except ApiError as exc:
        return _api_error_page(request, exc, session)
    back = auth.safe_next(str(form.get("next", "")))
    if back == "/":
        return _saved(incident_id, "closed")
    return _redirect(back)


@router.post("/reviews/{incident_id}/went-well")
async def post_went_well(request: Request, incident_id: str) -> Response:
    session, form = await form_session(request, incident_id)
    text = str(form.get("text", ""))
    try:
        await reviews.update_review(
            request, incident_id, PostmortemWorkflow.add_went_well, WentWell(text=text)
        )
    except ApiError as exc:
        page = await _rejected_or_error(request, session, exc)
        if page is not None:
            return page
        return await _review_page(
            request,
            session,
            incident_id,
            new_went_well=text,
            errors=FormErrors("new_went_well", prefixed(exc.errors, "new_went_well.")),
            status_code=422,
        )
    return _saved(incident_id, "went_well")


@router.post("/reviews/{incident_id}/publish")
async def post_publish(request: Request, incident_id: str) -> Response:
    session, form = await form_session(request, incident_id)
    override = str(form.get("blame_override", "")).strip()
    try:
        await reviews.update_review(
            request,
            incident_id,
            PostmortemWorkflow.publish,
            PublishRequest(blame_override=override or None),
        )
    except ApiError as exc:
        page = await _rejected_or_error(request, session, exc)
        if page is not None:
            return page
        return await _review_page(
            request,
            session,
            incident_id,
            blame_override=override,
            errors=FormErrors("publish", [dict(e) for e in exc.errors]),
            status_code=422,
        )
    return _saved(incident_id, "published")


# --- follow-up -----------------------------------------------------------------------------------


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
    try:
        status = await reviews.fetch_status(request, incident_id)
    except ApiError as exc:
        return _api_error_page(request, exc, session)
    review = reviews.review_view(status)
    root_causes = {rc["id"]: rc["statement"] for rc in review["root_causes"]}
    record = review["follow_up"] or {}
    return render(
        request,
        "follow_up.html",
        {
            "r": review,
            "incident_id": incident_id,
            "root_causes": root_causes,
            "tickets": _ticket_states(request, review["action_items"]),
            "typed": typed or {},
            "notes": record.get("notes") or "" if notes is None else notes,
            "errors": errors or FormErrors(),
            "saved": SAVED_MESSAGES.get(request.query_params.get("saved", ""), ""),
            "open_status": ItemStatus.OPEN.value,
            "can_record": review["phase"] in (Phase.TRACKING.value, Phase.FOLLOW_UP.value),
            "can_close": request.app.state.settings.dev_mode
            and request.app.state.local_tracker is not None,
        },
        session=session,
        status_code=status_code,
    )


@router.get("/reviews/{incident_id}/follow-up")
async def follow_up_page(request: Request, incident_id: str) -> Response:
    redirect = link_redirect(request, incident_id)
    if redirect is not None:
        return redirect
    session = page_session(request, incident_id)
    return await _follow_up_page(request, session, incident_id)


@router.post("/reviews/{incident_id}/follow-up")
async def post_follow_up(request: Request, incident_id: str) -> Response:
    session, form = await form_session(request, incident_id)
    try:
        status = await reviews.fetch_status(request, incident_id)
    except ApiError as exc:
        return _api_error_page(request, exc, session)
    open_ids = [i.id for i in status.state.action_items if i.status == ItemStatus.OPEN]
    record, order, typed = follow_up_record(form, open_ids)
    try:
        await reviews.update_review(
            request, incident_id, PostmortemWorkflow.record_follow_up, record
        )
    except ApiError as exc:
        page = await _rejected_or_error(request, session, exc)
        if page is not None:
            return page
        return await _follow_up_page(
            request,
            session,
            incident_id,
            typed=typed,
            notes=record.notes or "",
            errors=FormErrors("follow_up", follow_up_errors(exc.errors, order)),
            status_code=422,
        )
    return _saved(incident_id, "follow_up", "/follow-up")


# --- document ------------------------------------------------------------------------------------


@router.get("/reviews/{incident_id}/document")
async def document_page(request: Request, incident_id: str) -> Response:
    redirect = link_redirect(request, incident_id)
    if redirect is not None:
        return redirect
    session = page_session(request, incident_id)
    try:
        status = await reviews.fetch_status(request, incident_id)
    except ApiError as exc:
        return _api_error_page(request, exc, session)
    settings: Settings = request.app.state.settings
    text = MarkdownDocuments(settings.documents_dir, settings.base_url).read(incident_id)
    return render(
        request,
        "document.html",
        {"r": reviews.review_view(status), "incident_id": incident_id, "text": text},
        session=session,
    )


# --- local tracker -------------------------------------------------------------------------------


@router.get("/tracker/{key}")
async def tracker_ticket(request: Request, key: str) -> Response:
    tracker: LocalTracker | None = request.app.state.local_tracker
    if tracker is None:
        raise Refused(404, "Not found", "Tickets live in Jira here.")
    if auth.read_session(request) is None:
        raise LoginRequired(_path_with_query(request))
    ticket = next((t for t in tracker.all_tickets() if t.get("key") == key), None)
    found = parse_item_label([str(ticket.get("label", ""))]) if ticket else None
    if ticket is None or found is None:
        page_session(request)
        raise Refused(404, "Not found", "There is no such local ticket.")
    incident_id, item_id = found
    session = page_session(request, incident_id)
    return render(
        request,
        "ticket.html",
        {
            "t": ticket,
            "incident_id": incident_id,
            "item_id": item_id,
            "can_close": request.app.state.settings.dev_mode,
        },
        session=session,
    )


# --- outbox (dev mode) ---------------------------------------------------------------------------


def _outbox_dir(request: Request) -> Path:
    settings: Settings = request.app.state.settings
    if not settings.dev_mode:
        raise Refused(404, "Not found", "The outbox exists in dev mode only.")
    return settings.outbox_dir


def _read_message(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        message = BytesParser(policy=email.policy.default).parse(handle)
    assert isinstance(message, EmailMessage)
    return message


def _message_row(path: Path) -> dict[str, Any]:
    message = _read_message(path)
    sent = message.get("Date")
    return {
        "name": path.name,
        "subject": str(message.get("Subject", "(no subject)")),
        "to": str(message.get("To", "")),
        "cc": str(message.get("Cc", "") or ""),
        "date": sent.datetime if sent is not None and hasattr(sent, "datetime") else None,
        "kind": str(message.get("X-Followthrough-Kind", "")),
    }


@router.get("/outbox")
async def outbox(request: Request) -> Response:
    folder = _outbox_dir(request)
    session = page_session(request)
    rows: list[dict[str, Any]] = []
    if folder.is_dir():
        for path in folder.glob("*.eml"):
            try:
                rows.append(_message_row(path))
            except (OSError, ValueError):
                continue
    rows.sort(key=lambda r: r["date"] or datetime.min.replace(tzinfo=UTC), reverse=True)
    return render(request, "outbox.html", {"messages": rows, "folder": folder}, session=session)


@router.get("/outbox/{name}")
async def outbox_message(request: Request, name: str) -> Response:
    folder = _outbox_dir(request)
    session = page_session(request)
    path = folder / name
    if not OUTBOX_NAME.match(name) or not path.is_file():
        raise Refused(404, "Not found", "There is no such message in the outbox.")
    message = _read_message(path)
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    attachments = [part.get_filename() or "attachment" for part in message.iter_attachments()]
    return render(
        request,
        "outbox_message.html",
        {"m": _message_row(path), "text": text, "attachments": attachments},
        session=session,
    )


# --- install -------------------------------------------------------------------------------------


def install(app: FastAPI) -> None:
    """Mount /static, register the pages, and let the JSON API accept the pages' session cookie."""
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.state.session_check = auth.session_check
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(Refused, _refused)
    app.include_router(router)
