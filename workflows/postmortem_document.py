"""How a review writes itself down: the document step, the review store and earlier reviews.

A mixin of :class:`workflows.postmortem.PostmortemWorkflow` (its main loop calls these steps). The
document is re-rendered and the store written once per change of the review's revision; a failed
write is shown on the review once and mailed to the facilitator when it will not heal by itself.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

__all__ = ["DOCUMENT_OUTCOME_PATCH", "REPEATS_GIVE_UP", "STORE_GIVE_UP", "ReviewDocument"]

with workflow.unsafe.imports_passed_through():
    from workflows import calls
    from workflows.codes import NON_RETRYABLE_INTEGRATION_CODES, Code
    from workflows.messages import MailKind
    from workflows.postmortem_messages import ReviewMessages
    from workflows.review import Problem, ReplacedEdit
    from workflows.steps import (
        FindRepeats,
        PersistReview,
        RepeatsFound,
        ReviewDocWritten,
        ReviewPersisted,
        StoreReview,
        WriteReviewDoc,
    )

#: Store calls give up sooner than integrations: the store is a read model that the next change
#: (or ``followthrough reindex``) brings up to date, and the loop must not wait a day on it.
STORE_GIVE_UP = timedelta(minutes=10)
REPEATS_GIVE_UP = timedelta(minutes=2)


#: workflow.patched id: reviews write their document with write_review_document (what the write
#: did, a person's edit it replaced) and record a failed write once; before it, write_review_doc
#: answered only a URL.
DOCUMENT_OUTCOME_PATCH = "review-document-outcome"


def _digest(text: str) -> str:
    # sha256, not hash(): the same on every worker and every replay.
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class ReviewDocument(ReviewMessages):
    """The review's document and store steps; the workflow sets the revisions they last wrote."""

    #: The revision the document was last rendered at (-1: render once after a (re)start).
    _rendered_revision: int
    #: The revision last written to the review store (-1: write once after a (re)start).
    _stored_revision: int
    #: Whether this run writes the review store (``STORE_PATCH``, asked once per run).
    _uses_store: bool
    #: Whether this run's document, store and ticket reads are local activities
    #: (``SMALL_HISTORY_PATCH``, asked once per run).
    _calls_locally: bool

    async def _write_and_store(self) -> None:
        """The document and the store after changes: one ``persist_review`` per burst of changes
        (``SMALL_HISTORY_PATCH``), or the two steps one after the other (runs before it)."""
        if self._calls_locally:
            await self._persist()
            return
        await self._write_document()
        await self._store_review()

    async def _persist(self) -> None:
        """Write what is behind, the document and the store record, in one local activity.

        Its input is the review, but a local activity's marker records only the answer. As in
        the two steps before it: a document that cannot be written is shown on the review
        (:meth:`_document_failed`) and the store is written after it all the same; a store that
        cannot be written is retried alone and then logged (the next change writes again).
        """
        revision = self.state.revision
        store = self._uses_store and revision != self._stored_revision
        if revision != self._rendered_revision:
            try:
                done = await self._persist_call(document=True, store=store)
            except ActivityError as err:
                await self._document_failed(err, revision)
            else:
                if store and done.store_failure is None:
                    self._stored_revision = revision
                if done.document is not None:
                    await self._document_written(done.document, revision)
            revision = self.state.revision
            store = self._uses_store and revision != self._stored_revision
        if not store:
            return
        try:
            await self._persist_call(document=False, store=True)
        except ActivityError as err:
            workflow.logger.warning("review store write failed: %s", calls.failure_code(err))
            return
        self._stored_revision = revision

    async def _persist_call(self, *, document: bool, store: bool) -> ReviewPersisted:
        return await calls.call(
            calls.PERSIST_REVIEW,
            PersistReview(
                state=self.state, timezone=self.policy.timezone, document=document, store=store
            ),
            ReviewPersisted,
            # The store alone gives up as store_review did; with the document, as documents do.
            give_up_after=calls.GIVE_UP_AFTER if document else STORE_GIVE_UP,
            local=True,
        )

    async def _write_document(self) -> None:
        if self.state.revision == self._rendered_revision:
            return
        # Reviews recorded before this patch called write_review_doc (a URL); they keep that path
        # for the rest of their run (patched() is memoised), so the old activity stays registered.
        if not workflow.patched(DOCUMENT_OUTCOME_PATCH):
            await self._write_document_url_only()
            return
        revision = self.state.revision
        try:
            written = await calls.call(
                calls.WRITE_REVIEW_DOCUMENT,
                WriteReviewDoc(state=self.state),
                ReviewDocWritten,
                local=self._calls_locally,
            )
        except ActivityError as err:
            await self._document_failed(err, revision)
            return
        await self._document_written(written, revision)

    async def _document_written(self, written: ReviewDocWritten, revision: int) -> None:
        self._rendered_revision = revision
        if self.state.doc_url != written.url:
            self.state.doc_url = written.url
        self.state.doc_external = written.external
        edit = written.replaced_edit
        if edit is not None and edit.version not in self.state.doc_edits_told:
            await self._tell_edit_replaced(edit)

    async def _document_failed(self, err: ActivityError, revision: int) -> None:
        """Show a failed write on the review (once per distinct failure); mail the permanent ones.

        Recording the problem is a change, but not one the document needs re-rendering for (the
        write would fail the same way): the next accepted change tries again.
        """
        code, message = calls.failure_code(err), calls.failure_message(err)
        caught_up = self.state.revision == revision
        last = self.state.problems[-1] if self.state.problems else None
        if last is None or (last.code, last.message) != (code, message):
            self._record_problem(
                Problem(code=code, message=message, at=workflow.now()), notify=False
            )
            if code in NON_RETRYABLE_INTEGRATION_CODES:
                await self._mail(
                    MailKind.PROBLEM,
                    [self.state.facilitator],
                    f"{workflow.info().workflow_id}/problem-{_digest(code + message)}",
                    problem=f"The review document could not be written: {message}",
                )
        self._rendered_revision = self.state.revision if caught_up else revision

    async def _tell_edit_replaced(self, edit: ReplacedEdit) -> None:
        """Show on the review and mail the facilitator that an update replaced a person's edit."""
        self.state.doc_edits_told = [*self.state.doc_edits_told, edit.version][-50:]
        who = edit.author or "someone"
        where = f" ({', '.join(edit.sections)})" if edit.sections else ""
        self._record_problem(
            Problem(
                code=Code.DOCUMENT_EDIT_REPLACED,
                message=f"An update of the review document replaced an edit by {who}{where}; "
                f"their version {edit.version} is kept in the page history: {edit.url}",
                at=workflow.now(),
            ),
            notify=False,
        )
        await self._mail(
            MailKind.DOCUMENT_EDIT_REPLACED,
            [self.state.facilitator],
            f"{workflow.info().workflow_id}/document-edit-{edit.version}",
            replaced_edit=edit,
            doc_url=self.state.doc_url,
        )

    async def _write_document_url_only(self) -> None:
        """The document step of reviews started before ``DOCUMENT_OUTCOME_PATCH``."""
        revision = self.state.revision
        try:
            url = await calls.call(calls.WRITE_REVIEW_DOC, WriteReviewDoc(state=self.state), str)
        except ActivityError as err:
            self._record_problem(
                Problem(
                    code=calls.failure_code(err),
                    message=calls.failure_message(err),
                    at=workflow.now(),
                ),
                notify=False,
            )
            self._rendered_revision = revision
            return
        self._rendered_revision = revision
        if self.state.doc_url != url:
            self.state.doc_url = url

    async def _store_review(self) -> None:
        """Upsert the review into the store when it changed since the last write.

        Coalesced: updates accepted while the loop was busy or asleep are one write of the newest
        revision. A failed write is not retried here until the next wake-up; it loses nothing,
        because every write carries the whole review and the store keeps the newest revision.
        """
        if not self._uses_store or self.state.revision == self._stored_revision:
            return
        revision = self.state.revision
        try:
            await calls.call(
                calls.STORE_REVIEW,
                StoreReview(state=self.state, timezone=self.policy.timezone),
                bool,
                give_up_after=STORE_GIVE_UP,
                local=self._calls_locally,
            )
        except ActivityError as err:
            workflow.logger.warning("review store write failed: %s", calls.failure_code(err))
            return
        self._stored_revision = revision

    async def _find_repeats(self) -> None:
        """Earlier reviews of this service or team, shown on the page, document and mail."""
        if not self._uses_store:
            return
        state = self.state
        try:
            found = await calls.call(
                calls.FIND_REPEATS,
                FindRepeats(
                    incident=state.incident,
                    team=state.team,
                    window=self.policy.recurrence.window,
                ),
                RepeatsFound,
                give_up_after=REPEATS_GIVE_UP,
                local=self._calls_locally,
            )
        except ActivityError as err:
            # The review opens without them: the store only adds context.
            workflow.logger.warning("earlier reviews not read: %s", calls.failure_code(err))
            return
        if found.repeats:
            state.repeats = found.repeats
            self._changed()
