"""What every read and write of the store shares: column shorthands, time keys, percentiles.

Medians and percentiles are computed the same way on both databases (:func:`percentile`, numpy's
default method), so a figure never depends on which database answers it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, case

from connectors.errors import System
from connectors.store.records import NO_TEAM
from connectors.store.schema import action_items, reviews, root_causes

__all__ = [
    "DAY",
    "EPOCH",
    "SYSTEM",
    "StoreQueryError",
    "chunks",
    "i",
    "next_quarter",
    "one_if",
    "overdue",
    "percentile",
    "quarter_of",
    "r",
    "rc",
    "team_filter",
    "team_key",
    "unix_ms",
]

T = TypeVar("T")
SYSTEM = System.STORE
DAY = 86400.0
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: Column shorthands: ``r.title`` is ``reviews.c.title``.
r = reviews.c
i = action_items.c
rc = root_causes.c


class StoreQueryError(ValueError):
    """A read the store cannot answer as asked (a bad cursor or ``q``); names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def quarter_of(moment: datetime) -> str:
    """``2026-Q4``: the UTC quarter of a moment."""
    utc = moment.astimezone(UTC)
    return f"{utc.year}-Q{(utc.month - 1) // 3 + 1}"


def unix_ms(moment: datetime) -> int:
    """Milliseconds since the Unix epoch (exact integer arithmetic, no float rounding)."""
    return (moment - EPOCH) // timedelta(milliseconds=1)


def next_quarter(label: str) -> str:
    """The quarter after ``label`` (``2026-Q4`` → ``2027-Q1``)."""
    year, q = int(label[:4]), int(label[-1])
    return f"{year + 1}-Q1" if q == 4 else f"{year}-Q{q + 1}"


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile of sorted values (numpy's default method)."""
    k = (len(sorted_values) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def team_key(team: str | None) -> str:
    """The team as the figures group it: a team-less review is ``NO_TEAM``."""
    return team or NO_TEAM


def team_filter(column: Any, team: str) -> ColumnElement[bool]:
    """``team`` on a column that holds the team or NULL (reviews) or the team key (copies)."""
    nullable = column.table is reviews
    if team == NO_TEAM and nullable:
        return column.is_(None)  # type: ignore[no-any-return]
    return column == team  # type: ignore[no-any-return]


def one_if(condition: ColumnElement[bool]) -> Any:
    """1 where ``condition`` holds, else 0: summed, a count in the same pass."""
    return case((condition, 1), else_=0)


def overdue(now: datetime) -> list[ColumnElement[bool]]:
    """An item is overdue when its review is tracked, it is open and its due moment has come."""
    return [i.tracked.is_(True), i.status == "open", i.due_at <= now]


def chunks(ids: list[T], size: int = 500) -> Iterator[list[T]]:
    """``ids`` in slices small enough for an ``IN (...)`` on both databases."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
