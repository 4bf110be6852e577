"""ConfluenceDocuments creates a review's page once, finds it again and keeps it its own
(against the local Confluence Cloud imitation)."""

from __future__ import annotations

import pytest

from connectors.confluence import PROPERTY_KEY, ConfluenceDocuments
from connectors.errors import ConnectorError
from tests.fakes.confluence import FakeConfluence
from tests.support.imitations import (
    INCIDENT,
    TITLE,
    creates,
    home_id,
    make_store,
    only_page,
    review,
)
from workflows.review import Phase

# -- creating, once ----------------------------------------------------------------------------


def test_first_write_creates_one_page_under_the_space_home_page(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert confluence.page(only_page(confluence)).parent_id == home_id(confluence)


def test_page_title_names_the_incident(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert confluence.page(only_page(confluence)).current.title == TITLE


def test_written_url_is_the_pages_stable_address(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    written = store.write_document(INCIDENT, review())
    assert written.url == f"{confluence.url}/spaces/PM/pages/{only_page(confluence)}"


def test_page_carries_the_incident_in_a_content_property(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert confluence.property_value(only_page(confluence), PROPERTY_KEY)["incident_id"] == INCIDENT


def test_writing_the_same_review_again_makes_no_new_version(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    again = store.write_document(INCIDENT, review())
    assert (again.changed, len(confluence.page(only_page(confluence)).versions)) == (False, 1)


def test_a_fresh_store_without_the_url_finds_the_page_again(
    confluence: FakeConfluence, sleeps: list[float]
) -> None:
    make_store(confluence, sleeps).write_document(INCIDENT, review())
    make_store(confluence, sleeps).write_document(INCIDENT, review(phase=Phase.TRACKING.value))
    assert len(confluence.page(only_page(confluence)).versions) == 2


def test_the_page_is_found_by_title_while_search_has_not_caught_up(
    sleeps: list[float],
) -> None:
    with FakeConfluence(lagging_search=True) as confluence:
        confluence.add_space("PM")
        make_store(confluence, sleeps).write_document(INCIDENT, review())
        make_store(confluence, sleeps).write_document(INCIDENT, review(phase=Phase.TRACKING.value))
        assert len(confluence.page(only_page(confluence)).versions) == 2


def test_a_lost_create_answer_still_leaves_one_page(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    confluence.drop_next("POST", "/wiki/api/v2/pages")
    store.write_document(INCIDENT, review())
    assert confluence.property_value(only_page(confluence), PROPERTY_KEY)["incident_id"] == INCIDENT


def test_a_retried_write_after_a_lost_create_answer_makes_no_second_page(
    confluence: FakeConfluence, sleeps: list[float]
) -> None:
    # The first attempt's worker dies right after Confluence created the page.
    confluence.drop_next("POST", "/wiki/api/v2/pages")
    confluence.fail_next(503, 10, path="/wiki/api/v2/pages", method="GET", after=1)
    with pytest.raises(ConnectorError):
        make_store(confluence, sleeps, max_retries=0).write_document(INCIDENT, review())
    confluence.clear_failures()
    make_store(confluence, sleeps).write_document(INCIDENT, review())
    only_page(confluence)


def test_a_gateway_503_after_the_create_is_not_repeated(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    confluence.fail_next(503, method="POST", path="/wiki/api/v2/pages", processed=True)
    store.write_document(INCIDENT, review())
    assert (len(confluence.pages_in("PM")), creates(confluence)) == (1, 1)


def test_a_title_taken_by_someone_elses_page_gets_a_suffix(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    person = confluence.add_user("ana@example.com", "Ana Lima")
    theirs = confluence.create_page_as(person, "PM", TITLE)
    store.write_document(INCIDENT, review())
    ours = [p for p in confluence.pages_in("PM") if p.id != theirs]
    assert [p.current.title for p in ours] == [f"{TITLE} (2)"]


def test_someone_elses_page_with_the_title_is_left_untouched(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    person = confluence.add_user("ana@example.com", "Ana Lima")
    theirs = confluence.create_page_as(person, "PM", TITLE, "<p>My own notes.</p>")
    store.write_document(INCIDENT, review())
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value))
    assert (confluence.body(theirs), len(confluence.page(theirs).versions)) == (
        "<p>My own notes.</p>",
        1,
    )


def test_an_archived_page_holding_the_title_gets_a_suffix(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    person = confluence.add_user("ana@example.com", "Ana Lima")
    confluence.archive(confluence.create_page_as(person, "PM", TITLE))
    store.write_document(INCIDENT, review())
    assert confluence.page(only_page(confluence)).current.title == f"{TITLE} (2)"


def test_a_suffixed_page_is_found_again(confluence: FakeConfluence, sleeps: list[float]) -> None:
    person = confluence.add_user("ana@example.com", "Ana Lima")
    theirs = confluence.create_page_as(person, "PM", TITLE)
    make_store(confluence, sleeps).write_document(INCIDENT, review())
    make_store(confluence, sleeps).write_document(INCIDENT, review(phase=Phase.TRACKING.value))
    ours = [p for p in confluence.pages_in("PM") if p.id != theirs]
    assert [len(p.versions) for p in ours] == [2]


def test_a_configured_parent_page_holds_the_review(
    confluence: FakeConfluence, sleeps: list[float]
) -> None:
    parent = confluence.create_page_as(confluence.admin, "PM", "Post-incident reviews")
    make_store(confluence, sleeps, parent_page_id=parent).write_document(INCIDENT, review())
    assert [p.parent_id for p in confluence.pages_in("PM") if p.id != parent] == [parent]


def test_a_page_a_person_deleted_is_made_again(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    confluence.page(only_page(confluence)).status = "trashed"
    confluence.reindex()
    again = store.write_document(INCIDENT, review(doc_url=first.url))
    assert again.url != first.url and len(confluence.pages_in("PM")) == 1


def test_a_new_incident_title_retitles_the_same_page(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    store.write_document(INCIDENT, review(title="Checkout API timed out", doc_url=first.url))
    assert confluence.page(only_page(confluence)).current.title == (
        "Post-incident review: Checkout API timed out (PT4KHLK)"
    )


def test_a_long_incident_title_fits_confluences_limit(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review(title="x" * 400))
    title = confluence.page(only_page(confluence)).current.title
    assert len(title) <= 250 and title.endswith("… (PT4KHLK)")


def test_a_doc_url_of_another_reviews_page_is_not_taken_over(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    other = store.write_document(
        "POTHER1", review(incident=dict(review()["incident"], id="POTHER1"))
    )
    store.write_document(INCIDENT, review(doc_url=other.url))
    assert (
        len(confluence.pages_in("PM")) == 2
        and len(confluence.page(other.url.rsplit("/", 1)[1]).versions) == 1
    )
