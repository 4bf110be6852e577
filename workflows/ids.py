"""Workflow ids: the one place that spells them.

A review's workflow is ``postmortem-<incident id>``; an item's is
``postmortem-<incident id>/action-<item id>``, so a webhook addresses an item without a lookup; the
weekly digest runs under :data:`DIGEST_SCHEDULE_ID`. The API, the worker, the tests and the
benchmarks build and read ids only through these functions. Ids are part of running histories and
of the links people hold: they never change.
"""

from __future__ import annotations

__all__ = [
    "DIGEST_SCHEDULE_ID",
    "incident_id_of",
    "item_workflow_id",
    "review_workflow_id",
]

_REVIEW_PREFIX = "postmortem-"
_ITEM_INFIX = "/action-"

#: The digest's Temporal Schedule, and the workflow id each of its runs starts from.
DIGEST_SCHEDULE_ID = "followthrough-digest"


def review_workflow_id(incident_id: str) -> str:
    """``postmortem-<incident id>``: the review of one incident."""
    return f"{_REVIEW_PREFIX}{incident_id}"


def item_workflow_id(incident_id: str, item_id: str) -> str:
    """``postmortem-<incident id>/action-<item id>``: one action item of that review."""
    return f"{review_workflow_id(incident_id)}{_ITEM_INFIX}{item_id}"


def incident_id_of(workflow_id: str) -> str | None:
    """The incident id of a review's or an item's workflow id; None for any other id."""
    if not workflow_id.startswith(_REVIEW_PREFIX):
        return None
    rest = workflow_id.removeprefix(_REVIEW_PREFIX)
    return rest.split(_ITEM_INFIX, 1)[0] if _ITEM_INFIX in rest else rest
