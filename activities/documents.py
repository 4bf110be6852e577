"""Document steps: re-render the review document after every accepted change.

``write_review_document`` is the current step: it answers what the write did (the URL, whether the
document lives outside Followthrough, a person's edit it replaced). ``write_review_doc`` answers
only the URL; reviews that started before it existed keep calling it (their histories do), so it
stays registered until those have closed. :meth:`DocumentActivities.write` is the write both
``write_review_document`` and ``persist_review`` (:mod:`activities.persist`) make.
"""

from __future__ import annotations

from temporalio import activity

from activities.errors import to_application_error
from connectors.documents import DocumentStore, DocumentWritten
from connectors.errors import ConnectorError
from workflows.review import ReplacedEdit, ReviewState
from workflows.steps import ReviewDocWritten, WriteReviewDoc

__all__ = ["DocumentActivities"]


class DocumentActivities:
    def __init__(self, store: DocumentStore) -> None:
        self.store = store

    def _write(self, request: WriteReviewDoc) -> DocumentWritten:
        state = request.state
        try:
            return self.store.write_document(state.incident.id, state.model_dump(mode="json"))
        except ConnectorError as exc:
            raise to_application_error(exc) from exc

    @activity.defn
    def write_review_doc(self, request: WriteReviewDoc) -> str:
        """Write the document; return its URL. Idempotent: the same state writes the same text."""
        return self._write(request).url

    @activity.defn
    def write_review_document(self, request: WriteReviewDoc) -> ReviewDocWritten:
        """Write the document; say where it is and whose edit it replaced. Idempotent."""
        return self.write(request.state)

    def write(self, state: ReviewState) -> ReviewDocWritten:
        """Write ``state``'s document (``write_review_document`` and ``persist_review``)."""
        written = self._write(WriteReviewDoc(state=state))
        edit = written.human_edit
        if edit is not None:
            activity.logger.info(
                "document of %s: replaced a person's edit of version %d",
                state.incident.id,
                edit.version,
            )
        return ReviewDocWritten(
            url=written.url,
            external=self.store.external,
            version=written.version,
            replaced_edit=None
            if edit is None
            else ReplacedEdit(
                version=edit.version, url=edit.url, author=edit.author, sections=list(edit.sections)
            ),
        )
