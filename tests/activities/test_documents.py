"""Writing the review document (activities.documents): every section, escaped table cells."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from temporalio.testing import ActivityEnvironment

from activities.documents import DocumentActivities
from connectors.documents import DocumentWritten, HumanEdit, MarkdownDocuments
from tests.support.harness import FIVE_WHYS, incident
from workflows.audit import Actor, ActorKind, AuditEntry, Via
from workflows.review import ReplacedEdit, ReviewState
from workflows.steps import WriteReviewDoc

NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)


def test_the_review_document_has_every_section_and_escapes_table_cells(tmp_path: Path) -> None:
    store = MarkdownDocuments(tmp_path / "reviews", "http://review.test")
    state = ReviewState(
        incident=incident("PACT4", NOW).model_copy(update={"title": "Cache | queue outage"}),
        facilitator="carol@example.com",
        leadership=["vp@example.com"],
        five_whys=FIVE_WHYS,
    )
    url = ActivityEnvironment().run(
        DocumentActivities(store).write_review_doc, WriteReviewDoc(state=state)
    )
    assert url == "http://review.test/reviews/PACT4/document"
    text = (tmp_path / "reviews" / "PACT4.md").read_text()
    for section in (
        "## Summary",
        "## Timeline",
        "## Symptom and five whys",
        "## Root causes",
        "## Action items",
        "## What went well",
        "## Follow-up",
    ):
        assert section in text
    assert "Cache \\| queue outage" in text


def _state(incident_id: str) -> ReviewState:
    return ReviewState(
        incident=incident(incident_id, NOW),
        facilitator="carol@example.com",
        leadership=["vp@example.com"],
        five_whys=FIVE_WHYS,
    )


def test_writing_the_markdown_document_says_it_lives_in_followthrough(tmp_path: Path) -> None:
    store = MarkdownDocuments(tmp_path / "reviews", "http://review.test")
    written = ActivityEnvironment().run(
        DocumentActivities(store).write_review_document, WriteReviewDoc(state=_state("PDOC1"))
    )
    assert (written.url, written.external) == ("http://review.test/reviews/PDOC1/document", False)


def test_a_replaced_human_edit_reaches_the_workflow_with_its_link(tmp_path: Path) -> None:
    class EditedStore(MarkdownDocuments):
        name = "edited"
        external = True

        def write_document(self, incident_id: str, review: Any) -> DocumentWritten:  # noqa: ARG002
            edit = HumanEdit(version=3, url="https://wiki.test/v3", author="Ana", sections=("x",))
            return DocumentWritten(url="https://wiki.test/p", version=4, human_edit=edit)

    written = ActivityEnvironment().run(
        DocumentActivities(EditedStore(tmp_path, "http://review.test")).write_review_document,
        WriteReviewDoc(state=_state("PDOC2")),
    )
    assert written.external
    assert written.replaced_edit == ReplacedEdit(
        version=3, url="https://wiki.test/v3", author="Ana", sections=["x"]
    )


def test_the_document_appendix_shows_who_changed_what(tmp_path: Path) -> None:
    store = MarkdownDocuments(tmp_path / "reviews", "http://review.test")
    state = ReviewState(
        incident=incident("PACT5", NOW),
        facilitator="carol@example.com",
        leadership=["vp@example.com"],
    )
    actor = Actor(kind=ActorKind.PERSON, name="rui@example.com", via=Via.LINK, role="contributor")
    state.audit.record(
        AuditEntry(
            at=NOW, actor=actor, action="five_whys.submitted", summary="Changed | whys", revision=1
        )
    )
    ActivityEnvironment().run(
        DocumentActivities(store).write_review_document, WriteReviewDoc(state=state)
    )
    text = (tmp_path / "reviews" / "PACT5.md").read_text()
    assert "## Appendix: history" in text
    assert "| rui@example.com | link | Changed \\| whys |" in text
