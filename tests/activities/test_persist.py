"""persist_review writes the document and the store record in one call; the document's failure
fails the call, the store's is reported next to a written document and fails a store-only call."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.documents import DocumentActivities
from activities.persist import PersistActivities
from connectors.documents import MarkdownDocuments, document_name
from connectors.store import ReviewStore
from tests.support.harness import incident
from workflows.review import ReviewState
from workflows.steps import PersistReview, ReviewPersisted

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def review(incident_id: str, revision: int = 3) -> ReviewState:
    return ReviewState(
        incident=incident(incident_id, T0),
        facilitator="facilitator@example.com",
        leadership=["lead@example.com"],
        revision=revision,
    )


def persist(persistence: PersistActivities, request: PersistReview) -> ReviewPersisted:
    done: ReviewPersisted = ActivityEnvironment().run(persistence.persist_review, request)
    return done


def persistence(tmp_path: Path, store: ReviewStore | None) -> PersistActivities:
    documents = DocumentActivities(MarkdownDocuments(tmp_path / "reviews", "http://review.test"))
    return PersistActivities(documents, store)


def broken_store(tmp_path: Path) -> ReviewStore:
    store = ReviewStore(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    store.engine.dispose()
    (tmp_path / "store.sqlite3").unlink()
    (tmp_path / "store.sqlite3").mkdir()  # a folder where the file was: cannot be opened
    return store


def test_one_call_writes_the_document_and_the_store_record_with_its_url(tmp_path: Path) -> None:
    store = ReviewStore(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    done = persist(persistence(tmp_path, store), PersistReview(state=review("PPERSIST1")))
    assert done.stored and done.store_failure is None
    assert done.document is not None
    assert done.document.url == "http://review.test/reviews/PPERSIST1/document"
    assert (tmp_path / "reviews" / document_name("PPERSIST1")).is_file()
    stored = store.get("PPERSIST1")
    assert stored is not None
    assert (stored.revision, stored.doc_url) == (3, done.document.url)


def test_the_store_alone_is_written_without_the_document(tmp_path: Path) -> None:
    store = ReviewStore(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    done = persist(
        persistence(tmp_path, store),
        PersistReview(state=review("PPERSIST2"), document=False, store=True),
    )
    assert done.stored and done.document is None
    assert not (tmp_path / "reviews" / document_name("PPERSIST2")).exists()


def test_a_failing_store_next_to_the_document_is_reported_not_raised(tmp_path: Path) -> None:
    done = persist(
        persistence(tmp_path, broken_store(tmp_path)), PersistReview(state=review("PPERSIST3"))
    )
    assert (done.stored, done.store_failure) == (False, "StoreUnavailable")
    assert done.document is not None
    assert (tmp_path / "reviews" / document_name("PPERSIST3")).is_file()


def test_a_failing_store_alone_fails_the_call_to_be_retried(tmp_path: Path) -> None:
    with pytest.raises(ApplicationError) as caught:
        persist(
            persistence(tmp_path, broken_store(tmp_path)),
            PersistReview(state=review("PPERSIST4"), document=False),
        )
    assert (caught.value.type, caught.value.non_retryable) == ("StoreUnavailable", False)


def test_a_worker_without_a_store_reports_it_and_writes_the_document(tmp_path: Path) -> None:
    done = persist(persistence(tmp_path, None), PersistReview(state=review("PPERSIST5")))
    assert (done.stored, done.store_failure) == (False, "StoreUnavailable")
    assert done.document is not None


def test_a_document_that_cannot_be_written_fails_the_call_with_its_code(tmp_path: Path) -> None:
    (tmp_path / "reviews").write_text("a file where the folder should be")
    store = ReviewStore(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    with pytest.raises(ApplicationError) as caught:
        persist(persistence(tmp_path, store), PersistReview(state=review("PPERSIST6")))
    assert caught.value.type == "DocumentWriteFailed"
    assert store.get("PPERSIST6") is None
