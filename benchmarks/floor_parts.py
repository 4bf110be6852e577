"""The floor's models and its one activity (see benchmarks/floor.py), passed through the sandbox."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field
from temporalio import activity

#: Parked timers are weeks away, like a review's follow-up invitation and an item's reconcile.
PARK = timedelta(days=28)
ACTIVITY_TIMEOUT = timedelta(seconds=60)


class Tiny(BaseModel):
    """A payload of a few bytes."""

    n: int = Field(default=0, description="A counter.")
    pad: str = Field(default="", description="Padding: FloorShape.pad_bytes, else empty.")


class FloorShape(BaseModel):
    """How many of each Temporal command one review issues (parent and each item)."""

    updates: int = Field(default=5, description="Accepted updates on the parent.")
    parent_activities: int = Field(default=6, description="Activities the parent runs.")
    children: int = Field(default=2, description="Item workflows the last update starts.")
    parent_timers: int = Field(default=2, description="Timers the parent starts.")
    child_activities: int = Field(default=1, description="Activities each item runs.")
    child_signals: int = Field(default=1, description="Signals each item sends the parent.")
    child_timers: int = Field(default=1, description="Timers each item starts.")
    parent_local_activities: int = Field(
        default=0, description="Local activities the parent runs (a review's document and store)."
    )
    child_local_activities: int = Field(
        default=0, description="Local activities each item runs (an item's ticket reads)."
    )
    pad_bytes: int = Field(
        default=0,
        description="Padding in every activity's and local activity's input and in each item's "
        "start input (0: tiny payloads, the floor). A diagnostic (benchmarks.cost --floor-pad): "
        "what review-sized inputs cost a cached run.",
    )


class FloorItemInput(BaseModel):
    parent_id: str = Field(description="The parent's workflow id, to signal.")
    shape: FloorShape
    pad: str = Field(default="", description="FloorShape.pad_bytes of padding.")


@activity.defn
def touch(arg: Tiny) -> Tiny:
    """The floor's activity: returns at once."""
    return Tiny(n=arg.n + 1)
