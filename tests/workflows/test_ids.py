"""Workflow ids (workflows.ids): the one place that spells them, and reads them back."""

from __future__ import annotations

from workflows.ids import DIGEST_SCHEDULE_ID, incident_id_of, item_workflow_id, review_workflow_id


def test_a_review_is_postmortem_and_its_incident() -> None:
    assert review_workflow_id("PT4KHLK") == "postmortem-PT4KHLK"


def test_an_item_is_addressed_from_its_incident_and_number_without_a_lookup() -> None:
    assert item_workflow_id("PT4KHLK", "2") == "postmortem-PT4KHLK/action-2"


def test_the_incident_is_read_back_from_a_review_or_an_item_id() -> None:
    assert incident_id_of(review_workflow_id("PT4KHLK")) == "PT4KHLK"
    assert incident_id_of(item_workflow_id("PT4KHLK", "2")) == "PT4KHLK"


def test_other_workflows_have_no_incident() -> None:
    assert incident_id_of(DIGEST_SCHEDULE_ID) is None
    assert incident_id_of("something-else") is None
