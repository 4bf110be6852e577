"""ConfluenceDocuments keeps what people write in the Notes section and reports edits it replaces
(against the local Confluence Cloud imitation)."""

from __future__ import annotations

import pytest

from connectors.confluence import ConfluenceDocuments
from connectors.documents import DocumentWritten
from connectors.errors import ConnectorError
from tests.fakes.confluence import FakeConfluence
from tests.support.imitations import INCIDENT, make_store, only_page, review
from workflows.review import Phase

# -- people's edits ----------------------------------------------------------------------------


def test_notes_a_person_writes_survive_every_update(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    page_id = only_page(confluence)
    confluence.append_notes(
        confluence.add_user("ana@example.com", "Ana Lima"), page_id, "Call the DBA team."
    )
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    store.write_document(INCIDENT, review(phase=Phase.FOLLOW_UP.value, doc_url=first.url))
    assert confluence.body(page_id).endswith("<p>Call the DBA team.</p>")


def test_an_edit_to_notes_alone_is_not_reported(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    confluence.append_notes(
        confluence.add_user("ana@example.com", "Ana Lima"), only_page(confluence), "Mine."
    )
    written = store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert written.human_edit is None


def _edit_summary(confluence: FakeConfluence, page_id: str) -> int:
    """Ana changes the Summary by hand; the version she saved."""
    person = confluence.user_by_email("ana@example.com")
    body = confluence.body(page_id).replace("Resolved at", "Fixed by hand at", 1)
    return confluence.edit_as(person, page_id, body, "my fix")


def _replacing_write(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> tuple[int, DocumentWritten]:
    """Write, let Ana edit the Summary, write again: her version and the second write."""
    first = store.write_document(INCIDENT, review())
    confluence.add_user("ana@example.com", "Ana Lima")
    version = _edit_summary(confluence, only_page(confluence))
    written = store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    return version, written


def test_an_edit_elsewhere_is_replaced(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    _replacing_write(confluence, store)
    assert "Fixed by hand" not in confluence.body(only_page(confluence))


def test_an_edit_elsewhere_stays_in_the_page_history(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    version, _ = _replacing_write(confluence, store)
    assert "Fixed by hand" in confluence.body(only_page(confluence), version)


def test_an_edit_elsewhere_is_reported_with_who_what_and_a_link(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    version, written = _replacing_write(confluence, store)
    page_id = only_page(confluence)
    assert written.human_edit is not None
    assert (written.human_edit.version, written.human_edit.author, written.human_edit.sections) == (
        version,
        "Ana Lima",
        ("Summary",),
    )
    assert written.human_edit.url == (
        f"{confluence.url}/pages/viewpage.action?pageId={page_id}&pageVersion={version}"
    )


def test_an_edit_elsewhere_is_reported_once_the_page_is_current(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    _, written = _replacing_write(confluence, store)
    later = store.write_document(INCIDENT, review(phase=Phase.FOLLOW_UP.value, doc_url=written.url))
    assert later.human_edit is None


def test_an_edit_report_survives_a_lost_update_answer(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    confluence.add_user("ana@example.com", "Ana Lima")
    version = _edit_summary(confluence, only_page(confluence))
    confluence.drop_next("PUT", "/wiki/api/v2/pages/")
    confluence.fail_next(
        503, 10, method="GET", path="/wiki/api/v2/pages/"
    )  # the attempt then fails
    with pytest.raises(ConnectorError):
        make_store(confluence, [], max_retries=0).write_document(
            INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url)
        )
    confluence.clear_failures()
    retried = store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert retried.human_edit is not None and retried.human_edit.version == version


def test_the_version_message_names_the_sections_that_changed(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    data = review(doc_url=first.url)
    data["went_well"] = [{"text": "Paging worked"}]
    store.write_document(INCIDENT, data)
    assert (
        confluence.page(only_page(confluence)).current.message
        == "Followthrough: updated What went well"
    )


def test_the_version_message_says_a_persons_edit_was_replaced(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    version, _ = _replacing_write(confluence, store)
    assert (
        f"replaced a person's edit of version {version}"
        in confluence.page(only_page(confluence)).current.message
    )


def test_editor_attributes_alone_are_not_an_edit(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    page_id = only_page(confluence)
    person = confluence.add_user("ana@example.com", "Ana Lima")
    body = (
        confluence.body(page_id)
        .replace("<h2>", '<h2 local-id="a1b2">')
        .replace("<table>", '<table data-layout="default">')
    )
    confluence.edit_as(person, page_id, body)
    written = store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert written.human_edit is None
