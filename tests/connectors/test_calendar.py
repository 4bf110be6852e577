"""The follow-up invitation as iCalendar, parsed back with ``icalendar`` and checked per field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from connectors.calendar import build_invitation
from connectors.errors import ConnectorError, ErrorKind

START = datetime(2026, 4, 14, 13, 0, tzinfo=UTC)
END = datetime(2026, 4, 14, 14, 0, tzinfo=UTC)
STAMP = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)


def invitation(**overrides: Any) -> bytes:
    arguments: dict[str, Any] = {
        "uid": "postmortem-PABC123-follow-up@followthrough",
        "sequence": 0,
        "start": START,
        "end": END,
        "tz": "Europe/Berlin",
        "summary": "Follow-up: Checkout latency",
        "description": "Review every action item.\nDone, re-planned or dropped.",
        "organizer": "Fran Facilitator <fran@example.com>",
        "attendees": ["fran@example.com", "ana@example.com", "lead@example.com"],
        "stamp": STAMP,
    }
    arguments.update(overrides)
    return build_invitation(**arguments)


def parse(data: bytes) -> tuple[Calendar, Any]:
    calendar = Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_calendar_is_a_version_2_request_with_a_product_id() -> None:
    calendar, _ = parse(invitation())

    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar["VERSION"]) == "2.0"
    assert "Followthrough" in str(calendar["PRODID"])


def test_start_and_end_are_the_given_instants_in_the_meeting_zone() -> None:
    _, event = parse(invitation())

    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == START
    assert end == END
    assert start.tzinfo is not None
    assert str(start.tzinfo) == "Europe/Berlin"
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"


def test_the_meeting_zone_is_defined_in_the_calendar() -> None:
    calendar, _ = parse(invitation())

    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Berlin"]
    assert calendar.get_missing_tzids() == set()


def test_a_naive_start_is_read_as_local_time_of_the_meeting_zone() -> None:
    _, event = parse(invitation(start=datetime(2026, 4, 14, 15, 0), end=datetime(2026, 4, 14, 16)))

    assert event.decoded("DTSTART") == datetime(
        2026, 4, 14, 15, 0, tzinfo=ZoneInfo("Europe/Berlin")
    )
    assert event.decoded("DTSTART") == START


def test_attendees_are_required_and_asked_to_reply() -> None:
    _, event = parse(invitation())

    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == [
        "mailto:fran@example.com",
        "mailto:ana@example.com",
        "mailto:lead@example.com",
    ]
    for attendee in attendees:
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["RSVP"] == "TRUE"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"


def test_an_attendee_listed_twice_is_invited_once() -> None:
    _, event = parse(invitation(attendees=["ana@example.com", "ANA@example.com"]))

    assert str(event["ATTENDEE"]) == "mailto:ana@example.com"


def test_organizer_is_a_mailto_address_with_its_name() -> None:
    _, event = parse(invitation())

    assert str(event["ORGANIZER"]) == "mailto:fran@example.com"
    assert event["ORGANIZER"].params["CN"] == "Fran Facilitator"


def test_uid_and_sequence_are_kept_so_a_resend_updates_the_event() -> None:
    _, first = parse(invitation(sequence=0))
    _, second = parse(
        invitation(sequence=1, start=START.replace(hour=14), end=END.replace(hour=15))
    )

    assert str(first["UID"]) == str(second["UID"]) == "postmortem-PABC123-follow-up@followthrough"
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)


def test_same_inputs_and_stamp_give_identical_bytes() -> None:
    assert invitation() == invitation()


def test_dtstamp_is_the_given_stamp_in_utc() -> None:
    _, event = parse(invitation())

    assert event.decoded("DTSTAMP") == STAMP


def test_description_keeps_its_line_breaks() -> None:
    _, event = parse(invitation())

    assert str(event["DESCRIPTION"]) == "Review every action item.\nDone, re-planned or dropped."


def test_a_line_break_in_the_summary_cannot_add_a_property() -> None:
    data = invitation(summary="Follow-up\r\nATTENDEE:mailto:evil@example.com")
    _, event = parse(data)

    assert b"evil@example.com" not in b"".join(
        line for line in data.splitlines() if line.startswith(b"ATTENDEE")
    )
    assert "mailto:evil@example.com" not in [str(a) for a in event["ATTENDEE"]]
    assert str(event["SUMMARY"]) == "Follow-up ATTENDEE:mailto:evil@example.com"


def test_a_utc_meeting_needs_no_timezone_definition() -> None:
    calendar, event = parse(invitation(tz="UTC"))

    assert calendar.timezones == []
    assert event.decoded("DTSTART") == START


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"tz": "Mars/Olympus_Mons"}, "unknown time zone"),
        ({"end": START}, "end after it starts"),
        ({"sequence": -1}, "SEQUENCE"),
        ({"uid": " "}, "UID"),
    ],
    ids=["unknown-zone", "end-not-after-start", "negative-sequence", "blank-uid"],
)
def test_an_impossible_meeting_is_a_bad_request(overrides: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConnectorError) as caught:
        invitation(**overrides)

    assert caught.value.kind is ErrorKind.BAD_REQUEST
    assert fragment in caught.value.message
