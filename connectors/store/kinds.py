"""The store's enumerations, spelled as ``Literal`` to mirror ``workflows.review`` (a test keeps
them equal), and the name a team-less review is grouped under."""

from __future__ import annotations

from typing import Literal

__all__ = [
    "CATEGORIES",
    "ITEM_STATUSES",
    "NO_TEAM",
    "PHASES",
    "Category",
    "FollowUpStatus",
    "ItemStatus",
    "Phase",
]

Phase = Literal["drafting", "tracking", "follow_up", "closed"]
ItemStatus = Literal["open", "done", "dropped"]
Category = Literal["process", "documentation", "tooling", "roles", "environment", "other"]
FollowUpStatus = Literal["done", "replanned", "dropped"]

PHASES: tuple[Phase, ...] = ("drafting", "tracking", "follow_up", "closed")
ITEM_STATUSES: tuple[ItemStatus, ...] = ("open", "done", "dropped")
CATEGORIES: tuple[Category, ...] = (
    "process",
    "documentation",
    "tooling",
    "roles",
    "environment",
    "other",
)

#: A team-less review is grouped under this name in every figure.
NO_TEAM = "No team"
