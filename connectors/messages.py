"""Compose one email from a mail request: Jinja2 templates in, a safe ``EmailMessage`` out.

``compose`` receives the request as a plain mapping (``MailRequest.model_dump(mode="json")``) and
renders ``templates/mail/<kind>.subject.j2``, ``<kind>.txt.j2`` and ``<kind>.html.j2`` into a
``multipart/alternative`` message; a follow-up invitation adds ``invite.ics`` beside it in a
``multipart/mixed``. A retried send composes the same mail: the ``Message-ID`` comes from the
message key and the ``Date`` from the request's send time (only MIME boundaries differ).

Safety: every address is validated (a bad one raises ``INVALID_ADDRESS`` naming it); text that
ends up in a header has control characters and line breaks replaced before the header is set, and
the ``email`` policy refuses any that slip through; HTML templates autoescape, because incident
and item titles are untrusted.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape

from connectors.calendar import build_invitation
from connectors.errors import ConnectorError, ErrorKind, System

__all__ = ["KINDS", "POLICY", "TEMPLATE_DIR", "compose", "header_text", "message_id"]

TEMPLATE_DIR = Path(__file__).parent / "templates" / "mail"

KINDS = (
    "review_opened",
    "draft_reminder",
    "draft_escalation",
    "owner_reminder",
    "overdue_notice",
    "escalation",
    "follow_up_invitation",
    "digest",
    "problem",
    "document_edit_replaced",
)
"""Every kind of message; mirrors ``workflows.messages.MailKind`` (a test keeps them equal)."""

POLICY = policy.SMTP
"""CRLF line endings, 78-column folding; like every ``EmailPolicy`` it refuses CR or LF in a
header value, the second line of defence behind :func:`header_text`."""

_SUBJECT_LIMIT = 200
_SYSTEM = System.SMTP
# Kinds without one review: the digest covers many and links to the overview when it has one.
_NO_REVIEW_LINK = frozenset({"digest"})

_env = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def compose(context: Mapping[str, Any], sender: str) -> EmailMessage:
    """Build the message for one mail request.

    Args:
        context: ``MailRequest.model_dump(mode="json")``: ``kind``, ``to``, ``cc``,
            ``message_key``, ``sent_at`` and the facts the kind's templates show.
        sender: The ``From`` address (``addr`` or ``Name <addr>``).

    Returns:
        ``multipart/alternative`` (plain text + HTML), wrapped in ``multipart/mixed`` with a
        ``text/calendar; method=REQUEST`` attachment when ``context["invitation"]`` is set.

    Raises:
        ConnectorError: ``INVALID_ADDRESS`` naming an address that cannot be used;
            ``BAD_REQUEST`` for an unknown kind, a missing review link or a fact a template needs.
    """
    kind = str(context.get("kind", ""))
    if kind not in KINDS:
        raise _bad(f"no mail templates for kind {kind[:40]!r}")
    if kind not in _NO_REVIEW_LINK and not context.get("review_url"):
        raise _bad(f"a {kind} message needs the review link (review_url)")
    key = str(context.get("message_key") or "")
    if not key:
        raise _bad("a message needs a message_key")
    recipients = _addresses(context.get("to") or [])
    if not recipients:
        raise _bad("a message needs at least one recipient")
    copies = [a for a in _addresses(context.get("cc") or []) if a not in recipients]
    sent_at = _moment(context.get("sent_at"))

    subject, text, html = _render(kind, context)

    message = EmailMessage(policy=POLICY)
    message["From"] = _address(sender)
    message["To"] = recipients
    if copies:
        message["Cc"] = copies
    message["Subject"] = header_text(subject, limit=_SUBJECT_LIMIT)
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id(key)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Followthrough-Kind"] = kind
    message.set_content(text)
    message.add_alternative(html, subtype="html")

    invitation = context.get("invitation")
    if invitation:
        message.add_attachment(
            _invitation(invitation, sent_at),
            maintype="text",
            subtype="calendar",
            filename="invite.ics",
            params={"method": "REQUEST", "charset": "utf-8"},
        )
    return message


def message_id(key: str) -> str:
    """The ``Message-ID`` for a message key: the same key always gives the same id."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@followthrough>"


