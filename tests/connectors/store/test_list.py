"""The review list: each filter, full-text search, newest first, cursor paging."""

from __future__ import annotations

import pytest

from connectors.store import ReviewFilter, ReviewStore, StoreQueryError
from connectors.store.records import NO_TEAM
from tests.connectors.store.build import at, cause, item, review

NOW = at(60)


def _ids(store: ReviewStore, **filters: object) -> list[str]:
    page = store.list_reviews(ReviewFilter(**filters), NOW)
    return [row.incident_id for row in page.reviews]


@pytest.fixture
def seeded(store: ReviewStore) -> ReviewStore:
    """Five reviews over three services and two teams (plus one without a team)."""
    store.write(
        review(
            "A", resolved_at=at(1), phase="closed", items=[item(1, status="done", closed_at=at(5))]
        )
    )
    store.write(
        review(
            "B",
            resolved_at=at(2),
            service_id="PSVC2",
            service_name="search",
            team="discovery",
            items=[item(1, owner="ana@example.com", due_at=at(20))],
        )
    )
    store.write(
        review(
            "C",
            resolved_at=at(3),
            phase="drafting",
            items=[item(1, owner="ana@example.com", due_at=at(20))],
        )
    )
    store.write(
        review(
            "D",
            resolved_at=at(4),
            items=[item(1, due_at=at(90)), item(2, owner="bo@example.com", due_at=at(30))],
        )
    )
    store.write(review("E", resolved_at=at(5), service_id=None, service_name="ledger", team=None))
    return store  # fmt: skip


def test_reviews_come_newest_first(seeded: ReviewStore) -> None:
    assert _ids(seeded) == ["E", "D", "C", "B", "A"]


def test_phase_filter(seeded: ReviewStore) -> None:
    assert _ids(seeded, phase="tracking") == ["E", "D", "B"]


def test_team_filter(seeded: ReviewStore) -> None:
    assert _ids(seeded, team="discovery") == ["B"]


def test_team_filter_for_reviews_without_a_team(seeded: ReviewStore) -> None:
    assert _ids(seeded, team=NO_TEAM) == ["E"]


@pytest.mark.parametrize(("service", "expected"), [("PSVC2", ["B"]), ("search", ["B"]),
                                                   ("ledger", ["E"])])  # fmt: skip
def test_service_filter_takes_the_id_or_the_name(
    seeded: ReviewStore, service: str, expected: list[str]
) -> None:
    assert _ids(seeded, service=service) == expected


def test_owner_filter(seeded: ReviewStore) -> None:
    assert _ids(seeded, owner="ana@example.com") == ["C", "B"]


def test_overdue_filter_counts_only_tracked_reviews(seeded: ReviewStore) -> None:
    # C's item is past due too, but C is still a draft: nothing is tracked yet.
    assert _ids(seeded, overdue=True) == ["D", "B"]


def test_owner_and_overdue_together_need_an_overdue_item_of_that_owner(
    seeded: ReviewStore,
) -> None:
    assert _ids(seeded, overdue=True, owner="bo@example.com") == ["D"]
    assert _ids(seeded, overdue=True, owner="owner@example.com") == []


def test_rows_carry_open_and_overdue_counts(seeded: ReviewStore) -> None:
    rows = seeded.list_reviews(ReviewFilter(service="checkout"), NOW).reviews
    counts = {row.incident_id: (row.open_items, row.overdue_items) for row in rows}
    assert counts == {"D": (2, 1), "C": (1, 0), "A": (0, 0)}


def test_filters_combine(seeded: ReviewStore) -> None:
    assert _ids(seeded, phase="tracking", service="checkout", team="payments") == ["D"]


# --- full text ---------------------------------------------------------------------------------


@pytest.fixture
def texts(store: ReviewStore) -> ReviewStore:
    store.write(
        review(
            "T",
            title="Payments API timeouts",
            whys=["a", "b", "c"],
            symptom="Cards declined",
            root_causes=[cause(1, statement="x")],
        )
    )
    store.write(review("W", title="Outage", whys=["the deployment doubled workers", "b", "c"]))
    store.write(
        review("R", title="Outage", root_causes=[cause(1, statement="No runbook for DNS failover")])
    )
    store.write(
        review(
            "I",
            title="Outage",
            items=[
                item(1, title="Add a connection-pool limit", done_when="limit visible in Grafana")
            ],
        )
    )
    return store  # fmt: skip


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("timeouts", ["T"]),  # title
        ("declined", ["T"]),  # symptom
        ("deployment", ["W"]),  # a why
        ("runbook", ["R"]),  # a root cause
        ("pool", ["I"]),  # an item's title
        ("grafana", ["I"]),  # an item's done-when
    ],
)
def test_search_reaches_titles_whys_root_causes_and_items(
    texts: ReviewStore, q: str, expected: list[str]
) -> None:
    assert _ids(texts, q=q) == expected


