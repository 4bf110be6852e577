"""What a review's Confluence page says: the Page Properties Report row, labels, tickets, links,
escaping, the audit appendix, reading it back (against the local Confluence Cloud imitation)."""

from __future__ import annotations

import re

import pytest

from connectors.confluence import ConfluenceDocuments
from connectors.errors import ErrorKind, System
from tests.fakes.confluence import FakeConfluence, storage_problem
from tests.support.imitations import (
    INCIDENT,
    creates,
    home_id,
    make_store,
    only_page,
    raised,
    review,
)
from workflows.review import ItemStatus, Phase

# -- what the page says ------------------------------------------------------------------------


def test_the_page_properties_report_lists_service_severity_phase_and_open_items(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value))
    [row] = confluence.page_properties_report(home_id(confluence), "postmortem")
    assert {k: row[k] for k in ("Service", "Severity", "Phase", "Open items")} == {
        "Service": "Checkout API",
        "Severity": "P1 / high",
        "Phase": "tracking",
        "Open items": "1",
    }


def test_labels_are_postmortem_service_team_and_phase(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert set(confluence.label_names(only_page(confluence))) == {
        "postmortem",
        "ft-incident-pt4khlk",
        "checkout-api",
        "payments",
        "phase-drafting",
    }


def test_the_phase_label_follows_the_phase(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert [n for n in confluence.label_names(only_page(confluence)) if n.startswith("phase-")] == [
        "phase-tracking"
    ]


def test_labels_people_add_are_kept(confluence: FakeConfluence, store: ConfluenceDocuments) -> None:
    first = store.write_document(INCIDENT, review())
    page = confluence.page(only_page(confluence))
    page.labels.append(("99", "global", "sev1"))
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url))
    assert "sev1" in confluence.label_names(page.id)


def test_a_ticket_is_a_jira_macro_where_the_site_has_jira_linked(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert (
        '<ac:structured-macro ac:name="jira" ac:schema-version="1"><ac:parameter ac:name="server">'
        'Acme Jira</ac:parameter><ac:parameter ac:name="serverId">'
        '144880e9-a353-312f-9412-ed028e8166fa</ac:parameter><ac:parameter ac:name="key">OPS-1'
    ) in confluence.body(only_page(confluence))


def test_a_ticket_is_a_plain_link_without_a_linked_jira(sleeps: list[float]) -> None:
    with FakeConfluence(jira_servers=None) as confluence:
        confluence.add_space("PM")
        make_store(confluence, sleeps).write_document(INCIDENT, review())
        body = confluence.body(only_page(confluence))
    assert (
        '<a href="https://acme.atlassian.net/browse/OPS-1">OPS-1</a>' in body
        and 'ac:name="jira"' not in body
    )


def test_a_ticket_of_another_tracker_is_a_plain_link(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    data = review()
    data["action_items"][0]["ticket"] = {
        "key": "LOCAL-1",
        "url": "http://127.0.0.1:8080/tickets/LOCAL-1",
    }
    store.write_document(INCIDENT, data)
    assert '<a href="http://127.0.0.1:8080/tickets/LOCAL-1">LOCAL-1</a>' in confluence.body(
        only_page(confluence)
    )


def test_the_page_links_to_the_review_in_followthrough(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert f'<a href="http://127.0.0.1:8080/reviews/{INCIDENT}">' in confluence.body(
        only_page(confluence)
    )


def test_outside_text_is_escaped(confluence: FakeConfluence, store: ConfluenceDocuments) -> None:
    hostile = 'Break <ac:structured-macro ac:name="html">]]>&amp;</p>"\''
    data = review(title=hostile)
    data["went_well"] = [{"text": "<script>alert(1)</script>"}]
    store.write_document(INCIDENT, data)
    body = confluence.body(only_page(confluence))
    assert "<script>" not in body and 'ac:name="html"' not in body and "&lt;script&gt;" in body


def test_characters_xml_forbids_are_dropped_so_the_page_is_accepted(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review(title="Bell \x07 and NUL \x00 in a title"))
    assert storage_problem(confluence.body(only_page(confluence))) is None


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,hi", "ftp://x.example/f", "//evil.example/x"]
)
def test_only_http_links_become_links(
    confluence: FakeConfluence, store: ConfluenceDocuments, url: str
) -> None:
    store.write_document(INCIDENT, review(incident_url=url))
    assert (
        url.split(":")[0]
        not in re.findall(r'href="([^"]*)"', confluence.body(only_page(confluence)))[0]
    )


def test_an_audit_trail_becomes_an_appendix(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    data = review()
    data["audit"] = [
        {"at": "2025-05-02T09:00:00Z", "actor": "ana@example.com", "action": "published <now>"}
    ]
    store.write_document(INCIDENT, data)
    body = confluence.body(only_page(confluence))
    assert "<h2>Appendix: audit trail</h2>" in body and "published &lt;now&gt;" in body


def test_without_an_audit_trail_there_is_no_appendix(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert "Appendix" not in confluence.body(only_page(confluence))


def test_read_returns_the_pages_body(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    assert store.read(INCIDENT) == confluence.body(only_page(confluence))


def test_read_of_a_review_without_a_page_is_none(store: ConfluenceDocuments) -> None:
    assert store.read("PNOPAGE") is None


def test_a_page_over_five_megabytes_is_refused_before_sending(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    data = review()
    data["went_well"] = [{"text": "x" * 1000} for _ in range(6000)]
    error = raised(System.CONFLUENCE, lambda: store.write_document(INCIDENT, data))
    assert (error.kind, creates(confluence)) == (ErrorKind.BAD_REQUEST, 0)


def test_items_settled_are_not_counted_as_open(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    data = review(phase=Phase.TRACKING.value)
    data["action_items"][0]["status"] = ItemStatus.DONE.value
    store.write_document(INCIDENT, data)
    [row] = confluence.page_properties_report(home_id(confluence), "postmortem")
    assert row["Open items"] == "0"