def header_text(value: str, *, limit: int | None = None) -> str:
    """``value`` made safe for one header line.

    Line breaks and other control characters (C0, C1, U+2028/9) become spaces, invisible format
    characters (bidi overrides, zero-width) are dropped, and whitespace runs collapse, so text
    from an incident title can never start a new header.
    """
    kept = []
    for char in value:
        category = unicodedata.category(char)
        if category in {"Cc", "Zl", "Zp"}:
            kept.append(" ")
        elif category != "Cf":
            kept.append(char)
    text = " ".join("".join(kept).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


# --- addresses ---------------------------------------------------------------------------------

# email-validator refuses special-use names; the embedded default sender is followthrough@localhost.
_LOCAL_DOMAIN = re.compile(r"@localhost(?=>?\s*$)", re.IGNORECASE)
_LOCAL_STAND_IN = "@localhost.followthrough-local.example"


def _address(raw: object) -> Address:
    """One validated address; ``Name <addr>`` keeps its display name."""
    text = str(raw)
    probe = _LOCAL_DOMAIN.sub(_LOCAL_STAND_IN, text)
    try:
        valid = validate_email(
            probe,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_display_name=True,
        )
    except EmailNotValidError as exc:
        raise ConnectorError(
            _SYSTEM,
            ErrorKind.INVALID_ADDRESS,
            f"invalid email address {text[:120]!r}: {exc}",
        ) from None
    addr = valid.ascii_email or valid.normalized
    if addr.endswith(_LOCAL_STAND_IN):
        addr = addr[: -len(_LOCAL_STAND_IN)] + "@localhost"
    name = header_text(valid.display_name or "", limit=120)
    return Address(display_name=name, addr_spec=addr)


def _addresses(values: Iterable[object] | str) -> list[Address]:
    if isinstance(values, str):
        values = [values]
    result: list[Address] = []
    seen: set[str] = set()
    for value in values:
        address = _address(value)
        if address.addr_spec.lower() not in seen:
            seen.add(address.addr_spec.lower())
            result.append(address)
    return result


def _invitation(data: Mapping[str, Any], sent_at: datetime) -> bytes:
    organizer = _address(data["organizer"])
    attendees = _addresses(data.get("attendees") or [])
    return build_invitation(
        uid=str(data["uid"]),
        sequence=int(data.get("sequence") or 0),
        start=_moment(data["start"]),
        end=_moment(data["end"]),
        tz=str(data.get("timezone") or "UTC"),
        summary=str(data.get("summary") or ""),
        description=str(data.get("description") or ""),
        organizer=_calendar_address(organizer),
        attendees=[_calendar_address(a) for a in attendees],
        stamp=sent_at,
    )


def _calendar_address(address: Address) -> str:
    if address.display_name:
        return f"{address.display_name} <{address.addr_spec}>"
    return address.addr_spec


# --- rendering ---------------------------------------------------------------------------------


def _render(kind: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    values = dict(context)
    try:
        subject = _env.get_template(f"{kind}.subject.j2").render(values)
        text = _env.get_template(f"{kind}.txt.j2").render(values)
        html = _env.get_template(f"{kind}.html.j2").render(values)
    except TemplateError as exc:
        raise _bad(f"cannot render the {kind} message: {exc}") from None
    return subject, text, html


def _moment(value: object) -> datetime:
    """A datetime from the request (ISO string after ``model_dump(mode="json")``); naive = UTC."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise _bad(f"not a date-time: {str(value)[:40]!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _zone(name: object) -> ZoneInfo:
    try:
        return ZoneInfo(str(name or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _when(value: object, tz: object = "UTC") -> str:
    """``Tue 10 Mar 2026, 14:00 CET`` in ``tz``."""
    if value is None:
        return ""
    moment = _moment(value).astimezone(_zone(tz))
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M} {moment.tzname()}"


def _clock(value: object, tz: object = "UTC") -> str:
    """``15:00`` in ``tz`` (the end of a meeting on the same day)."""
    return f"{_moment(value).astimezone(_zone(tz)):%H:%M}"


def _day(value: object) -> str:
    """``Tue 10 Mar 2026`` for an ISO date or date-time; anything else as given."""
    if value is None:
        return ""
    text = str(value)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        try:
            day = _moment(text).date()
        except ConnectorError:
            return text
    return f"{day:%a} {day.day} {day:%b %Y}"


def _days(value: object) -> str:
    """``1 day``, ``3 days``."""
    count = int(str(value or 0))
    return "1 day" if count == 1 else f"{count} days"


def _greeting(value: object) -> str:
    """`` Ana`` for a name; nothing for an email address (``Hello,`` reads better)."""
    text = str(value or "").strip()
    return "" if not text or "@" in text else f" {text}"


def _days_between(earlier: object, later: object) -> int:
    """Whole days from ``earlier`` to ``later`` (0 if not after)."""
    if earlier is None or later is None:
        return 0
    return max(0, (_moment(later) - _moment(earlier)).days)


def _percent(value: object) -> str:
    try:
        return f"{round(float(str(value)) * 100)}%"
    except ValueError:
        return "—"


def _median(value: object) -> str:
    if value is None:
        return "—"
    number = float(str(value))
    return _days(int(number)) if number.is_integer() else f"{number:.1f} days"


def _link(value: object) -> str:
    """The URL if it is http(s) or mailto, else empty: no ``javascript:`` in an href."""
    text = str(value or "").strip()
    scheme = urlsplit(text).scheme.lower()
    return text if scheme in {"http", "https", "mailto"} else ""


def _oldest_first(items: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(items, key=lambda item: -(item.get("days_overdue") or 0))


def _open(items: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [item for item in items if item.get("status") == "open"]


def _bad(message: str) -> ConnectorError:
    return ConnectorError(_SYSTEM, ErrorKind.BAD_REQUEST, message)


_env.filters.update(
    when=_when,
    clock=_clock,
    day=_day,
    days=_days,
    greeting=_greeting,
    percent=_percent,
    median=_median,
    link=_link,
    oldest_first=_oldest_first,
    open_items=_open,
)
_env.globals.update(days_between=_days_between)
