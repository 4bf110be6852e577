"""What every page shares: templates and rendering, the security headers, who may open a page or
send a form, the one link/session prologue of a review's pages, and the one error path.

The error path is :class:`PageRoute`: a page handler raises (a refusal, a missing sign-in, a
redirect, or an :class:`~api.errors.ApiError` from the review API) and the route turns it into the
answer, so no handler catches errors of its own. A form whose update was refused by the rules is
the exception a handler handles itself, with :func:`violations_of`: it re-renders the form.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from api.errors import ApiError
from api.identity.guard import open_link
from api.pages import session as auth
from api.pages.filters import anchor, entries, excerpt, field_anchor, highlight, room
from followthrough.settings import Settings
from workflows import limits
from workflows.codes import OVERRIDABLE_CODES
from workflows.review import Phase, RootCauseCategory

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "LIMITS",
    "STATIC_DIR",
    "TEMPLATES",
    "LoginRequired",
    "PageRoute",
    "Redirected",
    "Refused",
    "as_typed",
    "dev_tracker",
    "form_session",
    "page_session",
    "path_with_query",
    "redirect",
    "render",
    "review_path",
    "review_session",
    "saved_or_refused",
    "violations_of",
]

HERE = Path(__file__).resolve().parent.parent
STATIC_DIR = HERE / "static"
TEMPLATE_DIR = HERE / "templates"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
PHASE_LABELS = {
    Phase.DRAFTING.value: "Drafting",
    Phase.TRACKING.value: "Tracking",
    Phase.FOLLOW_UP.value: "Follow-up",
    Phase.CLOSED.value: "Closed",
}
#: The title of the error page for an API refusal, by status.
_ERROR_TITLES = {
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    409: "Not possible here",
    429: "Too many sign-ins",
    503: "Temporal is unreachable",
}


#: The limits the pages show the room left in (from :mod:`workflows.limits`, the one place).
LIMITS = {
    "text": limits.TEXT,
    "title": limits.TITLE,
    "short": limits.SHORT,
    "action_items": limits.ACTION_ITEMS,
    "root_causes": limits.ROOT_CAUSES,
    "went_well": limits.WENT_WELL,
}


# --- rendering -----------------------------------------------------------------------------------


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


def _make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
    env = templates.env
    env.trim_blocks = True
    env.lstrip_blocks = True
    env.filters["highlight"] = highlight
    env.filters["excerpt"] = excerpt
    env.filters["anchor"] = anchor
    env.filters["field_anchor"] = field_anchor
    env.filters["room"] = room
    env.filters["entries"] = entries
    env.filters["percent"] = lambda v: "\u2013" if v is None else f"{v:.0%}"
    env.globals["phase_labels"] = PHASE_LABELS
    env.globals["categories"] = [c.value for c in RootCauseCategory]
    env.globals["overridable_codes"] = list(OVERRIDABLE_CODES)
    env.globals["limits"] = LIMITS
    return templates


TEMPLATES = _make_templates()


def _when(zone: ZoneInfo) -> Callable[..., str]:
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
    """A page from ``template``, with what every page shows (session, CSRF token, times in the
    policy's zone) and the security headers."""
    settings: Settings = request.app.state.settings
    key = auth.request_key(request)
    zone = ZoneInfo(request.app.state.policy.timezone)
    base = {
        "session": session,
        "csrf": auth.csrf_token(request, session) if key and session else "",
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


def redirect(url: str) -> Response:
    """303 to ``url`` (after a form: the browser GETs it)."""
    return _secure(RedirectResponse(url, status_code=303))


def review_path(incident_id: str, suffix: str = "") -> str:
    """``/reviews/<incident id><suffix>``, the id quoted."""
    return f"/reviews/{quote(incident_id, safe='')}{suffix}"


def dev_tracker(request: Request) -> bool:
    """Whether tickets can be closed from the pages: dev mode with the local tracker."""
    settings: Settings = request.app.state.settings
    return settings.dev_mode and request.app.state.local_tracker is not None


# --- refusals, and the one error path ----------------------------------------------------------


class LoginRequired(Exception):
    """A page opened without a session: go to /login and come back."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class Refused(Exception):
    """A request the session may not make, or a form that cannot be accepted."""

    def __init__(
        self,
        status: int,
        title: str,
        message: str,
        *,
        hint: str = "",
        incident_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message
        self.hint = hint
        self.incident_id = incident_id

    @classmethod
    def from_api(cls, exc: ApiError) -> Refused:
        """The error page of an API refusal: its first error's message and hint."""
        first = exc.errors[0] if exc.errors else {}
        return cls(
            exc.status,
            exc.title or _ERROR_TITLES.get(exc.status, "Something went wrong"),
            str(first.get("message", "")),
            hint=str(first.get("hint", "")),
        )


class Redirected(Exception):
    """The page answers with this redirect instead (a review link turned into a session)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.headers.get("location", ""))
        self.response = response


def _error_page(request: Request, refused: Refused) -> Response:
    return render(
        request,
        "error.html",
        {
            "title": refused.title,
            "message": refused.message,
            "hint": refused.hint,
            "incident_id": refused.incident_id,
        },
        session=auth.read_session(request),
        status_code=refused.status,
    )


class PageRoute(APIRoute):
    """A page's route: what its handler raises becomes the answer (one error path for all)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except Redirected as exc:
                return exc.response
            except LoginRequired as exc:
                return redirect("/login?" + urlencode({"next": auth.safe_next(exc.next_path)}))
            except Refused as exc:
                return _error_page(request, exc)
            except ApiError as exc:
                return _error_page(request, Refused.from_api(exc))

        return page


async def violations_of(call: Awaitable[object]) -> list[dict[str, Any]] | None:
    """Await a review update: None when it was accepted, the rule violations when it was
    refused (422, the form is shown again with them); any other failure propagates to the
    error page."""
    try:
        await call
    except ApiError as exc:
        if exc.status != 422:
            raise
        return [dict(e) for e in exc.errors]
    return None


async def saved_or_refused(
    call: Awaitable[object],
    saved: Response,
    shown_again: Callable[[list[dict[str, Any]]], Awaitable[Response]],
) -> Response:
    """The end of every review form: await its update, answer ``saved`` (the redirect back) when
    it was accepted, or the form shown again with the rules' violations (``shown_again``) when it
    was refused. Any other failure goes to the one error path (:class:`PageRoute`)."""
    refused = await violations_of(call)
    if refused is None:
        return saved
    return await shown_again(refused)


# --- who may open a page or send a form --------------------------------------------------------


def path_with_query(request: Request) -> str:
    """The path and query of the request: where to come back to after signing in."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def page_session(request: Request, incident_id: str | None = None) -> auth.WebSession:
    """The session for a page, or a refusal: no session -> /login; a links session on a page
    about no single review, or on a review its links do not open -> 403. The session's principal
    is kept for the review API's checks (:mod:`api.identity.guard`)."""
    session = auth.read_session(request)
    if session is None:
        raise LoginRequired(path_with_query(request))
    if incident_id is None and not session.full:
        raise Refused(
            403,
            "This page needs a sign-in",
            "Your link opens one review only. Sign in to see everything.",
            incident_id=session.reviews[-1] if session.reviews else None,
        )
    if incident_id is not None and not session.can_open(incident_id):
        raise Refused(
            403,
            "Not your link",
            "Your link opens another review. Sign in, or open the link from the email about "
            "this review.",
        )
    request.state.principal = session.principal
    return session


def _follow_link(request: Request, incident_id: str, token: str) -> Response:
    """A valid ``?t=`` becomes a grant on the browser's session, and the token leaves the URL.
    An expired, altered or foreign link answers 401/403 with a way to sign in."""
    response = redirect(request.url.path)
    open_link(request, response, incident_id, token)
    return response


def review_session(request: Request, incident_id: str) -> auth.WebSession:
    """The prologue of a review's pages: a link (``?t=<token>``) redirects to the clean URL with
    a session; otherwise the session that may open this review, or a refusal."""
    token = request.query_params.get("t")
    if token is not None:
        raise Redirected(_follow_link(request, incident_id, token))
    return page_session(request, incident_id)


def as_typed(form: FormData) -> FormData:
    """The form with every text's line breaks as a person typed them: a browser sends a text
    area's line breaks as CRLF, which would count twice against a limit (a 10,000-character
    text would be refused), so every CRLF or lone CR becomes one LF."""
    return FormData(
        [
            (name, value.replace("\r\n", "\n").replace("\r", "\n"))
            if isinstance(value, str)
            else (name, value)
            for name, value in form.multi_items()
        ]
    )


async def form_session(
    request: Request, incident_id: str | None = None
) -> tuple[auth.WebSession, FormData]:
    """The session and form of a POST: 401 without a session, 403 without a valid CSRF token.
    What the session may do on the review is the review API's to say (one path for both)."""
    session = auth.read_session(request)
    if session is None:
        raise Refused(401, "Please sign in", "Your session has ended. Sign in and try again.")
    form = as_typed(await request.form())
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
        raise Refused(403, "This needs a sign-in", "Sign in to do this.")
    request.state.principal = session.principal
    return session, form
