"""Arguments and results of activities: the contract between workflows and side effects."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import Field, field_serializer

from workflows import limits
from workflows.messages import MailOutcome, MailRequest
from workflows.review import ActionItem, EarlierReview, Incident, Model, ReplacedEdit, ReviewState

__all__ = [
    "FetchIncident",
    "FindRepeats",
    "ItemMail",
    "ItemMailSent",
    "ListReviews",
    "OpenTicket",
    "PersistReview",
    "ReadDigest",
    "RepeatsFound",
    "ReviewDocWritten",
    "ReviewItems",
    "ReviewPersisted",
    "ReviewQuery",
    "ReviewRow",
    "ReviewRows",
    "StoreReview",
    "TicketComment",
    "TicketOpened",
    "TicketQuery",
    "TicketStatus",
    "WriteReviewDoc",
]


class FetchIncident(Model):
    """Ask for the incident's details; ``incident`` is what the webhook already knew."""

    incident: Incident
    max_timeline: int = Field(
        default=limits.TIMELINE, description="Timeline entries to keep (the oldest)."
    )
    max_summary: int = Field(
        default=limits.SUMMARY, description="Characters kept of each entry's summary."
    )


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


class PersistReview(Model):
    """Write what changed of the review once per burst of changes: its store record, its
    document, or both, in one call (``persist_review``).

    ``state`` is sent without the fields that hold their defaults (they read back as the same
    values): the SDK core keeps every local activity's input for as long as the run stays cached,
    and a review sends its whole state this way after every burst of changes. A local
    activity's input is in no history (its marker records only the answer), so this changes no
    command and no recorded event."""

    state: ReviewState

    @field_serializer("state")
    def _state_without_defaults(self, state: ReviewState) -> dict[str, Any]:
        return state.model_dump(mode="json", exclude_defaults=True)

    timezone: str = Field(default="UTC", description="Zone a due date is read in (policy's).")
    document: bool = Field(default=True, description="Re-render and write the document.")
    store: bool = Field(default=True, description="Upsert the review into the review store.")


class ReviewPersisted(Model):
    """What ``persist_review`` did. A document that cannot be written fails the call (after its
    retries); so does the store when it was asked for alone. A store that cannot be written next
    to the document is reported here instead, so the document is not written twice."""

    document: ReviewDocWritten | None = Field(
        default=None, description="The document write, when one was asked for."
    )
    stored: bool = Field(
        default=False, description="The store took this revision (it held an older one or none)."
    )
    store_failure: str | None = Field(
        default=None, description="The code of the store write that failed next to the document."
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
    issue_id: str | None = Field(default=None, description="The tracker's own id (Jira's).")


class TicketQuery(Model):
    key: str


class TicketStatus(Model):
    key: str
    done: bool
    deleted: bool = False
    status: str = ""


class ItemMail(Model):
    """An item's message about its open ticket: sent only if the ticket is not done by then."""

    request: MailRequest = Field(description="The message.")
    ticket_key: str = Field(description="The item's ticket, read just before sending.")


class ItemMailSent(Model):
    """What ``send_item_email`` did: the ticket as it read it, and the send."""

    ticket: TicketStatus | None = Field(
        default=None, description="The ticket's live status; None when the tracker could not say."
    )
    outcome: MailOutcome | None = Field(
        default=None, description="The send's outcome; None when nothing was sent (ticket done)."
    )


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
    open_except: str | None = Field(
        default=None,
        description="Only the open items other than this item id (what an escalation lists; "
        "its answer is recorded in the item's history). Default None: every item.",
    )


class ReviewItems(Model):
    items: list[ActionItem]


class StoreReview(Model):
    """Upsert the review into the review store (a read model; the workflow stays the authority)."""

    state: ReviewState
    timezone: str = Field(default="UTC", description="Zone a due date is read in (policy's).")


class FindRepeats(Model):
    """Find earlier reviews of the same service or team in the store, for a review opening."""

    incident: Incident
    team: str | None = None
    window: timedelta = Field(description="How far back: the policy's recurrence.window.")
    linked: list[str] = Field(
        default_factory=list, description="Incidents its root causes name as the same cause."
    )


class RepeatsFound(Model):
    repeats: list[EarlierReview] = Field(description="Newest first.")


class ReadDigest(Model):
    """The weekly digest's figures, read from the store over every review."""

    period_start: datetime
    period_end: datetime
    window: timedelta = Field(description="The policy's recurrence.window, for repeats.")
