"""Rebuild the review store from Temporal, the authority (``followthrough reindex``).

Lists every review workflow through visibility (running and closed), reads each one's state with
the ``status`` query, and writes it with the same mapping the ``store_review`` activity uses, so a
rebuilt store holds exactly what the workflows would have written. Idempotent: a review already
stored at its revision is left alone, an older stored revision is replaced, and running it again
changes nothing. A review that cannot answer (its worker gone) is counted and skipped, never
guessed at.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from datetime import timedelta

from temporalio.client import Client
from tqdm import tqdm

from activities.store import review_record
from connectors.store import ReviewRecord, ReviewStore
from workflows.contracts import ReviewStatus

__all__ = [
    "QUERY",
    "ReindexReport",
    "reindex",
]

QUERY = "WorkflowType = 'PostmortemWorkflow'"
QUERY_TIMEOUT = timedelta(seconds=10)
PARALLEL_QUERIES = 8
#: Reviews per store transaction: small enough to keep each short, large enough to be quick.
BATCH = 200


@dataclass
class ReindexReport:
    """What a reindex did: reviews listed, newer revisions written, reviews that did not answer."""

    listed: int = 0
    written: int = 0
    unreadable: list[str] = field(default_factory=list)


async def reindex(
    client: Client, store: ReviewStore, *, timezone: str = "UTC", progress: bool = True
) -> ReindexReport:
    """Write every review Temporal knows into ``store``; ``timezone`` reads due dates (the
    policy's); ``progress`` draws a bar on stderr."""
    ids: dict[str, None] = {}  # ordered, unique: a continued-as-new review is one review
    async for info in client.list_workflows(QUERY):
        ids[info.id] = None
    report = ReindexReport(listed=len(ids))
    gate = asyncio.Semaphore(PARALLEL_QUERIES)

    async def read(workflow_id: str) -> ReviewRecord | None:
        async with gate:
            try:
                status: ReviewStatus = await client.get_workflow_handle(workflow_id).query(
                    "status", result_type=ReviewStatus, rpc_timeout=QUERY_TIMEOUT
                )
            except Exception:  # any failure to answer: counted, named, skipped
                report.unreadable.append(workflow_id)
                return None
        return review_record(status.state, timezone)

    with tqdm(total=len(ids), unit="review", disable=not progress, file=sys.stderr) as bar:
        order = list(ids)
        for start in range(0, len(order), BATCH):
            found = await asyncio.gather(*(read(i) for i in order[start : start + BATCH]))
            records = [r for r in found if r is not None]
            report.written += await asyncio.to_thread(store.write_many, records)
            bar.update(len(found))
    return report
