"""An action item's models, from the facilitator's draft to its tracking state and the
follow-up's decision on it, and the due-date arithmetic they share.

Pure and deterministic (zoneinfo data is static). :mod:`workflows.review` offers all of these too,
where they were first defined, so imports and recorded payloads keep their names.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import Field

from workflows.model import Attributed, Model

__all__ = [
    "ActionItem",
    "ActionItemChange",
    "ActionItemDraft",
    "FollowUpOutcome",
    "FollowUpRecord",
    "FollowUpStatus",
    "ItemOutcome",
    "ItemStatus",
    "Priority",
    "Replan",
    "Ticket",
    "due_day",
    "parse_due",
]


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ActionItemDraft(Attributed):
    """What a facilitator submits for a new action item (SMART-checked)."""

    title: str = Field(description="Who will do what: a specific, verifiable change.")
    owner: str = Field(description="Exactly one owner, as an email address.")
    due: str = Field(description="ISO date (end of that day, policy timezone) or date-time.")
    done_when: str = Field(description="Measurable criterion that says the item is done.")
    root_cause: str = Field(description="Id of the root cause this item addresses.")
    priority: Priority = Field(default=Priority.MEDIUM, description="high, medium (default), low.")


class ActionItemChange(Attributed):
    """A change to an existing action item while drafting; unset fields stay as they are."""

    id: str = Field(description="Action item id.")
    title: str | None = None
    owner: str | None = None
    due: str | None = None
    done_when: str | None = None
    root_cause: str | None = None
    priority: Priority | None = None


class ItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class ItemOutcome(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    DROPPED = "dropped"


class Ticket(Model):
    """The tracker ticket of an item (a Jira issue, or the local tracker's)."""

    key: str = Field(description="Ticket key, e.g. OPS-12 or LOCAL-3.")
    url: str = Field(description="Where a person opens it.")
    id: str | None = Field(default=None, description="The tracker's own issue id (Jira's).")


class Replan(Model):
    """A new due date with its reason."""

    due: str = Field(description="The new due date (ISO date or date-time).")
    reason: str = Field(min_length=1, description="Why the date moved.")
    at: datetime | None = Field(default=None, description="When it was re-planned.")


class ActionItem(ActionItemDraft):
    """An action item of a review, with its tracking state."""

    id: str = Field(description="Stable id within the review: 1, 2, 3...")
    status: ItemStatus = Field(default=ItemStatus.OPEN)
    ticket: Ticket | None = Field(default=None, description="Set once the ticket is open.")
    outcome: ItemOutcome | None = Field(default=None, description="How it ended, once settled.")
    closed_at: datetime | None = Field(default=None, description="When it was done or dropped.")
    reason: str | None = Field(default=None, description="Why it was dropped, if it was.")
    replans: list[Replan] = Field(default_factory=list)
    escalations: int = Field(default=0, description="Escalations sent to leadership so far.")
    problem: str | None = Field(
        default=None, description="Tracker problem the facilitator must fix."
    )


class FollowUpStatus(StrEnum):
    DONE = "done"
    REPLANNED = "replanned"
    DROPPED = "dropped"


class FollowUpOutcome(Model):
    """The facilitator's decision on one item at the follow-up meeting."""

    action_item: str = Field(description="Action item id.")
    status: FollowUpStatus = Field(description="done, replanned or dropped.")
    due: str | None = Field(default=None, description="New due date, required for replanned.")
    reason: str | None = Field(default=None, description="Required for replanned and dropped.")


class FollowUpRecord(Attributed):
    """What the follow-up meeting decided, one outcome per open item."""

    outcomes: list[FollowUpOutcome] = Field(description="One per action item reviewed.")
    notes: str | None = Field(default=None, description="Free-text minutes.")
    recorded_at: datetime | None = Field(default=None, description="Set by the workflow.")


# --- time helpers (pure; zoneinfo data is static so this is deterministic) ---------------------------


def parse_due(value: str, tz: str = "UTC") -> datetime:
    """The moment an item is due. A date means the end of that day in ``tz``.

    Raises ``ValueError`` for anything that is not an ISO date or date-time. A naive date-time is
    read in ``tz``.
    """
    text = value.strip()
    zone = ZoneInfo(tz)
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=zone)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def due_day(value: str, tz: str = "UTC") -> date:
    """The calendar day an item is due (what a tracker's due-date field shows), in ``tz``."""
    text = value.strip()
    if len(text) == 10:
        return date.fromisoformat(text)
    return parse_due(text, tz).astimezone(ZoneInfo(tz)).date()
