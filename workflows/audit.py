"""Who did what: the actor of a change and the review's bounded audit trail.

Pure (pydantic, stdlib): the workflows keep the trail in the review state, the API puts the actor
into each update's payload, the document and the pages show the trail. An actor is a person (their
verified email) or a named API token; ``via`` says how they reached Followthrough (the review page,
the REST API, an emailed link) and ``role`` the role they acted with.

The trail keeps the latest :data:`AUDIT_LIMIT` entries in full and counts the older ones, so a
review that runs for months cannot grow its state (and its continue-as-new input) without bound.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AUDIT_LIMIT",
    "SUMMARY_MAX",
    "Actor",
    "ActorKind",
    "AuditEntry",
    "AuditTrail",
    "Via",
    "clip",
]

#: Entries kept in full; older ones are only counted (``AuditTrail.older``).
AUDIT_LIMIT = 500
SUMMARY_MAX = 300


class ActorKind(StrEnum):
    PERSON = "person"
    TOKEN = "token"  # noqa: S105 (a name, not a secret)
    SYSTEM = "system"


class Via(StrEnum):
    PAGE = "page"
    API = "api"
    LINK = "link"
    SYSTEM = "system"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Actor(_Model):
    """Who made a change. Never a secret: a person's email or a token's name."""

    kind: ActorKind = Field(description="person, token or system.")
    name: str = Field(
        min_length=1, max_length=320, description="The person's email, or the API token's name."
    )
    via: Via = Field(description="page, api, link or system: how the change arrived.")
    role: str | None = Field(
        default=None, max_length=20, description="Role it acted with on the review, if any."
    )

    @property
    def label(self) -> str:
        """How a page or the document names the actor, e.g. ``ana@example.com (link)``."""
        prefix = "token " if self.kind == ActorKind.TOKEN else ""
        return f"{prefix}{self.name} ({self.via.value})"


class AuditEntry(_Model):
    """One accepted change."""

    at: datetime = Field(description="Workflow time of the change.")
    actor: Actor | None = Field(
        default=None, description="Who; None for changes recorded before actors were known."
    )
    action: str = Field(description="What kind of change, e.g. five_whys.submitted.")
    summary: str = Field(max_length=SUMMARY_MAX, description="One line a person can read.")
    revision: int = Field(description="The review's revision after the change.")


class AuditTrail(_Model):
    """The latest entries in full, oldest first, and a count of the older ones dropped."""

    entries: list[AuditEntry] = Field(default_factory=list)
    older: int = Field(default=0, ge=0, description="Entries dropped to keep the trail bounded.")

    def record(self, entry: AuditEntry, limit: int = AUDIT_LIMIT) -> None:
        """Append ``entry``; beyond ``limit`` the oldest entries are dropped and counted."""
        self.entries.append(entry)
        excess = len(self.entries) - limit
        if excess > 0:
            del self.entries[:excess]
            self.older += excess

    @property
    def total(self) -> int:
        return self.older + len(self.entries)


def clip(text: str, limit: int = SUMMARY_MAX) -> str:
    """A summary line that fits :data:`SUMMARY_MAX`: one line, cut with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"
