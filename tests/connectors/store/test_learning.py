"""Learning across reviews: repeat incidents for a new review, and root-cause suggestions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connectors.store import RepeatQuery, ReviewStore
from tests.connectors.store.build import at, cause, item, review

YEAR = timedelta(days=365)


def _query(**fields: object) -> RepeatQuery:
    values: dict[str, object] = {
        "incident_id": "NEW",
        "service_id": "PSVC1",
        "service_name": "checkout",
        "team": "payments",
        "resolved_at": at(400),
        "window": YEAR,
    }
    values.update(fields)
    return RepeatQuery(**values)


@pytest.fixture
def earlier(store: ReviewStore) -> ReviewStore:
    store.write(review("OLD", resolved_at=at(20)))  # 380 days before: outside the window
    store.write(
        review(
            "E1",
            resolved_at=at(100),
            root_causes=[
                cause(1, category="tooling", statement="No pool limit"),
                cause(2, category="process", statement="No load test before deploy"),
            ],
            items=[
                item(1, title="Add a pool limit", status="open"),
                item(2, title="Load test", status="done", closed_at=at(120)),
                item(3, title="Runbook", status="dropped", closed_at=at(130), reason="covered"),
            ],
        )
    )
    store.write(
        review(
            "E2",
            resolved_at=at(300),
            items=[item(1, title="Alert", status="done", closed_at=at(310))],
        )
    )
    store.write(review("T1", resolved_at=at(350), service_id="PSVC9", service_name="ledger"))
    store.write(
        review("X", resolved_at=at(360), service_id="PSVC7", service_name="maps", team="discovery")
    )
    store.write(review("LATER", resolved_at=at(500)))
    return store  # fmt: skip


def test_repeats_list_earlier_reviews_of_the_service_and_team_newest_first(
    earlier: ReviewStore,
) -> None:
    found = earlier.repeats(_query())
    assert [(r.incident_id, r.match) for r in found] == [
        ("T1", "team"), ("E2", "service"), ("E1", "service"),
    ]  # fmt: skip


def test_repeats_carry_root_causes_and_only_open_or_dropped_items(earlier: ReviewStore) -> None:
    e1 = next(r for r in earlier.repeats(_query()) if r.incident_id == "E1")
    assert [(c.category, c.statement) for c in e1.root_causes] == [
        ("tooling", "No pool limit"), ("process", "No load test before deploy"),
    ]  # fmt: skip
    assert [(i.id, i.status) for i in e1.open_items] == [("1", "open"), ("3", "dropped")]


def test_repeats_never_list_later_reviews_or_the_review_itself(earlier: ReviewStore) -> None:
    earlier.write(review("NEW", resolved_at=at(400)))
    ids = [r.incident_id for r in earlier.repeats(_query())]
    assert "LATER" not in ids and "NEW" not in ids


def test_repeats_keep_to_the_window(earlier: ReviewStore) -> None:
    ids = [r.incident_id for r in earlier.repeats(_query(window=timedelta(days=500)))]
    assert "OLD" in ids
    assert [r.incident_id for r in earlier.repeats(_query(window=timedelta(days=60)))] == ["T1"]


def test_a_review_without_a_team_finds_only_its_service(earlier: ReviewStore) -> None:
    assert [r.incident_id for r in earlier.repeats(_query(team=None))] == ["E2", "E1"]


def test_a_linked_cause_lists_its_review_at_any_age_and_service(earlier: ReviewStore) -> None:
    found = earlier.repeats(_query(service_id="PSVC5", team=None, linked=["OLD"]))
    assert [(r.incident_id, r.match) for r in found] == [("OLD", "linked")]


def test_a_review_found_two_ways_is_listed_once_as_linked(earlier: ReviewStore) -> None:
    found = earlier.repeats(_query(linked=["E1"]))
    assert [(r.incident_id, r.match) for r in found if r.incident_id == "E1"] == [("E1", "linked")]


def test_repeats_are_limited(earlier: ReviewStore) -> None:
    assert len(earlier.repeats(_query(limit=2))) == 2


def test_suggestions_offer_earlier_causes_of_the_service_and_category(
    earlier: ReviewStore,
) -> None:
    found = earlier.suggestions(
        incident_id="NEW", service_id="PSVC1", service_name="checkout", category="tooling"
    )
    assert [(s.incident_id, s.root_cause_id) for s in found] == [
        ("LATER", "rc1"), ("E2", "rc1"), ("E1", "rc1"), ("OLD", "rc1"),
    ]  # fmt: skip
    assert found[2].statement == "No pool limit"


def test_suggestions_without_a_category_offer_every_cause_of_the_service(
    earlier: ReviewStore,
) -> None:
    found = earlier.suggestions(incident_id="E2", service_id="PSVC1", service_name=None)
    assert ("E1", "rc2") in [(s.incident_id, s.root_cause_id) for s in found]
    assert all(s.incident_id != "E2" for s in found)


def test_no_suggestions_for_another_service_or_without_one(earlier: ReviewStore) -> None:
    assert earlier.suggestions(incident_id="N", service_id="PSVC5", service_name=None) == []
    assert earlier.suggestions(incident_id="N", service_id=None, service_name=None) == []


def test_digest_lists_this_weeks_repeat_incidents(earlier: ReviewStore) -> None:
    earlier.write(review("NEW", resolved_at=at(400)))
    earlier.write(
        review(
            "LINKED",
            resolved_at=at(402),
            service_id="PSVC5",
            service_name="cdn",
            root_causes=[cause(1, same_as={"incident_id": "OLD", "root_cause_id": "rc1"})],
        )
    )
    earlier.write(review("FRESH", resolved_at=at(403), service_id="PSVC6", service_name="auth"))
    repeats = earlier.digest(at(399), at(406)).repeats
    assert [(r.incident_id, r.earlier_incident_id, r.earlier_title) for r in repeats] == [
        ("LINKED", "OLD", "Incident OLD"), ("NEW", "E2", "Incident E2"),
    ]  # fmt: skip


def test_a_linked_review_is_listed_beyond_the_limit(earlier: ReviewStore) -> None:
    found = earlier.repeats(_query(limit=1, linked=["OLD"]))
    # The newest other match fills the limit; OLD (older, outside the window) is listed too.
    assert [(r.incident_id, r.match) for r in found][1:] == [("OLD", "linked")]
