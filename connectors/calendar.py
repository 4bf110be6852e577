"""The follow-up meeting as an iCalendar ``REQUEST`` (RFC 5545/5546), built with ``icalendar``.

The event's ``UID`` is stable for a review, so sending the invitation again (a retry, or a changed
time with a higher ``SEQUENCE``) updates the attendee's existing event instead of adding a second
one. Times are written in the meeting's IANA zone with a ``VTIMEZONE`` so calendars show the local
time the organiser meant, across daylight-saving changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vCalAddress

from connectors.errors import ConnectorError, ErrorKind, System

__all__ = ["PRODID", "build_invitation"]

PRODID = "-//Followthrough//Post-incident follow-up//EN"

_MARGIN = timedelta(days=366)
_NAMED_ADDRESS = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<addr>[^<>\s]+)>\s*$")


def build_invitation(
    uid: str,
    sequence: int,
    start: datetime,
    end: datetime,
    tz: str,
    summary: str,
    description: str,
    organizer: str,
    attendees: Sequence[str],
    *,
    stamp: datetime | None = None,
) -> bytes:
    """An ``METHOD:REQUEST`` calendar with one event, serialised as RFC 5545 bytes (CRLF lines).

    Args:
        uid: Stable event id; keep it for every re-send of the same meeting.
        sequence: Revision of the meeting; bump it when time or content changes.
        start: Meeting start; an aware one is converted to ``tz``, a naive one read in ``tz``.
        end: Meeting end, after ``start``.
        tz: IANA zone the meeting is shown in (``"Europe/Berlin"``, ``"UTC"``).
        summary: Event title (one line; control characters are replaced).
        description: Event body; line breaks are kept.
        organizer: ``addr`` or ``Name <addr>``.
        attendees: ``addr`` or ``Name <addr>`` each; duplicates are listed once.
        stamp: ``DTSTAMP``; defaults to now. Pass the send time to get identical bytes on a retry.

    Raises:
        ConnectorError: ``BAD_REQUEST`` for an unknown zone, an end not after the start, a
            negative sequence or an empty uid.
    """
    if not uid.strip():
        raise _bad("the invitation needs a UID")
    if sequence < 0:
        raise _bad(f"SEQUENCE must not be negative, got {sequence}")
    zone = _zone(tz)
    local_start, local_end = _localise(start, zone), _localise(end, zone)
    if local_end <= local_start:
        raise _bad("the meeting must end after it starts")

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")

    event = Event()
    event.add("uid", _one_line(uid))
    event.add("sequence", sequence)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", local_start)
    event.add("dtend", local_end)
    event.add("summary", _one_line(summary))
    event.add("description", _text(description))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(organizer, {}))
    seen: set[str] = set()
    for attendee in attendees:
        address = _address(
            attendee,
            {
                "CUTYPE": "INDIVIDUAL",
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
                "RSVP": "TRUE",
            },
        )
        if str(address).lower() in seen:
            continue
        seen.add(str(address).lower())
        event.add("attendee", address)
    calendar.add_component(event)
    # A VTIMEZONE covering a year either side keeps the file small and still exact.
    calendar.add_missing_timezones(
        first_date=(local_start - _MARGIN).date(), last_date=(local_end + _MARGIN).date()
    )
    data: bytes = calendar.to_ical()
    return data


def _bad(message: str) -> ConnectorError:
    return ConnectorError(System.SMTP, ErrorKind.BAD_REQUEST, f"invitation: {message}")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _bad(f"unknown time zone {name[:64]!r}") from None


def _localise(moment: datetime, zone: ZoneInfo) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def _address(value: str, params: dict[str, str]) -> vCalAddress:
    match = _NAMED_ADDRESS.match(value)
    name, addr = (match["name"], match["addr"]) if match else ("", value.strip())
    address = vCalAddress(f"mailto:{_one_line(addr)}")
    if _one_line(name):
        address.params["CN"] = _one_line(name).replace('"', "'")
    for key, param in params.items():
        address.params[key] = param
    return address


def _one_line(value: str) -> str:
    """Control characters and line breaks become spaces; runs of whitespace collapse."""
    cleaned = "".join(" " if unicodedata.category(c) in {"Cc", "Zl", "Zp"} else c for c in value)
    return " ".join(cleaned.split())


def _text(value: str) -> str:
    """Keep line breaks (normalised to LF), drop every other control character."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_one_line(line) for line in lines).strip()
