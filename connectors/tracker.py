"""Ticket trackers: the protocol that Jira and the local tracker both implement.

A tracker opens one ticket per action item and must be idempotent on ``TicketSpec.item_label``: a
retried call (lost response, restarted worker) returns the ticket it already opened instead of
opening a second one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

__all__ = ["TicketRef", "TicketSpec", "TicketState", "Tracker", "item_label", "parse_item_label"]


@dataclass(frozen=True)
class TicketSpec:
    """Everything a tracker needs to open the ticket of one action item."""

    item_label: str  # unique per item, e.g. "ft-PT4KHLK-1"; also how webhooks find the workflow
    summary: str
    description: str
    due: date
    priority: str  # high | medium | low
    owner_email: str
    review_url: str | None = None
    labels: tuple[str, ...] = ("followthrough",)


@dataclass(frozen=True)
class TicketRef:
    """A ticket that exists."""

    key: str
    url: str
    created: bool  # False when an earlier attempt had already opened it
    unassigned_reason: str | None = None  # set when the owner could not be assigned


@dataclass(frozen=True)
class TicketState:
    """The live state of a ticket."""

    key: str
    done: bool
    deleted: bool = False
    status: str = ""
    labels: tuple[str, ...] = field(default_factory=tuple)


class Tracker(Protocol):
    """Where action items are tracked publicly, one owner each."""

    name: str

    def open_ticket(self, spec: TicketSpec) -> TicketRef:
        """Open the ticket for ``spec.item_label``, or return the one already open."""
        ...

    def ticket_state(self, key: str) -> TicketState:
        """Read the live status; ``deleted=True`` when the tracker no longer has it."""
        ...

    def comment(self, key: str, text: str) -> None:
        """Add a comment (escalations are noted on the ticket)."""
        ...


def item_label(incident_id: str, item_id: str) -> str:
    """The unique label of one item's ticket. Jira labels cannot hold spaces."""
    return f"ft-{incident_id}-{item_id}".replace(" ", "_")


def parse_item_label(labels: list[str] | tuple[str, ...]) -> tuple[str, str] | None:
    """``(incident_id, item_id)`` from a ticket's labels, or None for tickets we did not open."""
    for label in labels:
        if label.startswith("ft-") and label.count("-") >= 2:
            incident_id, _, item_id = label[3:].rpartition("-")
            if incident_id and item_id:
                return incident_id, item_id
    return None
