"""Arguments and results of activities: the contract between workflows and side effects."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from workflows.review import ActionItem, Incident, Model, ReplacedEdit, ReviewState

__all__ = [
    "FetchIncident",
    "ListReviews",
    "OpenTicket",
    "ReviewDocWritten",
    "ReviewItems",
    "ReviewQuery",
    "ReviewRow",
    "ReviewRows",
    "TicketComment",
    "TicketOpened",
    "TicketQuery",
    "TicketStatus",
    "WriteReviewDoc",
]


class FetchIncident(Model):
    """Ask for the incident's details; ``incident`` is what the webhook already knew."""

    incident: Incident


class WriteReviewDoc(Model):
    """Render and store the review document."""

    state: ReviewState


class ReviewDocWritten(Model):
    """What ``write_review_document`` did."""

    url: str = Field(description="Where people open the document.")
    external: bool = Field(
        default=False,
        description="The document lives outside Followthrough (Confluence): tickets link to it.",
    )
    version: int | None = Field(default=None, description="Document version, where it has them.")
    replaced_edit: ReplacedEdit | None = Field(
        default=None, description="A person's edit this write replaced, if any."
    )


class OpenTicket(Model):
    """Open (idempotently) the ticket of one action item."""

    incident_id: str
    incident_title: str
    item: ActionItem
    root_cause: str | None = Field(default=None, description="Root cause statement.")
    review_url: str | None = None
    doc_url: str | None = Field(
        default=None,
        description="The review document outside Followthrough (Confluence), if there is one: the "
        "ticket's remote link points to it instead of the review page.",
    )
    timezone: str = Field(default="UTC", description="Zone the due date is read in.")


class TicketOpened(Model):
    key: str
    url: str
    created: bool = Field(description="False when a previous attempt had already opened it.")
    unassigned_reason: str | None = None


class TicketQuery(Model):
    key: str


class TicketStatus(Model):
    key: str
    done: bool
    deleted: bool = False
    status: str = ""


class TicketComment(Model):
    key: str
    text: str


class ListReviews(Model):
    """Ask for every review's items, for the digest."""

    closed_since: datetime | None = Field(
        default=None, description="Also include reviews closed after this moment."
    )


class ReviewRow(Model):
    """One review as the digest sees it."""

    incident_id: str
    title: str
    team: str | None
    review_url: str | None = None
    published_at: datetime | None = None
    leadership: list[str] = Field(default_factory=list)
    action_items: list[ActionItem]


class ReviewRows(Model):
    rows: list[ReviewRow]


class ReviewQuery(Model):
    """Read one review's live items (an item's escalation lists its open siblings)."""

    workflow_id: str


class ReviewItems(Model):
    items: list[ActionItem]
