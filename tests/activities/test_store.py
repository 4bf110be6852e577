"""The store's activities map the workflow's shapes to the store's and its failures to codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.store import StoreActivities, review_record
from connectors.store import ReviewStore
from tests.support.harness import FIVE_WHYS, incident
from workflows.review import (
    ActionItem,
    CauseLink,
    FollowUpOutcome,
    FollowUpRecord,
    FollowUpStatus,
    ItemStatus,
    Phase,
    ReviewState,
    Ticket,
)
from workflows.steps import FindRepeats, ReadDigest, StoreReview

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
YEAR = timedelta(days=365)


def state(incident_id: str, resolved_at: datetime = T0, **fields: object) -> ReviewState:
    values: dict[str, object] = {
        "incident": incident(incident_id, resolved_at),
        "team": "payments",
        "facilitator": "facilitator@example.com",
        "leadership": ["lead@example.com"],
        "phase": Phase.TRACKING,
        "published_at": resolved_at + timedelta(days=1),
        "five_whys": FIVE_WHYS,
        "action_items": [
            ActionItem(
                id="1",
                title="Cap the pool size in the service template",
                owner="alice@example.com",
                due=(resolved_at + timedelta(days=20)).date().isoformat(),
                done_when="The template sets a pool limit and CI checks it.",
                root_cause="rc1",
                ticket=Ticket(key="LOCAL-1", url="http://review.test/tickets/LOCAL-1"),
            ),
            ActionItem(
                id="2",
                title="Add connection limits to the deploy checklist",
                owner="bob@example.com",
                due=(resolved_at + timedelta(days=10)).date().isoformat(),
                done_when="The checklist has the step and two deploys used it.",
                root_cause="rc2",
                status=ItemStatus.DONE,
                closed_at=resolved_at + timedelta(days=5),
            ),
        ],
        "revision": 7,
    }
    values.update(fields)
    return ReviewState(**values)


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    return ReviewStore(f"sqlite:///{tmp_path / 'store.sqlite3'}")


def run_store_review(store: ReviewStore, review: ReviewState) -> bool:
    written: bool = ActivityEnvironment().run(
        StoreActivities(store).store_review, StoreReview(state=review)
    )
    return written


def test_record_carries_items_with_status_ticket_and_due_moment() -> None:
    record = review_record(state("PINC1"), "Europe/Berlin")
    first, second = record.items
    assert (first.ticket_key, first.status, second.status) == ("LOCAL-1", "open", "done")
    # A due date ends with that day in the policy's zone (midnight in Berlin is 23:00 UTC).
    assert first.due_at == datetime(2026, 3, 22, 23, tzinfo=UTC)


def test_record_keeps_root_causes_with_categories_and_links() -> None:
    linked = FIVE_WHYS.root_causes[0].model_copy(
        update={"same_as": CauseLink(incident_id="POLD", root_cause_id="rc3")}
    )
    fw = FIVE_WHYS.model_copy(update={"root_causes": [linked, FIVE_WHYS.root_causes[1]]})
    record = review_record(state("PINC1", five_whys=fw), "UTC")
    assert [(c.id, c.category) for c in record.root_causes] == [
        ("rc1", "tooling"),
        ("rc2", "process"),
    ]
    assert record.root_causes[0].same_as is not None
    assert record.root_causes[0].same_as.incident_id == "POLD"


def test_record_keeps_the_last_follow_up_decision_per_item() -> None:
    follow_up = FollowUpRecord(
        outcomes=[
            FollowUpOutcome(action_item="1", status=FollowUpStatus.DONE),
            FollowUpOutcome(
                action_item="1", status=FollowUpStatus.DROPPED, reason="Superseded by a rewrite"
            ),
        ],
        recorded_at=T0 + timedelta(days=30),
    )
    record = review_record(state("PINC1", follow_up=follow_up), "UTC")
    assert [(o.item_id, o.status) for o in record.follow_up] == [("1", "dropped")]


def test_record_counts_what_blocks_publishing_a_draft_as_the_status_query_does() -> None:
    from workflows import rules
    from workflows.policy import Policy

    draft = state("PINC1", phase=Phase.DRAFTING, published_at=None, went_well=[])
    expected = rules.check_publish(draft, T0, Policy(), None)
    record = review_record(draft, "UTC", now=T0)
    assert expected  # no "what went well" entry: at least that blocks it
    assert record.publish_blockers == len(expected)


def test_record_of_a_published_review_has_no_publish_blockers() -> None:
    assert review_record(state("PINC1"), "UTC", now=T0).publish_blockers == 0


def test_record_carries_the_follow_up_date() -> None:
    meeting = T0 + timedelta(days=28)
    assert review_record(state("PINC1", follow_up_at=meeting), "UTC").follow_up_at == meeting


def test_record_clips_text_beyond_the_store_limits_instead_of_refusing() -> None:
    review = state("PINC1")
    review.incident = review.incident.model_copy(update={"title": "x" * 900})
    assert len(review_record(review, "UTC").title) == 500


def test_store_review_writes_a_newer_revision(store: ReviewStore) -> None:
    assert run_store_review(store, state("PINC1", revision=3)) is True
    assert store.revision("PINC1") == 3


def test_store_review_repeated_changes_nothing(store: ReviewStore) -> None:
    run_store_review(store, state("PINC1", revision=3))
    assert run_store_review(store, state("PINC1", revision=3)) is False


def test_store_review_late_older_revision_never_replaces_newer(store: ReviewStore) -> None:
    run_store_review(store, state("PINC1", revision=5, phase=Phase.FOLLOW_UP))
    assert run_store_review(store, state("PINC1", revision=4)) is False
    stored = store.get("PINC1")
    assert stored is not None
    assert (stored.revision, stored.phase) == (5, "follow_up")


def test_store_review_unreachable_database_is_a_retryable_store_code(tmp_path: Path) -> None:
    store = ReviewStore(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    store.engine.dispose()
    (tmp_path / "store.sqlite3").unlink()
    (tmp_path / "store.sqlite3").mkdir()  # a folder where the file was: cannot be opened
    with pytest.raises(ApplicationError) as caught:
        run_store_review(store, state("PINC1"))
    assert (caught.value.type, caught.value.non_retryable) == ("StoreUnavailable", False)


def test_find_repeats_lists_the_earlier_review_with_its_open_item(store: ReviewStore) -> None:
    run_store_review(store, state("POLD", T0))
    new = incident("PNEW", T0 + timedelta(days=40))
    found = ActivityEnvironment().run(
        StoreActivities(store).find_repeats, FindRepeats(incident=new, team="payments", window=YEAR)
    )
    assert [r.incident_id for r in found.repeats] == ["POLD"]
    assert [(i.id, i.status) for i in found.repeats[0].open_items] == [("1", ItemStatus.OPEN)]
    assert found.repeats[0].has_open_item


def test_find_repeats_ignores_reviews_older_than_the_window(store: ReviewStore) -> None:
    run_store_review(store, state("POLD", T0))
    new = incident("PNEW", T0 + timedelta(days=40))
    found = ActivityEnvironment().run(
        StoreActivities(store).find_repeats,
        FindRepeats(incident=new, team="payments", window=timedelta(days=30)),
    )
    assert found.repeats == []


def test_read_digest_lists_every_overdue_item_of_every_review(store: ReviewStore) -> None:
    for n in range(15):  # more than the ten the running-review digest showed
        run_store_review(store, state(f"P{n:02}", T0 + timedelta(hours=n)))
    end = T0 + timedelta(days=60)
    digest = ActivityEnvironment().run(
        StoreActivities(store).read_digest,
        ReadDigest(period_start=end - timedelta(days=7), period_end=end, window=YEAR),
    )
    (team,) = digest.teams
    assert (team.name, team.open, team.overdue, len(team.oldest_overdue)) == (
        "payments",
        15,
        15,
        15,
    )
    assert digest.from_store
