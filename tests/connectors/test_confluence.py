"""ConfluenceDocuments with its real HTTP client against the local Confluence Cloud imitation."""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import pytest

from connectors.confluence import PROPERTY_KEY, ConfluenceClient, ConfluenceDocuments
from connectors.documents import DocumentWritten
from connectors.errors import ConnectorError, ErrorKind
from tests.fakes.confluence import FakeConfluence, storage_problem
from tests.support.ports import free_port
from workflows.review import (
    ActionItem,
    FiveWhys,
    Incident,
    ItemStatus,
    Phase,
    ReviewState,
    RootCause,
    Ticket,
    TimelineEntry,
)

INCIDENT = "PT4KHLK"
TITLE = "Post-incident review: Checkout API returned 503s (PT4KHLK)"
JIRA = [
    {
        "id": "144880e9-a353-312f-9412-ed028e8166fa",
        "name": "Acme Jira",
        "url": "https://acme.atlassian.net",
    }
]


def review(**changes: Any) -> dict[str, Any]:
    """A review mapping as the workflow hands it to the document store."""
    incident = Incident(
        id=INCIDENT,
        number=7,
        title=changes.pop("title", "Checkout API returned 503s"),
        service_name="Checkout API",
        priority="P1",
        urgency="high",
        created_at=datetime(2025, 5, 1, 11, 0, tzinfo=UTC),
        resolved_at=datetime(2025, 5, 1, 12, 0, tzinfo=UTC),
        url=changes.pop("incident_url", "https://acme.pagerduty.com/incidents/PT4KHLK"),
        timeline=[
            TimelineEntry(
                at=datetime(2025, 5, 1, 11, 0, tzinfo=UTC), kind="trigger", summary="Triggered"
            )
        ],
    )
    state = ReviewState(
        incident=incident,
        facilitator="facilitator@example.com",
        leadership=["vp@example.com"],
        team="Payments",
        review_url=f"http://127.0.0.1:8080/reviews/{INCIDENT}",
        five_whys=FiveWhys(
            symptom="Checkout answered 503",
            whys=["the pool was exhausted", "a deploy doubled connections", "no canary stage"],
            root_causes=[RootCause(id="rc1", category="tooling", statement="No canary stage")],
        ),
        action_items=[
            ActionItem(
                id="1",
                title="Add a canary stage to the payments deploy",
                owner="ana@example.com",
                due="2031-03-14",
                done_when="every deploy passes a 10% canary for 15 minutes",
                root_cause="rc1",
                ticket=Ticket(key="OPS-1", url="https://acme.atlassian.net/browse/OPS-1"),
            )
        ],
    )
    data = state.model_dump(mode="json")
    data.update(changes)
    return data


@pytest.fixture
def fake() -> Iterator[FakeConfluence]:
    with FakeConfluence(jira_servers=JIRA) as server:
        server.add_space("PM")
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


def make_store(fake: FakeConfluence, sleeps: list[float], **overrides: Any) -> ConfluenceDocuments:
    options: dict[str, Any] = {
        "url": fake.url,
        "email": fake.email,
        "api_token": fake.api_token,
        "space": "PM",
        "timeout": 5.0,
        "sleep": sleeps.append,
        "ca_file": fake.ca_file,
    }
    options.update(overrides)
    return ConfluenceDocuments(**options)


@pytest.fixture
def store(fake: FakeConfluence, sleeps: list[float]) -> ConfluenceDocuments:
    return make_store(fake, sleeps)


def only_page(fake: FakeConfluence) -> str:
    pages = fake.pages_in("PM")
    assert len(pages) == 1, [p.current.title for p in pages]
    return pages[0].id


def raises(call: Any) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        call()
    assert caught.value.system == "confluence"
    return caught.value


def creates(fake: FakeConfluence) -> int:
    return fake.requests.count(("POST", "/wiki/api/v2/pages"))


def home_id(fake: FakeConfluence) -> str:
    return fake._space_by_key("PM").homepage_id


# -- creating, once ----------------------------------------------------------------------------


