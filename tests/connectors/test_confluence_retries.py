"""ConfluenceDocuments waits out rate limits, retries outages and re-reads conflicts without
writing twice (against the local Confluence Cloud imitation)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

from connectors.confluence import PROPERTY_KEY, ConfluenceDocuments
from connectors.errors import ErrorKind, System
from tests.fakes.confluence import FakeConfluence
from tests.support.imitations import INCIDENT, creates, make_store, only_page, raised, review
from workflows.review import Phase

# -- retries and conflicts -------------------------------------------------------------------


def test_a_429_burst_is_waited_out_honouring_retry_after(
    confluence: FakeConfluence, store: ConfluenceDocuments, sleeps: list[float]
) -> None:
    store.validate()
    confluence.rate_limit(3, retry_after="2")
    store.write_document(INCIDENT, review())
    assert (sleeps, len(confluence.pages_in("PM"))) == ([2.0, 2.0, 2.0], 1)


def test_an_http_date_retry_after_is_honoured(
    confluence: FakeConfluence, store: ConfluenceDocuments, sleeps: list[float]
) -> None:
    store.validate()
    when = format_datetime(datetime.now(UTC).replace(microsecond=0), usegmt=True)
    confluence.rate_limit(1, retry_after=when)
    store.write_document(INCIDENT, review())
    assert len(sleeps) == 1 and 0.0 <= sleeps[0] <= 1.0


def test_rate_limiting_beyond_the_retries_is_rate_limited_with_the_wait(
    confluence: FakeConfluence, sleeps: list[float]
) -> None:
    store = make_store(confluence, sleeps, max_retries=2)
    store.validate()
    confluence.rate_limit(5, retry_after="7")
    error = raised(System.CONFLUENCE, lambda: store.write_document(INCIDENT, review()))
    assert (error.kind, error.retry_after, error.retryable) == (ErrorKind.RATE_LIMITED, 7.0, True)


def test_a_wait_longer_than_allowed_is_not_slept(
    confluence: FakeConfluence, sleeps: list[float]
) -> None:
    store = make_store(confluence, sleeps, max_retry_wait=30)
    store.validate()
    confluence.rate_limit(1, retry_after="3600")
    error = raised(System.CONFLUENCE, lambda: store.write_document(INCIDENT, review()))
    assert (error.kind, sleeps) == (ErrorKind.RATE_LIMITED, [])


def test_a_5xx_on_a_read_is_retried(
    confluence: FakeConfluence, store: ConfluenceDocuments, sleeps: list[float]
) -> None:
    store.validate()
    confluence.fail_next(502, 2, method="GET")
    store.write_document(INCIDENT, review())
    assert len(sleeps) == 2 and len(confluence.pages_in("PM")) == 1


def test_a_conflicting_save_is_re_read_and_the_update_lands_after_it(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    confluence.race_next_update(confluence.add_user("ana@example.com", "Ana Lima"), "Racing note.")
    written = store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    page = confluence.page(only_page(confluence))
    assert (written.version, page.current.number, page.current.author_id) == (
        3,
        3,
        confluence.bot.account_id,
    )


def test_a_conflicting_save_to_notes_is_kept(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    confluence.race_next_update(confluence.add_user("ana@example.com", "Ana Lima"), "Racing note.")
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert "Racing note." in confluence.body(only_page(confluence))


def test_endless_conflicts_are_unavailable_to_retry_later(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    person = confluence.add_user("ana@example.com", "Ana Lima")
    for n in range(6):
        confluence.race_next_update(person, f"note {n}")
    error = raised(
        System.CONFLUENCE,
        lambda: store.write_document(
            INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url)
        ),
    )
    assert (error.kind, error.retryable) == (ErrorKind.UNAVAILABLE, True)


def test_a_lost_update_answer_is_not_applied_twice(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    confluence.drop_next("PUT", "/wiki/api/v2/pages/")
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert confluence.page(only_page(confluence)).current.number == 2


def test_a_429_on_the_create_itself_makes_one_page(
    confluence: FakeConfluence, store: ConfluenceDocuments, sleeps: list[float]
) -> None:
    confluence.fail_next(429, 2, {"Retry-After": "1"}, method="POST", path="/wiki/api/v2/pages")
    store.write_document(INCIDENT, review())
    assert (creates(confluence), len(confluence.pages_in("PM")), sleeps) == (3, 1, [1.0, 1.0])


def test_a_conflict_on_the_property_is_re_read_and_written(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    page_id = only_page(confluence)
    confluence.fail_next(409, method="PUT", path=f"/wiki/api/v2/pages/{page_id}/properties")
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert "phase-tracking" in confluence.property_value(page_id, PROPERTY_KEY)["labels"]
