"""The embedded defaults' pages: a local-tracker ticket ``/tracker/{key}`` and closing it (as an
owner would in Jira), and in dev mode the mail outbox ``/outbox`` and each message in it."""

from __future__ import annotations

import email.policy
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import reviews
from api.pages import session as auth
from api.pages.common import (
    LoginRequired,
    PageRoute,
    Refused,
    dev_tracker,
    form_session,
    page_session,
    path_with_query,
    redirect,
    render,
)
from api.pages.review import saved
from connectors.local_tracker import LocalTracker
from connectors.tracker import parse_item_label
from followthrough.settings import Settings

__all__ = ["OUTBOX_NAME", "router"]

OUTBOX_NAME = re.compile(r"^[A-Za-z0-9_-]{1,200}\.eml$")

router = APIRouter(include_in_schema=False, route_class=PageRoute)


# --- local tracker -------------------------------------------------------------------------------


@router.get("/tracker/{key}")
async def tracker_ticket(request: Request, key: str) -> Response:
    tracker: LocalTracker | None = request.app.state.local_tracker
    if tracker is None:
        raise Refused(404, "Not found", "Tickets live in Jira here.")
    if auth.read_session(request) is None:
        raise LoginRequired(path_with_query(request))
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


@router.post("/reviews/{incident_id}/action-items/{item_id}/close")
async def post_close_item(request: Request, incident_id: str, item_id: str) -> Response:
    """Dev mode: close a local-tracker ticket, as the owner would in Jira."""
    _, form = await form_session(request, incident_id)
    if not dev_tracker(request):
        raise Refused(
            404, "Not available", "Tickets are closed in the tracker itself outside dev mode."
        )
    await reviews.close_local_item(request, incident_id, item_id)
    back = auth.safe_next(str(form.get("next", "")))
    if back == "/":
        return saved(incident_id, "closed")
    return redirect(back)


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
