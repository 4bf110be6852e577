"""Jira webhooks: check the signature, read the payload, and say what happened to a ticket.

Jira Cloud admin webhooks (and Jira Data Center ones) that have a secret sign the raw body with
HMAC-SHA256 and send ``X-Hub-Signature: sha256=<hex>`` (WebSub ``method=signature`` format).
A payload of ``jira:issue_updated`` carries the issue as it is *after* the change plus a
``changelog``; ``jira:issue_deleted`` carries only the issue. Only the status *category* key
(``new``, ``indeterminate``, ``done``) is stable across workflows: status names are customisable.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from connectors.webhook_json import load_json

__all__ = [
    "IDENTIFIER_HEADER",
    "SIGNATURE_HEADER",
    "Changelog",
    "ChangelogItem",
    "Issue",
    "IssueFields",
    "JiraEvent",
    "JiraUser",
    "Status",
    "StatusCategory",
    "TicketChange",
    "WebhookPayloadError",
    "classify",
    "parse_event",
    "sign",
    "verify_signature",
]

SIGNATURE_HEADER = "X-Hub-Signature"
IDENTIFIER_HEADER = "X-Atlassian-Webhook-Identifier"

# WebSub method names -> hashlib names. SHA-1 is deliberately absent: Jira does not sign with it.
_METHODS = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
#: 9999-12-31T23:59:59.999Z in epoch milliseconds: the last moment a ``datetime`` can hold.
MAX_TIMESTAMP_MS = 253_402_300_799_999


class WebhookPayloadError(ValueError):
    """A Jira webhook body that cannot be used; the message names the problem."""


def sign(body: bytes, secret: str) -> str:
    """The ``X-Hub-Signature`` value Jira sends for ``body``: ``sha256=<hex>``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(body: bytes, header: str | None, secret: str) -> bool:
    """True when ``header`` is a valid ``<method>=<hex>`` HMAC of the raw ``body`` under ``secret``.

    Missing header, empty secret, unknown method or malformed digest all answer False; the
    comparison is constant-time.
    """
    if not header or not secret:
        return False
    method, sep, digest = header.strip().partition("=")
    algorithm = _METHODS.get(method.strip().lower())
    if not sep or algorithm is None:
        return False
    expected = hmac.new(secret.encode(), body, algorithm).hexdigest()
    return hmac.compare_digest(expected.encode(), digest.strip().lower().encode())


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, coerce_numbers_to_str=True)


class StatusCategory(_Model):
    key: str


class Status(_Model):
    name: str = ""
    status_category: StatusCategory | None = Field(default=None, alias="statusCategory")


class IssueFields(_Model):
    status: Status | None = None
    labels: list[str] = Field(default_factory=list)
    summary: str | None = None


class Issue(_Model):
    # An empty id or key names no issue: an item would be matched against nothing (a fuzzed
    # body with ``"key": ""`` was read as an event for the key "").
    id: str = Field(min_length=1, max_length=255)
    key: str = Field(min_length=1, max_length=255)
    self_url: str | None = Field(default=None, alias="self")
    fields: IssueFields = Field(default_factory=IssueFields)


class ChangelogItem(_Model):
    field: str
    field_id: str | None = Field(default=None, alias="fieldId")
    from_id: str | None = Field(default=None, alias="from")
    from_string: str | None = Field(default=None, alias="fromString")
    to_id: str | None = Field(default=None, alias="to")
    to_string: str | None = Field(default=None, alias="toString")


class Changelog(_Model):
    id: str | None = None
    items: list[ChangelogItem] = Field(default_factory=list)


class JiraUser(_Model):
    account_id: str | None = Field(default=None, alias="accountId")
    display_name: str | None = Field(default=None, alias="displayName")
    email_address: str | None = Field(default=None, alias="emailAddress")


class JiraEvent(_Model):
    """One webhook delivery, with only the parts Followthrough reads."""

    webhook_event: str = Field(alias="webhookEvent")
    timestamp: int = Field(ge=0, le=MAX_TIMESTAMP_MS, description="Epoch milliseconds.")
    issue_event_type_name: str | None = None
    issue: Issue | None = None
    changelog: Changelog | None = None
    user: JiraUser | None = None

    @model_validator(mode="after")
    def _issue_events_carry_the_issue(self) -> JiraEvent:
        if self.webhook_event.startswith("jira:issue_") and self.issue is None:
            raise ValueError(f"{self.webhook_event} without an issue")
        return self

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp / 1000, tz=UTC)


def parse_event(body: bytes) -> JiraEvent:
    """Validate a webhook body; raises :class:`WebhookPayloadError` naming what is wrong."""
    data = load_json(body, WebhookPayloadError)
    if not isinstance(data, dict):
        raise WebhookPayloadError(f"body must be a JSON object, not {type(data).__name__}")
    try:
        return JiraEvent.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc']) or 'body'}: {err['msg']}"
            for err in exc.errors()
        )
        raise WebhookPayloadError(problems) from None


@dataclass(frozen=True)
class TicketChange:
    """What a webhook means for an action item's ticket."""

    kind: Literal["closed", "reopened", "deleted"]
    key: str
    labels: tuple[str, ...]
    event_id: str | None  # changelog id; with issue_id a de-duplication key across redeliveries
    at: datetime
    issue_id: str = ""
    status: str = ""


def classify(event: JiraEvent) -> TicketChange | None:
    """``closed`` / ``reopened`` / ``deleted``, or None for events that change nothing for us.

    A status change into category ``done`` closes; a status change into any other category is
    reported as ``reopened`` (the payload does not show the old category, so a move between two
    open statuses also reads as ``reopened``; the workflow ignores it for items that are open).
    """
    issue = event.issue
    if issue is None:
        return None
    status = issue.fields.status
    change_kind: Literal["closed", "reopened", "deleted"]
    if event.webhook_event == "jira:issue_deleted":
        change_kind = "deleted"
        event_id = None
    elif event.webhook_event == "jira:issue_updated":
        changelog = event.changelog
        if changelog is None or not any(
            item.field == "status" or item.field_id == "status" for item in changelog.items
        ):
            return None
        if status is None or status.status_category is None:
            return None  # cannot tell; reconciliation reads the live status instead
        change_kind = "closed" if status.status_category.key == "done" else "reopened"
        event_id = changelog.id
    else:
        return None
    return TicketChange(
        kind=change_kind,
        key=issue.key,
        labels=tuple(issue.fields.labels),
        event_id=event_id,
        at=event.at,
        issue_id=issue.id,
        status=status.name if status is not None else "",
    )
