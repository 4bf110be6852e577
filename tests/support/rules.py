"""Shared building blocks of the rules' tests: a complete review, a chain, a SMART item."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from workflows.codes import Code
from workflows.policy import Policy
from workflows.review import (
    ActionItem,
    ActionItemDraft,
    FiveWhys,
    Incident,
    ItemStatus,
    Person,
    ReviewState,
    RootCause,
    RootCauseCategory,
    Violation,
    WentWell,
)

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
POLICY = Policy()
RESPONDERS = ["Alice Smith", "Bob Jones", "Carol Diaz", "Dave Lee", "Erin O'Neil"]


def codes(violations: list[Violation]) -> list[str]:
    return [v.code for v in violations]


def by_code(violations: list[Violation], code: Code) -> Violation:
    matching = [v for v in violations if v.code == code]
    assert len(matching) == 1, violations
    return matching[0]


def cause(statement: str, cause_id: str = "rc1", **changes: Any) -> RootCause:
    category = changes.pop("category", RootCauseCategory.TOOLING)
    return RootCause(id=cause_id, category=category, statement=statement, **changes)


def chain(**changes: Any) -> FiveWhys:
    base: dict[str, Any] = {
        "symptom": "Checkout returned HTTP 500 for 38% of requests from 14:02 to 14:40 UTC",
        "whys": [
            "The payments service could not reach its database",
            "The connection pool was exhausted after a config change",
            "The config change halved the pool size",
            "The deploy pipeline applied config without a canary stage",
        ],
        "root_causes": [
            cause("The deploy pipeline allows config changes without a canary stage"),
            cause(
                "The runbook does not describe how to resize the connection pool",
                "rc2",
                category=RootCauseCategory.DOCUMENTATION,
            ),
        ],
    }
    base.update(changes)
    return FiveWhys(**base)


def draft(**changes: Any) -> ActionItemDraft:
    base: dict[str, Any] = {
        "title": "Add a canary stage for config changes to the deploy pipeline",
        "owner": "alice@example.com",
        "due": "2025-06-30",
        "done_when": "A config change without a canary run fails the pipeline in staging",
        "root_cause": "rc1",
    }
    base.update(changes)
    return ActionItemDraft(**base)


def item(item_id: str, **changes: Any) -> ActionItem:
    status = changes.pop("status", ItemStatus.OPEN)
    fields = draft(**changes).model_dump()
    fields.update(id=item_id, status=status)
    return ActionItem(**fields)


def ready_state(**changes: Any) -> ReviewState:
    """A draft review that can be published."""
    base: dict[str, Any] = {
        "incident": Incident(
            id="PT4KHLK",
            title="Checkout errors",
            resolved_at=NOW - timedelta(days=1),
            responders=[Person(name=n) for n in RESPONDERS],
        ),
        "facilitator": "facilitator@example.com",
        "leadership": ["leadership@example.com"],
        "five_whys": chain(),
        "action_items": [
            item("1"),
            item(
                "2",
                title="Add a pool-resize section to the payments runbook",
                owner="bob@example.com",
                done_when="The runbook page has a pool-resize section linked from the alert",
                root_cause="rc2",
            ),
        ],
        "went_well": [WentWell(text="The on-call was paged within 2 minutes of the first error")],
    }
    base.update(changes)
    return ReviewState(**base)
