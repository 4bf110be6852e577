"""Writing the review document (activities.documents): every section, escaped table cells."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from temporalio.testing import ActivityEnvironment

from activities.documents import DocumentActivities
from connectors.documents import MarkdownDocuments
from tests.support.harness import FIVE_WHYS, incident
from workflows.review import ReviewState
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
