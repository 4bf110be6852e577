"""write_review_doc: re-render the review document after every accepted change."""

from __future__ import annotations

from temporalio import activity

from activities.errors import to_application_error
from connectors.documents import DocumentStore
from connectors.errors import ConnectorError
from workflows.steps import WriteReviewDoc

__all__ = ["DocumentActivities"]


class DocumentActivities:
    def __init__(self, store: DocumentStore) -> None:
        self.store = store

    @activity.defn
    def write_review_doc(self, request: WriteReviewDoc) -> str:
        """Write the document; return its URL. Idempotent: the same state writes the same text."""
        state = request.state
        try:
            return self.store.write(state.incident.id, state.model_dump(mode="json"))
        except ConnectorError as exc:
            raise to_application_error(exc) from exc
