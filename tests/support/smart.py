"""What the tests of the action-item checks share: a measurable done-when, the fields a wording
check flags, a case for the tables."""

from __future__ import annotations

import pytest

from workflows.rules import lint_action_wording

__all__ = ["DONE", "item", "vague"]


DONE = "The alert fires in staging when replica lag is forced to 60 s"


def vague(title: str, done_when: str | None = DONE) -> list[str]:
    """The fields with a vague finding."""
    return sorted({f.field or "" for f in lint_action_wording(title, done_when)})


def item(title: str, done_when: str | None) -> object:
    return pytest.param(title, done_when, id=title[:40])