def test_first_write_creates_one_page_under_the_space_home_page(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert fake.page(only_page(fake)).parent_id == home_id(fake)


def test_page_title_names_the_incident(fake: FakeConfluence, store: ConfluenceDocuments) -> None:
    store.write_document(INCIDENT, review())
    assert fake.page(only_page(fake)).current.title == TITLE


def test_written_url_is_the_pages_stable_address(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    written = store.write_document(INCIDENT, review())
    assert written.url == f"{fake.url}/spaces/PM/pages/{only_page(fake)}"


def test_page_carries_the_incident_in_a_content_property(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert fake.property_value(only_page(fake), PROPERTY_KEY)["incident_id"] == INCIDENT


def test_writing_the_same_review_again_makes_no_new_version(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    again = store.write_document(INCIDENT, review())
    assert (again.changed, len(fake.page(only_page(fake)).versions)) == (False, 1)


def test_a_fresh_store_without_the_url_finds_the_page_again(
    fake: FakeConfluence, sleeps: list[float]
) -> None:
    make_store(fake, sleeps).write_document(INCIDENT, review())
    make_store(fake, sleeps).write_document(INCIDENT, review(phase=Phase.TRACKING.value))
    assert len(fake.page(only_page(fake)).versions) == 2


def test_the_page_is_found_by_title_while_search_has_not_caught_up(
    sleeps: list[float],
) -> None:
    with FakeConfluence(lagging_search=True) as fake:
        fake.add_space("PM")
        make_store(fake, sleeps).write_document(INCIDENT, review())
        make_store(fake, sleeps).write_document(INCIDENT, review(phase=Phase.TRACKING.value))
        assert len(fake.page(only_page(fake)).versions) == 2


def test_a_lost_create_answer_still_leaves_one_page(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    fake.drop_next("POST", "/wiki/api/v2/pages")
    store.write_document(INCIDENT, review())
    assert fake.property_value(only_page(fake), PROPERTY_KEY)["incident_id"] == INCIDENT


def test_a_retried_write_after_a_lost_create_answer_makes_no_second_page(
    fake: FakeConfluence, sleeps: list[float]
) -> None:
    # The first attempt's worker dies right after Confluence created the page.
    fake.drop_next("POST", "/wiki/api/v2/pages")
    fake.fail_next(503, 10, path="/wiki/api/v2/pages", method="GET", after=1)
    with pytest.raises(ConnectorError):
        make_store(fake, sleeps, max_retries=0).write_document(INCIDENT, review())
    fake.clear_failures()
    make_store(fake, sleeps).write_document(INCIDENT, review())
    only_page(fake)


def test_a_gateway_503_after_the_create_is_not_repeated(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    fake.fail_next(503, method="POST", path="/wiki/api/v2/pages", processed=True)
    store.write_document(INCIDENT, review())
    assert (len(fake.pages_in("PM")), creates(fake)) == (1, 1)


def test_a_title_taken_by_someone_elses_page_gets_a_suffix(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    person = fake.add_user("ana@example.com", "Ana Lima")
    theirs = fake.create_page_as(person, "PM", TITLE)
    store.write_document(INCIDENT, review())
    ours = [p for p in fake.pages_in("PM") if p.id != theirs]
    assert [p.current.title for p in ours] == [f"{TITLE} (2)"]


def test_someone_elses_page_with_the_title_is_left_untouched(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    person = fake.add_user("ana@example.com", "Ana Lima")
    theirs = fake.create_page_as(person, "PM", TITLE, "<p>My own notes.</p>")
    store.write_document(INCIDENT, review())
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value))
    assert (fake.body(theirs), len(fake.page(theirs).versions)) == ("<p>My own notes.</p>", 1)


def test_an_archived_page_holding_the_title_gets_a_suffix(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    person = fake.add_user("ana@example.com", "Ana Lima")
    fake.archive(fake.create_page_as(person, "PM", TITLE))
    store.write_document(INCIDENT, review())
    assert fake.page(only_page(fake)).current.title == f"{TITLE} (2)"


def test_a_suffixed_page_is_found_again(fake: FakeConfluence, sleeps: list[float]) -> None:
    person = fake.add_user("ana@example.com", "Ana Lima")
    theirs = fake.create_page_as(person, "PM", TITLE)
    make_store(fake, sleeps).write_document(INCIDENT, review())
    make_store(fake, sleeps).write_document(INCIDENT, review(phase=Phase.TRACKING.value))
    ours = [p for p in fake.pages_in("PM") if p.id != theirs]
    assert [len(p.versions) for p in ours] == [2]


def test_a_configured_parent_page_holds_the_review(
    fake: FakeConfluence, sleeps: list[float]
) -> None:
    parent = fake.create_page_as(fake.admin, "PM", "Post-incident reviews")
    make_store(fake, sleeps, parent_page_id=parent).write_document(INCIDENT, review())
    assert [p.parent_id for p in fake.pages_in("PM") if p.id != parent] == [parent]


def test_a_page_a_person_deleted_is_made_again(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    fake.page(only_page(fake)).status = "trashed"
    fake.reindex()
    again = store.write_document(INCIDENT, review(doc_url=first.url))
    assert again.url != first.url and len(fake.pages_in("PM")) == 1


def test_a_new_incident_title_retitles_the_same_page(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    store.write_document(INCIDENT, review(title="Checkout API timed out", doc_url=first.url))
    assert fake.page(only_page(fake)).current.title == (
        "Post-incident review: Checkout API timed out (PT4KHLK)"
    )


def test_a_long_incident_title_fits_confluences_limit(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review(title="x" * 400))
    title = fake.page(only_page(fake)).current.title
    assert len(title) <= 250 and title.endswith("… (PT4KHLK)")


# -- retries and conflicts -------------------------------------------------------------------


def test_a_429_burst_is_waited_out_honouring_retry_after(
    fake: FakeConfluence, store: ConfluenceDocuments, sleeps: list[float]
) -> None:
    store.validate()
    fake.rate_limit(3, retry_after="2")
    store.write_document(INCIDENT, review())
    assert (sleeps, len(fake.pages_in("PM"))) == ([2.0, 2.0, 2.0], 1)


def test_an_http_date_retry_after_is_honoured(
    fake: FakeConfluence, store: ConfluenceDocuments, sleeps: list[float]
) -> None:
    store.validate()
    when = format_datetime(datetime.now(UTC).replace(microsecond=0), usegmt=True)
    fake.rate_limit(1, retry_after=when)
    store.write_document(INCIDENT, review())
    assert len(sleeps) == 1 and 0.0 <= sleeps[0] <= 1.0


def test_rate_limiting_beyond_the_retries_is_rate_limited_with_the_wait(
    fake: FakeConfluence, sleeps: list[float]
) -> None:
    store = make_store(fake, sleeps, max_retries=2)
    store.validate()
    fake.rate_limit(5, retry_after="7")
    error = raises(lambda: store.write_document(INCIDENT, review()))
    assert (error.kind, error.retry_after, error.retryable) == (ErrorKind.RATE_LIMITED, 7.0, True)


def test_a_wait_longer_than_allowed_is_not_slept(fake: FakeConfluence, sleeps: list[float]) -> None:
    store = make_store(fake, sleeps, max_retry_wait=30)
    store.validate()
    fake.rate_limit(1, retry_after="3600")
    error = raises(lambda: store.write_document(INCIDENT, review()))
    assert (error.kind, sleeps) == (ErrorKind.RATE_LIMITED, [])


def test_a_5xx_on_a_read_is_retried(
    fake: FakeConfluence, store: ConfluenceDocuments, sleeps: list[float]
) -> None:
    store.validate()
    fake.fail_next(502, 2, method="GET")
    store.write_document(INCIDENT, review())
    assert len(sleeps) == 2 and len(fake.pages_in("PM")) == 1


def test_a_conflicting_save_is_re_read_and_the_update_lands_after_it(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    fake.race_next_update(fake.add_user("ana@example.com", "Ana Lima"), "Racing note.")
    written = store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    page = fake.page(only_page(fake))
    assert (written.version, page.current.number, page.current.author_id) == (
        3,
        3,
        fake.bot.account_id,
    )


def test_a_conflicting_save_to_notes_is_kept(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    fake.race_next_update(fake.add_user("ana@example.com", "Ana Lima"), "Racing note.")
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert "Racing note." in fake.body(only_page(fake))


def test_endless_conflicts_are_unavailable_to_retry_later(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    person = fake.add_user("ana@example.com", "Ana Lima")
    for n in range(6):
        fake.race_next_update(person, f"note {n}")
    error = raises(
        lambda: store.write_document(
            INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url)
        )
    )
    assert (error.kind, error.retryable) == (ErrorKind.UNAVAILABLE, True)


def test_a_lost_update_answer_is_not_applied_twice(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    fake.drop_next("PUT", "/wiki/api/v2/pages/")
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert fake.page(only_page(fake)).current.number == 2


# -- people's edits ----------------------------------------------------------------------------


def test_notes_a_person_writes_survive_every_update(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    page_id = only_page(fake)
    fake.append_notes(fake.add_user("ana@example.com", "Ana Lima"), page_id, "Call the DBA team.")
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    store.write_document(INCIDENT, review(phase=Phase.FOLLOW_UP.value, doc_url=first.url))
    assert fake.body(page_id).endswith("<p>Call the DBA team.</p>")


def test_an_edit_to_notes_alone_is_not_reported(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    fake.append_notes(fake.add_user("ana@example.com", "Ana Lima"), only_page(fake), "Mine.")
    written = store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert written.human_edit is None


def _edit_summary(fake: FakeConfluence, page_id: str) -> int:
    """Ana changes the Summary by hand; the version she saved."""
    person = fake.user_by_email("ana@example.com")
    body = fake.body(page_id).replace("Resolved at", "Fixed by hand at", 1)
    return fake.edit_as(person, page_id, body, "my fix")


def _replacing_write(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> tuple[int, DocumentWritten]:
    """Write, let Ana edit the Summary, write again: her version and the second write."""
    first = store.write_document(INCIDENT, review())
    fake.add_user("ana@example.com", "Ana Lima")
    version = _edit_summary(fake, only_page(fake))
    written = store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    return version, written


def test_an_edit_elsewhere_is_replaced(fake: FakeConfluence, store: ConfluenceDocuments) -> None:
    _replacing_write(fake, store)
    assert "Fixed by hand" not in fake.body(only_page(fake))


def test_an_edit_elsewhere_stays_in_the_page_history(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    version, _ = _replacing_write(fake, store)
    assert "Fixed by hand" in fake.body(only_page(fake), version)


def test_an_edit_elsewhere_is_reported_with_who_what_and_a_link(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    version, written = _replacing_write(fake, store)
    page_id = only_page(fake)
    assert written.human_edit is not None
    assert (written.human_edit.version, written.human_edit.author, written.human_edit.sections) == (
        version,
        "Ana Lima",
        ("Summary",),
    )
    assert written.human_edit.url == (
        f"{fake.url}/pages/viewpage.action?pageId={page_id}&pageVersion={version}"
    )


def test_an_edit_elsewhere_is_reported_once_the_page_is_current(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    _, written = _replacing_write(fake, store)
    later = store.write_document(INCIDENT, review(phase=Phase.FOLLOW_UP.value, doc_url=written.url))
    assert later.human_edit is None


def test_an_edit_report_survives_a_lost_update_answer(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    fake.add_user("ana@example.com", "Ana Lima")
    version = _edit_summary(fake, only_page(fake))
    fake.drop_next("PUT", "/wiki/api/v2/pages/")
    fake.fail_next(503, 10, method="GET", path="/wiki/api/v2/pages/")  # the attempt then fails
    with pytest.raises(ConnectorError):
        make_store(fake, [], max_retries=0).write_document(
            INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url)
        )
    fake.clear_failures()
    retried = store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert retried.human_edit is not None and retried.human_edit.version == version


def test_the_version_message_names_the_sections_that_changed(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    data = review(doc_url=first.url)
    data["went_well"] = [{"text": "Paging worked"}]
    store.write_document(INCIDENT, data)
    assert fake.page(only_page(fake)).current.message == "Followthrough: updated What went well"


def test_the_version_message_says_a_persons_edit_was_replaced(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    version, _ = _replacing_write(fake, store)
    assert (
        f"replaced a person's edit of version {version}"
        in fake.page(only_page(fake)).current.message
    )


def test_editor_attributes_alone_are_not_an_edit(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    page_id = only_page(fake)
    person = fake.add_user("ana@example.com", "Ana Lima")
    body = (
        fake.body(page_id)
        .replace("<h2>", '<h2 local-id="a1b2">')
        .replace("<table>", '<table data-layout="default">')
    )
    fake.edit_as(person, page_id, body)
    written = store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert written.human_edit is None


# -- what the page says ------------------------------------------------------------------------


def test_the_page_properties_report_lists_service_severity_phase_and_open_items(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value))
    [row] = fake.page_properties_report(home_id(fake), "postmortem")
    assert {k: row[k] for k in ("Service", "Severity", "Phase", "Open items")} == {
        "Service": "Checkout API",
        "Severity": "P1 / high",
        "Phase": "tracking",
        "Open items": "1",
    }


def test_labels_are_postmortem_service_team_and_phase(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert set(fake.label_names(only_page(fake))) == {
        "postmortem",
        "ft-incident-pt4khlk",
        "checkout-api",
        "payments",
        "phase-drafting",
    }


def test_the_phase_label_follows_the_phase(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert [n for n in fake.label_names(only_page(fake)) if n.startswith("phase-")] == [
        "phase-tracking"
    ]


def test_labels_people_add_are_kept(fake: FakeConfluence, store: ConfluenceDocuments) -> None:
    first = store.write_document(INCIDENT, review())
    page = fake.page(only_page(fake))
    page.labels.append(("99", "global", "sev1"))
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert "sev1" in fake.label_names(page.id)


def test_a_ticket_is_a_jira_macro_where_the_site_has_jira_linked(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert (
        '<ac:structured-macro ac:name="jira" ac:schema-version="1"><ac:parameter ac:name="server">'
        'Acme Jira</ac:parameter><ac:parameter ac:name="serverId">'
        '144880e9-a353-312f-9412-ed028e8166fa</ac:parameter><ac:parameter ac:name="key">OPS-1'
    ) in fake.body(only_page(fake))


def test_a_ticket_is_a_plain_link_without_a_linked_jira(sleeps: list[float]) -> None:
    with FakeConfluence(jira_servers=None) as fake:
        fake.add_space("PM")
        make_store(fake, sleeps).write_document(INCIDENT, review())
        body = fake.body(only_page(fake))
    assert (
        '<a href="https://acme.atlassian.net/browse/OPS-1">OPS-1</a>' in body
        and 'ac:name="jira"' not in body
    )


def test_a_ticket_of_another_tracker_is_a_plain_link(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    data = review()
    data["action_items"][0]["ticket"] = {
        "key": "LOCAL-1",
        "url": "http://127.0.0.1:8080/tickets/LOCAL-1",
    }
    store.write_document(INCIDENT, data)
    assert '<a href="http://127.0.0.1:8080/tickets/LOCAL-1">LOCAL-1</a>' in fake.body(
        only_page(fake)
    )


def test_the_page_links_to_the_review_in_followthrough(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert f'<a href="http://127.0.0.1:8080/reviews/{INCIDENT}">' in fake.body(only_page(fake))


def test_outside_text_is_escaped(fake: FakeConfluence, store: ConfluenceDocuments) -> None:
    hostile = 'Break <ac:structured-macro ac:name="html">]]>&amp;</p>"\''
    data = review(title=hostile)
    data["went_well"] = [{"text": "<script>alert(1)</script>"}]
    store.write_document(INCIDENT, data)
    body = fake.body(only_page(fake))
    assert "<script>" not in body and 'ac:name="html"' not in body and "&lt;script&gt;" in body


def test_characters_xml_forbids_are_dropped_so_the_page_is_accepted(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review(title="Bell \x07 and NUL \x00 in a title"))
    assert storage_problem(fake.body(only_page(fake))) is None


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,hi", "ftp://x.example/f", "//evil.example/x"]
)
def test_only_http_links_become_links(
    fake: FakeConfluence, store: ConfluenceDocuments, url: str
) -> None:
    store.write_document(INCIDENT, review(incident_url=url))
    assert url.split(":")[0] not in re.findall(r'href="([^"]*)"', fake.body(only_page(fake)))[0]


def test_an_audit_trail_becomes_an_appendix(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    data = review()
    data["audit"] = [
        {"at": "2025-05-02T09:00:00Z", "actor": "ana@example.com", "action": "published <now>"}
    ]
    store.write_document(INCIDENT, data)
    body = fake.body(only_page(fake))
    assert "<h2>Appendix: audit trail</h2>" in body and "published &lt;now&gt;" in body


def test_without_an_audit_trail_there_is_no_appendix(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert "Appendix" not in fake.body(only_page(fake))


def test_read_returns_the_pages_body(fake: FakeConfluence, store: ConfluenceDocuments) -> None:
    store.write_document(INCIDENT, review())
    assert store.read(INCIDENT) == fake.body(only_page(fake))


def test_read_of_a_review_without_a_page_is_none(store: ConfluenceDocuments) -> None:
    assert store.read("PNOPAGE") is None


def test_a_page_over_five_megabytes_is_refused_before_sending(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    data = review()
    data["went_well"] = [{"text": "x" * 1000} for _ in range(6000)]
    error = raises(lambda: store.write_document(INCIDENT, data))
    assert (error.kind, creates(fake)) == (ErrorKind.BAD_REQUEST, 0)


# -- start-up validation and errors ---------------------------------------------------------


def test_validation_learns_the_space_and_its_home_page(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    site = store.validate()
    assert (site.space_id, site.parent_id, site.account_id) == (
        fake._space_by_key("PM").id,
        home_id(fake),
        fake.bot.account_id,
    )


def test_validation_runs_once(fake: FakeConfluence, store: ConfluenceDocuments) -> None:
    store.write_document(INCIDENT, review())
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value))
    assert fake.count("GET", "/wiki/rest/api/user/current") == 1


def test_a_missing_space_is_not_found_and_names_the_setting(
    fake: FakeConfluence, sleeps: list[float]
) -> None:
    error = raises(make_store(fake, sleeps, space="NOPE").validate)
    assert error.kind is ErrorKind.NOT_FOUND and "FOLLOWTHROUGH_CONFLUENCE_SPACE" in error.message


def test_a_missing_create_permission_is_forbidden_and_named(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    fake.revoke("PM", fake.bot.account_id, ("create", "page"))
    error = raises(store.validate)
    assert error.kind is ErrorKind.FORBIDDEN and "'Add pages'" in error.message


def test_a_permission_taken_away_after_start_up_is_forbidden_and_named_on_update(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    fake.revoke("PM", fake.bot.account_id, ("create", "page"))
    error = raises(lambda: store.write_document(INCIDENT, review(phase=Phase.TRACKING.value)))
    assert error.kind is ErrorKind.FORBIDDEN and "'Add pages'" in error.message


def test_bad_credentials_are_unauthorized_and_name_the_settings(
    fake: FakeConfluence, sleeps: list[float]
) -> None:
    error = raises(make_store(fake, sleeps, api_token="wrong-token").validate)
    assert (
        error.kind is ErrorKind.UNAUTHORIZED
        and "FOLLOWTHROUGH_CONFLUENCE_API_TOKEN" in error.message
    )


def test_a_parent_page_outside_the_space_is_a_bad_setting(
    fake: FakeConfluence, sleeps: list[float]
) -> None:
    fake.add_space("OTHER")
    elsewhere = fake.create_page_as(fake.admin, "OTHER", "Elsewhere")
    error = raises(make_store(fake, sleeps, parent_page_id=elsewhere).validate)
    assert (
        error.kind is ErrorKind.BAD_REQUEST
        and "FOLLOWTHROUGH_CONFLUENCE_PARENT_PAGE_ID" in error.message
    )


def test_a_missing_parent_page_is_a_bad_setting(fake: FakeConfluence, sleeps: list[float]) -> None:
    error = raises(make_store(fake, sleeps, parent_page_id="424242").validate)
    assert error.kind is ErrorKind.BAD_REQUEST


def test_permission_taken_away_after_start_up_is_forbidden(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.validate()
    fake.revoke("PM", fake.bot.account_id, ("create", "page"))
    error = raises(lambda: store.write_document(INCIDENT, review()))
    assert (error.kind, error.retryable) == (ErrorKind.FORBIDDEN, False)


def test_a_page_restricted_from_editing_is_forbidden(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    fake.restrict_editing(only_page(fake), fake.admin.account_id)
    error = raises(
        lambda: store.write_document(
            INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url)
        )
    )
    assert error.kind is ErrorKind.FORBIDDEN


def test_no_answer_at_all_is_unavailable(sleeps: list[float]) -> None:
    store = ConfluenceDocuments(
        f"http://127.0.0.1:{free_port()}/wiki",
        "bot@example.com",
        "t0k3n",
        "PM",
        sleep=sleeps.append,
        timeout=2,
    )
    error = raises(store.validate)
    assert (error.kind, error.retryable) == (ErrorKind.UNAVAILABLE, True)


def test_a_malformed_body_is_refused_as_a_bad_request(store: ConfluenceDocuments) -> None:
    site = store.validate()
    body = {
        "spaceId": site.space_id,
        "status": "current",
        "title": "Broken",
        "body": {"representation": "storage", "value": "<p><b>unclosed</p>"},
    }
    error = raises(lambda: store.client.call("POST", "/api/v2/pages", "create a page", body=body))
    assert (error.kind, error.status, "Error parsing xhtml" in error.message) == (
        ErrorKind.BAD_REQUEST,
        400,
        True,
    )


def test_https_with_a_private_ca_works(sleeps: list[float]) -> None:
    with FakeConfluence(tls=True) as fake:
        fake.add_space("PM")
        make_store(fake, sleeps).write_document(INCIDENT, review())
        assert fake.url.startswith("https://") and len(fake.pages_in("PM")) == 1


def test_a_url_without_wiki_gets_it() -> None:
    client = ConfluenceClient("https://acme.atlassian.net", "bot@example.com", "t")
    assert client.base == "https://acme.atlassian.net/wiki"


# -- the token -----------------------------------------------------------------------------------


def _secret_forms(fake: FakeConfluence) -> list[str]:
    basic = base64.b64encode(f"{fake.email}:{fake.api_token}".encode()).decode()
    return [fake.api_token, basic]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 429, 500, 503])
def test_the_token_never_appears_in_an_error(
    fake: FakeConfluence, store: ConfluenceDocuments, status: int
) -> None:
    store.validate()
    fake.fail_next(status, 20, {"Retry-After": "0"})
    error = raises(lambda: store.write_document(INCIDENT, review()))
    text = f"{error} {error!r} {error.message}"
    assert not any(secret in text for secret in _secret_forms(fake))


def test_the_token_never_appears_in_logs_or_on_the_page(
    fake: FakeConfluence, store: ConfluenceDocuments, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.rate_limit(2, retry_after="0")
    fake.drop_next("POST", "/wiki/api/v2/pages")
    store.write_document(INCIDENT, review())
    page_id = only_page(fake)
    seen = caplog.text + fake.body(page_id) + str(fake.property_value(page_id, PROPERTY_KEY))
    seen += repr(store) + repr(store.client)
    assert caplog.records and not any(secret in seen for secret in _secret_forms(fake))


def test_items_settled_are_not_counted_as_open(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    data = review(phase=Phase.TRACKING.value)
    data["action_items"][0]["status"] = ItemStatus.DONE.value
    store.write_document(INCIDENT, data)
    [row] = fake.page_properties_report(home_id(fake), "postmortem")
    assert row["Open items"] == "0"


def test_a_429_on_the_create_itself_makes_one_page(
    fake: FakeConfluence, store: ConfluenceDocuments, sleeps: list[float]
) -> None:
    fake.fail_next(429, 2, {"Retry-After": "1"}, method="POST", path="/wiki/api/v2/pages")
    store.write_document(INCIDENT, review())
    assert (creates(fake), len(fake.pages_in("PM")), sleeps) == (3, 1, [1.0, 1.0])


def test_a_conflict_on_the_property_is_re_read_and_written(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    page_id = only_page(fake)
    fake.fail_next(409, method="PUT", path=f"/wiki/api/v2/pages/{page_id}/properties")
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert "phase-tracking" in fake.property_value(page_id, PROPERTY_KEY)["labels"]


def test_a_doc_url_of_another_reviews_page_is_not_taken_over(
    fake: FakeConfluence, store: ConfluenceDocuments
) -> None:
    other = store.write_document(
        "POTHER1", review(incident=dict(review()["incident"], id="POTHER1"))
    )
    store.write_document(INCIDENT, review(doc_url=other.url))
    assert (
        len(fake.pages_in("PM")) == 2 and len(fake.page(other.url.rsplit("/", 1)[1]).versions) == 1
    )
