"""``persist_review``: a review's document and its store record, written in one call per burst of
changes (reviews started with the ``review-small-history`` patch; older ones call
``write_review_document`` and ``store_review`` one after the other).

The document first (its URL goes into the store record), then the store. The document's failure
fails the call, retried as the document's step always was, and the review shows it. A store
failure in the same call is reported in the answer, so a document that was written (and a
person's edit it replaced) is never written again for it; the workflow then asks for the store
alone, and that call fails and is retried like ``store_review``.
"""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.documents import DocumentActivities
from activities.errors import to_application_error
from activities.store import review_record
from connectors.errors import ConnectorError
from connectors.store import ReviewStore
from workflows.codes import Code
from workflows.review import ReviewState
from workflows.steps import PersistReview, ReviewPersisted

__all__ = ["PersistActivities"]


class PersistActivities:
    """The review's writes over one process's document store and (if any) review store."""

    def __init__(self, documents: DocumentActivities, store: ReviewStore | None) -> None:
        self.documents = documents
        self.store = store

    @activity.defn
    def persist_review(self, request: PersistReview) -> ReviewPersisted:
        """Write the document and the store record of ``request.state``, as asked. Idempotent."""
        state, written = request.state, None
        if request.document:
            written = self.documents.write(state)
            state = state.model_copy(update={"doc_url": written.url})
        if not request.store:
            return ReviewPersisted(document=written)
        try:
            stored = self._store(state, request.timezone)
        except ApplicationError as err:
            if written is None:
                raise  # the store alone: retried, then given up on by the workflow
            activity.logger.warning("review store write failed: %s", err.type)
            return ReviewPersisted(document=written, store_failure=err.type)
        return ReviewPersisted(document=written, stored=stored)

    def _store(self, state: ReviewState, timezone: str) -> bool:
        if self.store is None:
            raise ApplicationError(
                "this worker has no review store", type=Code.STORE_UNAVAILABLE, non_retryable=True
            )
        try:
            return self.store.write(review_record(state, timezone))
        except ConnectorError as exc:
            raise to_application_error(exc) from exc
