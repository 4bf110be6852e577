"""connectors.tracker: the unique label of an item's ticket, and reading it back from labels."""

from __future__ import annotations

from connectors.tracker import item_label, parse_item_label


def test_an_items_label_names_the_incident_and_the_item() -> None:
    assert item_label("PABC123", "2") == "ft-PABC123-2"


def test_an_items_label_holds_no_spaces() -> None:
    assert " " not in item_label("INC 7", "2")


def test_the_label_reads_back_as_the_incident_and_the_item() -> None:
    assert parse_item_label(["team-payments", item_label("PABC123", "12")]) == ("PABC123", "12")


def test_an_incident_id_with_dashes_keeps_them_and_the_item_is_the_last_part() -> None:
    assert parse_item_label([item_label("ops-2024-17", "3")]) == ("ops-2024-17", "3")


def test_labels_of_a_ticket_we_did_not_open_read_as_none() -> None:
    assert parse_item_label(["followthrough", "ft-", "ft-PABC123", "backend"]) is None
