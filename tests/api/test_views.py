"""api.views: the public shape of a review, built from the workflow's status query."""

from __future__ import annotations

from datetime import UTC, datetime

from api.views import review_view
from tests.support.rules import ready_state
from workflows.contracts import ReviewStatus
from workflows.review import (
    EarlierCause,
    EarlierItem,
    EarlierReview,
    ItemStatus,
    RootCauseCategory,
    Violation,
    WentWell,
)

EARLIER = EarlierReview(
    incident_id="POLD001",
    title="Checkout errors after a pool change",
    service="checkout-db",
    resolved_at=datetime(2026, 1, 10, 9, 0, tzinfo=UTC),
    review_url="https://followthrough.example.com/reviews/POLD001",
    match="service",
    root_causes=[
        EarlierCause(id="rc1", category=RootCauseCategory.PROCESS, statement="No canary stage")
    ],
    open_items=[
        EarlierItem(
            id="3",
            title="Add a canary stage for config",
            owner="bo@example.com",
            status=ItemStatus.OPEN,
            due="2026-02-01",
            ticket_key="OPS-7",
        )
    ],
)


def test_the_chain_is_shown_with_its_root_causes_beside_it() -> None:
    state = ready_state()
    assert state.five_whys is not None

    view = review_view(ReviewStatus(state=state))

    assert view.five_whys is not None
    assert (view.five_whys.symptom, view.five_whys.whys) == (
        state.five_whys.symptom,
        state.five_whys.whys,
    )
    assert view.root_causes == state.five_whys.root_causes


def test_before_the_five_whys_there_is_no_chain_and_no_root_cause() -> None:
    view = review_view(ReviewStatus(state=ready_state(five_whys=None)))

    assert (view.five_whys, view.root_causes) == (None, [])


def test_what_went_well_is_shown_as_its_texts_in_order() -> None:
    state = ready_state(went_well=[WentWell(text="Paged in 2 minutes"), WentWell(text="Rollback")])

    assert review_view(ReviewStatus(state=state)).went_well == ["Paged in 2 minutes", "Rollback"]


def test_an_earlier_review_is_shown_with_its_causes_and_open_items() -> None:
    view = review_view(ReviewStatus(state=ready_state(repeats=[EARLIER])))

    (repeat,) = view.repeats
    assert (repeat.incident_id, repeat.match, repeat.service) == (
        "POLD001",
        "service",
        "checkout-db",
    )
    assert [(c.category, c.statement) for c in repeat.root_causes] == [
        (RootCauseCategory.PROCESS, "No canary stage")
    ]
    assert [(i.id, i.owner, i.status, i.due) for i in repeat.open_items] == [
        ("3", "bo@example.com", ItemStatus.OPEN, "2026-02-01")
    ]


def test_what_blocks_publishing_comes_from_the_status_query() -> None:
    blocker = Violation(
        code="no_action_items", field="action_items", message="No item.", hint="Add one."
    )

    view = review_view(ReviewStatus(state=ready_state(), publish_blockers=[blocker]))

    assert view.publish_blockers == [blocker]
