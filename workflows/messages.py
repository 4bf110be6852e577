"""What a workflow asks to be mailed: one flat, typed request per message.

Workflows decide *that* a message goes out, to whom and with which facts; the ``send_email``
activity renders the Jinja2 templates for ``kind`` and sends. ``message_key`` is deterministic
(workflow id + purpose + sequence), so a retried or replayed send keeps the same ``Message-ID`` and
never lands twice in the outbox.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from workflows.review import EarlierReview, Model, ReplacedEdit

__all__ = [
    "Digest",
    "DigestRepeat",
    "DigestTeam",
    "Invitation",
    "ItemLine",
    "MailKind",
    "MailOutcome",
    "MailRequest",
]


class MailKind(StrEnum):
    REVIEW_OPENED = "review_opened"
    DRAFT_REMINDER = "draft_reminder"
    DRAFT_ESCALATION = "draft_escalation"
    OWNER_REMINDER = "owner_reminder"
    OVERDUE_NOTICE = "overdue_notice"
    ESCALATION = "escalation"
    FOLLOW_UP_INVITATION = "follow_up_invitation"
    DIGEST = "digest"
    PROBLEM = "problem"
    DOCUMENT_EDIT_REPLACED = "document_edit_replaced"


class ItemLine(Model):
    """One action item as a message shows it."""

    id: str
    title: str
    owner: str
    due: str
    status: str = Field(description="open, done or dropped (live status when known).")
    root_cause: str | None = Field(default=None, description="Root cause statement.")
    ticket_key: str | None = None
    ticket_url: str | None = None
    days_overdue: int | None = Field(default=None, description="Whole days past due, if overdue.")
    incident_id: str | None = Field(
        default=None, description="Set in digests (items of many reviews)."
    )


class Invitation(Model):
    """The follow-up meeting as an iCalendar REQUEST."""

    uid: str = Field(description="Stable UID: a re-send updates the event instead of duplicating.")
    sequence: int = Field(default=0, description="Bumped when the meeting changes.")
    start: datetime
    end: datetime
    timezone: str = Field(default="UTC", description="IANA zone the meeting is shown in.")
    summary: str
    description: str
    organizer: str
    attendees: list[str]


class DigestTeam(Model):
    """One team's figures in the weekly digest."""

    name: str
    open: int
    overdue: int
    closed_this_week: int
    completion_rate: float = Field(description="Done / (done + open), 0..1; dropped excluded.")
    median_days_to_close: float | None = None
    oldest_overdue: list[ItemLine] = Field(
        default_factory=list,
        description="Overdue items, oldest due first: every one when read from the review store, "
        "the ten oldest before it.",
    )


class DigestRepeat(Model):
    """An incident resolved this period that repeats an earlier one."""

    incident_id: str
    title: str
    service: str | None = None
    team: str | None = None
    resolved_at: datetime
    earlier_incident_id: str = Field(description="The earlier review it repeats.")
    earlier_title: str


class Digest(Model):
    period_start: datetime
    period_end: datetime
    teams: list[DigestTeam]
    repeats: list[DigestRepeat] = Field(
        default_factory=list, description="Repeat incidents resolved this period, newest first."
    )
    from_store: bool = Field(
        default=False,
        description="Figures over every review in the store (else over the running reviews).",
    )


class MailOutcome(Model):
    """What ``send_email`` reports: recipients refused while the others accepted the message."""

    refused: list[str] = Field(default_factory=list, description='"addr (code)" entries.')


class MailRequest(Model):
    """One message to send. Optional fields are set for the kinds that use them."""

    kind: MailKind
    to: list[str] = Field(min_length=1, description="Recipients.")
    cc: list[str] = Field(default_factory=list)
    message_key: str = Field(description="Deterministic id; becomes the Message-ID.")
    sent_at: datetime = Field(description="Workflow time of the send (the Date header).")
    incident_id: str | None = None
    incident_title: str | None = None
    service: str | None = None
    review_url: str | None = Field(default=None, description="Link to the review page.")
    facilitator: str | None = None
    deadline: datetime | None = Field(default=None, description="Publish deadline, where relevant.")
    item: ItemLine | None = Field(default=None, description="The item a reminder is about.")
    other_items: list[ItemLine] = Field(
        default_factory=list,
        description="Other open items (escalation) or the agenda (invitation).",
    )
    escalation_count: int = Field(default=0, description="Escalations sent before this one.")
    invitation: Invitation | None = None
    problem: str | None = Field(default=None, description="Integration problem to explain.")
    replaced_edit: ReplacedEdit | None = Field(
        default=None, description="A person's document edit that an update replaced."
    )
    doc_url: str | None = Field(default=None, description="Link to the review document.")
    digest: Digest | None = None
    repeats: list[EarlierReview] = Field(
        default_factory=list,
        description="Earlier reviews of the same service or team (review opened), newest first.",
    )
    link_roles: dict[str, str] = Field(
        default_factory=dict,
        description="The role each recipient's review link carries (facilitator, contributor or "
        "viewer), by lower-case email; a recipient not named gets a viewer link. With a signing "
        "key each recipient then gets their own copy with their own link.",
    )
