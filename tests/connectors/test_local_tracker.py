"""connectors.local_tracker: the embedded tracker's tickets in one JSON file, one per item label."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from connectors.errors import ConnectorError, ErrorKind, System
from connectors.local_tracker import LocalTracker
from connectors.tracker import TicketSpec

BASE_URL = "http://127.0.0.1:8000/"


def spec(label: str = "ft-PABC123-1") -> TicketSpec:
    return TicketSpec(
        item_label=label,
        summary="Alert on replication lag above 30 s",
        description="No alert fired while replication lag grew for 40 minutes.",
        due=date(2026, 4, 1),
        priority="high",
        owner_email="ana@example.com",
    )


@pytest.fixture
def tracker(tmp_path: Path) -> LocalTracker:
    return LocalTracker(tmp_path / "tracker" / "tickets.json", BASE_URL)


def test_a_first_ticket_is_local_1_linked_to_the_tracker_page(tracker: LocalTracker) -> None:
    ref = tracker.open_ticket(spec())

    assert (ref.key, ref.url, ref.created) == (
        "LOCAL-1",
        "http://127.0.0.1:8000/tracker/LOCAL-1",
        True,
    )


def test_opening_the_same_label_again_returns_the_ticket_already_open(
    tracker: LocalTracker,
) -> None:
    first = tracker.open_ticket(spec())

    again = tracker.open_ticket(spec())

    assert (again.key, again.created) == (first.key, False)
    assert len(tracker.all_tickets()) == 1


def test_another_label_opens_the_next_ticket(tracker: LocalTracker) -> None:
    tracker.open_ticket(spec("ft-PABC123-1"))

    assert tracker.open_ticket(spec("ft-PABC123-2")).key == "LOCAL-2"


def test_the_tickets_survive_a_new_tracker_on_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "tickets.json"
    LocalTracker(path, BASE_URL).open_ticket(spec())

    assert LocalTracker(path, BASE_URL).open_ticket(spec()).created is False


def test_the_file_is_json_with_one_ticket_a_line(tmp_path: Path) -> None:
    path = tmp_path / "tickets.json"
    tracker = LocalTracker(path, BASE_URL)
    tracker.open_ticket(spec("ft-PABC123-1"))
    tracker.open_ticket(spec("ft-PABC123-2"))

    lines = path.read_text().splitlines()
    assert [line.split(":")[0].strip() for line in lines[1:3]] == ['"LOCAL-1"', '"LOCAL-2"']
    assert set(json.loads(path.read_text())["tickets"]) == {"LOCAL-1", "LOCAL-2"}


def test_a_new_ticket_is_open_and_carries_its_label(tracker: LocalTracker) -> None:
    key = tracker.open_ticket(spec()).key

    state = tracker.ticket_state(key)

    assert (state.done, state.deleted, state.status, state.labels) == (
        False,
        False,
        "To Do",
        ("ft-PABC123-1",),
    )


def test_closing_a_ticket_makes_it_done(tracker: LocalTracker) -> None:
    key = tracker.open_ticket(spec()).key

    state = tracker.set_done(key, True)

    assert (state.done, state.status) == (True, "Done")


def test_reopening_a_closed_ticket_makes_it_open_again(tracker: LocalTracker) -> None:
    key = tracker.open_ticket(spec()).key
    tracker.set_done(key, True)

    state = tracker.set_done(key, False)

    assert (state.done, state.status) == (False, "To Do")


def test_a_ticket_that_is_not_there_reads_as_deleted(tracker: LocalTracker) -> None:
    state = tracker.ticket_state("LOCAL-9")

    assert (state.deleted, state.done) == (True, False)


def test_a_comment_is_kept_on_the_ticket(tracker: LocalTracker) -> None:
    key = tracker.open_ticket(spec()).key

    tracker.comment(key, "Escalation #1: 3 days overdue.")

    (ticket,) = tracker.all_tickets()
    assert ticket["comments"] == ["Escalation #1: 3 days overdue."]


def test_commenting_on_a_ticket_that_is_not_there_is_not_found(tracker: LocalTracker) -> None:
    with pytest.raises(ConnectorError) as caught:
        tracker.comment("LOCAL-9", "hello")

    assert (caught.value.system, caught.value.kind) == (System.TRACKER, ErrorKind.NOT_FOUND)


def test_closing_a_ticket_that_is_not_there_is_not_found(tracker: LocalTracker) -> None:
    with pytest.raises(ConnectorError) as caught:
        tracker.set_done("LOCAL-9", True)

    assert (caught.value.system, caught.value.kind) == (System.TRACKER, ErrorKind.NOT_FOUND)


def test_a_ticket_is_found_by_its_label(tracker: LocalTracker) -> None:
    key = tracker.open_ticket(spec()).key

    found = tracker.find_by_label("ft-PABC123-1")

    assert found is not None
    assert found.key == key


def test_a_label_no_ticket_carries_finds_nothing(tracker: LocalTracker) -> None:
    tracker.open_ticket(spec())

    assert tracker.find_by_label("ft-PABC123-2") is None