def test_search_words_match_as_prefixes_case_insensitively(texts: ReviewStore) -> None:
    assert _ids(texts, q="DEPLOY") == ["W"]


def test_search_needs_every_word(texts: ReviewStore) -> None:
    assert _ids(texts, q="dns failover") == ["R"]
    assert _ids(texts, q="dns timeouts") == []


def test_search_splits_words_on_punctuation(texts: ReviewStore) -> None:
    assert _ids(texts, q="connection_pool") == ["I"]


def test_search_sees_the_newest_revision_only(store: ReviewStore) -> None:
    store.write(review("P", revision=1, title="Kafka lag"))
    store.write(review("P", revision=2, title="Consumer lag"))
    assert _ids(store, q="kafka") == []
    assert _ids(store, q="consumer") == ["P"]


def test_search_combines_with_filters(texts: ReviewStore) -> None:
    texts.write(review("T2", title="Payments API timeouts", team="discovery"))
    assert _ids(texts, q="timeouts", team="discovery") == ["T2"]


@pytest.mark.parametrize(
    ("q", "says"),
    [("--", "no letters or digits"), ("x" * 201, "longer than 200"),
     ("a b c d e f g h i", "more than 8 words")],
)  # fmt: skip
def test_unusable_searches_are_refused_naming_q(store: ReviewStore, q: str, says: str) -> None:
    with pytest.raises(StoreQueryError, match=says) as caught:
        store.list_reviews(ReviewFilter(q=q), NOW)
    assert caught.value.field == "q"


# --- paging ------------------------------------------------------------------------------------


def test_cursor_pages_walk_every_review_once_in_order(store: ReviewStore) -> None:
    # 23 reviews, several resolved at the same moment: the cursor must not skip or repeat ties.
    for n in range(23):
        store.write(review(f"P{n:02d}", resolved_at=at(n // 3)))
    expected = _ids(store, limit=100)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = store.list_reviews(ReviewFilter(limit=5, cursor=cursor), NOW)
        seen += [row.incident_id for row in page.reviews]
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected and len(seen) == 23 and pages == 5


def test_the_last_full_page_has_no_next_cursor(store: ReviewStore) -> None:
    for n in range(4):
        store.write(review(f"P{n}", resolved_at=at(n)))
    assert store.list_reviews(ReviewFilter(limit=4), NOW).next_cursor is None


def test_cursor_paging_keeps_the_filters(seeded: ReviewStore) -> None:
    first = seeded.list_reviews(ReviewFilter(phase="tracking", limit=2), NOW)
    rest = seeded.list_reviews(
        ReviewFilter(phase="tracking", limit=2, cursor=first.next_cursor), NOW
    )
    assert [r.incident_id for r in first.reviews + rest.reviews] == ["E", "D", "B"]


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjogMX0", "W10"])
def test_a_cursor_we_did_not_give_is_refused(store: ReviewStore, cursor: str) -> None:
    with pytest.raises(StoreQueryError, match="cursor") as caught:
        store.list_reviews(ReviewFilter(cursor=cursor), NOW)
    assert caught.value.field == "cursor"


def test_list_rows_carry_publish_blockers_and_the_follow_up_date(store: ReviewStore) -> None:
    store.write(review("D1", resolved_at=at(1), phase="drafting", publish_blockers=2))
    store.write(review("T1", resolved_at=at(2), follow_up_at=at(30), publish_blockers=0))
    store.write(review("U1", resolved_at=at(3), phase="drafting"))  # blockers not known
    rows = store.list_reviews(ReviewFilter(), NOW).reviews
    assert [(x.incident_id, x.publish_blockers, x.follow_up_at) for x in rows] == [
        ("U1", None, None),
        ("T1", 0, at(30)),
        ("D1", 2, None),
    ]
