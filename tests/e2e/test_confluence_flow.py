"""`followthrough dev` with the Confluence Cloud and Jira imitations: the review document is a page.

One dev app for the module; every test drives its own incident, so each finds its own page.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from followthrough.settings import Settings
from tests.e2e.test_review_over_http import FIVE_WHYS
from tests.fakes.confluence import FakeConfluence, FakePage
from tests.fakes.jira import FakeJira
from tests.support.dev_app import DevApp, jira_env, start_dev_app
from tests.support.harness import Sent, outbox

WEBHOOK_SECRET = "jira-webhook-secret-for-confluence-tests"
ITEM = {
    "title": "Cap pool size at 20 in the service template",
    "owner": "carol@example.com",
    "done_when": "A load test at 2x peak keeps pool usage under 80%.",
    "root_cause": "rc1",
    "priority": "high",
}


@pytest.fixture(scope="module")
def jira() -> Iterator[FakeJira]:
    with FakeJira() as fake:
        fake.add_user("carol@example.com", "Carol Example")
        yield fake


@pytest.fixture(scope="module")
def confluence(jira: FakeJira) -> Iterator[FakeConfluence]:
    servers = [{"id": "144880e9-a353-312f-9412-ed028e8166fa", "name": "Jira", "url": jira.url}]
    with FakeConfluence(jira_servers=servers) as fake:
        fake.add_space("PM")
        yield fake


def confluence_env(fake: FakeConfluence, space: str = "PM") -> dict[str, str]:
    return {
        "FOLLOWTHROUGH_CONFLUENCE_URL": fake.url,
        "FOLLOWTHROUGH_CONFLUENCE_EMAIL": fake.email,
        "FOLLOWTHROUGH_CONFLUENCE_API_TOKEN": fake.api_token,
        "FOLLOWTHROUGH_CONFLUENCE_SPACE": space,
    }


@pytest.fixture(scope="module")
def app(
    tmp_path_factory: pytest.TempPathFactory, jira: FakeJira, confluence: FakeConfluence
) -> Iterator[DevApp]:
    started = start_dev_app(
        tmp_path_factory.mktemp("confluence"),
        {**jira_env(jira, WEBHOOK_SECRET), **confluence_env(confluence)},
    )
    yield started
    started.stop()


# -- helpers ---------------------------------------------------------------------------------


def resolved(app: DevApp) -> str:
    incident_id = "P" + uuid.uuid4().hex[:8].upper()
    assert app.send_pagerduty_resolved(incident_id).status_code == 202
    app.wait_for(lambda: app.review(incident_id)["doc_url"], timeout=30)
    return incident_id


def pages_of(confluence: FakeConfluence, incident_id: str) -> list[FakePage]:
    return [p for p in confluence.pages_in("PM") if f"({incident_id})" in p.current.title]


def page_of(confluence: FakeConfluence, incident_id: str) -> FakePage:
    pages = pages_of(confluence, incident_id)
    assert len(pages) == 1, [p.current.title for p in pages]
    return pages[0]


def version(confluence: FakeConfluence, incident_id: str) -> int:
    return page_of(confluence, incident_id).current.number


def wait_for_version_after(
    app: DevApp, confluence: FakeConfluence, incident_id: str, before: int
) -> int:
    return int(
        app.wait_for(
            lambda: version(confluence, incident_id) > before and version(confluence, incident_id)
        )
    )


def analyse(app: DevApp, incident_id: str) -> None:
    base = f"/api/reviews/{incident_id}"
    assert app.api("PUT", f"{base}/five-whys", json=FIVE_WHYS).status_code == 200
    due = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    answer = app.api("POST", f"{base}/action-items", json={**ITEM, "due": due})
    assert answer.status_code == 201, answer.text
    assert app.api("POST", f"{base}/went-well", json={"text": "Paging worked."}).status_code == 200


def publish(app: DevApp, incident_id: str) -> None:
    answer = app.api("POST", f"/api/reviews/{incident_id}/publish", json={})
    assert answer.status_code == 200, answer.text


def ticket_key(app: DevApp, incident_id: str) -> str:
    item: dict[str, Any] = app.wait_for(
        lambda: next((i for i in app.review(incident_id)["action_items"] if i["ticket"]), None),
        timeout=30,
    )
    return str(item["ticket"]["key"])


def problems(app: DevApp, incident_id: str, code: str) -> list[dict[str, Any]]:
    return [p for p in app.review(incident_id)["problems"] if p["code"] == code]


def mails(app: DevApp, kind: str, incident_id: str) -> list[Sent]:
    """The messages of ``kind`` about this incident in the dev app's outbox."""
    sent = outbox(Settings(data_dir=app.data_dir))
    return [m for m in sent if m.kind == kind and incident_id in m.subject + m.text]


def edit_summary(confluence: FakeConfluence, page: FakePage, by_name: str) -> int:
    person = confluence.add_user(f"{uuid.uuid4().hex[:6]}@example.com", by_name)
    body = page.current.body.replace("<h2>Summary</h2>", "<h2>Summary</h2><p>My own words.</p>")
    return confluence.edit_as(person, page.id, body, "fixed the summary")


# -- one page, kept in step --------------------------------------------------------------------


def test_a_resolved_incident_makes_exactly_one_page_and_doc_url_points_at_it(
    app: DevApp, confluence: FakeConfluence
) -> None:
    incident_id = resolved(app)
    page = page_of(confluence, incident_id)
    assert app.review(incident_id)["doc_url"] == f"{confluence.url}/spaces/PM/pages/{page.id}"


def test_the_analysis_publishing_and_a_ticket_closed_in_jira_each_update_the_page(
    app: DevApp, confluence: FakeConfluence, jira: FakeJira
) -> None:
    incident_id = resolved(app)
    start = version(confluence, incident_id)
    analyse(app, incident_id)
    analysed = wait_for_version_after(app, confluence, incident_id, start)
    publish(app, incident_id)
    key = ticket_key(app, incident_id)
    published = app.wait_for(
        lambda: (
            key in page_of(confluence, incident_id).current.body
            and version(confluence, incident_id)
        )
    )
    jira.transition(key, "Done")  # reconciliation notices it; no webhook needed
    app.wait_for(lambda: ">done (" in page_of(confluence, incident_id).current.body, timeout=30)
    assert start < analysed < published < version(confluence, incident_id)
    assert len(pages_of(confluence, incident_id)) == 1


def test_the_ticket_links_to_the_confluence_page(app: DevApp, jira: FakeJira) -> None:
    incident_id = resolved(app)
    analyse(app, incident_id)
    publish(app, incident_id)
    key = ticket_key(app, incident_id)
    links = [link["object"]["url"] for link in jira.remote_links(key)]
    assert links == [app.review(incident_id)["doc_url"]]


def test_a_persons_notes_survive_every_update(app: DevApp, confluence: FakeConfluence) -> None:
    incident_id = resolved(app)
    page = page_of(confluence, incident_id)
    person = confluence.add_user("nora@example.com", "Nora Notes")
    noted = confluence.append_notes(person, page.id, "Ask the DBA team about pool limits.")
    analyse(app, incident_id)
    wait_for_version_after(app, confluence, incident_id, noted)
    publish(app, incident_id)
    key = ticket_key(app, incident_id)
    app.wait_for(lambda: key in page_of(confluence, incident_id).current.body)
    assert "Ask the DBA team about pool limits." in page_of(confluence, incident_id).current.body
    assert not problems(app, incident_id, "DocumentEditReplaced")


def test_an_edit_elsewhere_is_replaced_kept_in_history_and_reported_to_the_facilitator(
    app: DevApp, confluence: FakeConfluence
) -> None:
    incident_id = resolved(app)
    edited = edit_summary(confluence, page_of(confluence, incident_id), "Paula Person")
    analyse(app, incident_id)
    wait_for_version_after(app, confluence, incident_id, edited)
    page = page_of(confluence, incident_id)
    assert "My own words." not in page.current.body
    assert "My own words." in confluence.body(page.id, edited)
    reported = app.wait_for(lambda: problems(app, incident_id, "DocumentEditReplaced"))
    assert f"pageVersion={edited}" in reported[0]["message"]
    assert "Paula Person" in reported[0]["message"]
    mail = app.wait_for(lambda: mails(app, "document_edit_replaced", incident_id))
    assert [m.to for m in mail] == [["facilitator@example.com"]]


def test_a_lost_create_answer_a_429_burst_and_a_409_each_end_with_one_page(
    app: DevApp, confluence: FakeConfluence
) -> None:
    confluence.drop_next("POST", "/wiki/api/v2/pages")
    incident_id = resolved(app)
    start = version(confluence, incident_id)
    page_id = page_of(confluence, incident_id).id
    confluence.rate_limit(3, "1", path=f"/wiki/api/v2/pages/{page_id}")
    racer = confluence.add_user("rita@example.com", "Rita Racer")
    confluence.race_next_update(racer, "Saved at the same moment.", page_id=page_id)
    analyse(app, incident_id)
    app.wait_for(
        lambda: "Pools default to unbounded." in page_of(confluence, incident_id).current.body,
        timeout=40,
    )
    page = page_of(confluence, incident_id)
    assert page.current.number > start + 1  # the racer's version, then ours on top of it
    assert "Saved at the same moment." in page.current.body  # it landed in Notes: theirs


def test_a_missing_permission_is_shown_on_the_review_and_mailed_once(
    app: DevApp, confluence: FakeConfluence
) -> None:
    confluence.revoke("PM", confluence.bot.account_id, ("create", "page"))
    try:
        incident_id = "P" + uuid.uuid4().hex[:8].upper()
        assert app.send_pagerduty_resolved(incident_id).status_code == 202
        app.wait_for(lambda: app.review(incident_id)["problems"], timeout=30)
        analyse(app, incident_id)  # more changes: tried again, not reported again
        app.wait_for(lambda: len(app.review(incident_id)["went_well"]) == 1)
        found = app.review(incident_id)["problems"]
        mail = app.wait_for(lambda: mails(app, "problem", incident_id))
    finally:
        confluence.grant("PM", confluence.bot.account_id, ("create", "page"))
    assert [p["code"] for p in found] == ["ConfluencePermissionDenied"]
    assert len(mail) == 1
    assert confluence.api_token not in str(found) + mail[0].text


# -- start-up ----------------------------------------------------------------------------------


def test_a_missing_space_stops_start_up_naming_the_setting(
    tmp_path: Path, confluence: FakeConfluence
) -> None:
    with pytest.raises(RuntimeError, match="exited 2") as caught:
        start_dev_app(tmp_path, confluence_env(confluence, space="NOPE"))
    assert "FOLLOWTHROUGH_CONFLUENCE_SPACE" in str(caught.value)
    assert confluence.api_token not in str(caught.value)


def test_the_review_pages_document_link_opens_the_confluence_page(
    app: DevApp, confluence: FakeConfluence
) -> None:
    incident_id = resolved(app)
    opened = app.wait_for(lambda: mails(app, "review_opened", incident_id))
    link = re.search(
        rf"{re.escape(app.base_url)}/reviews/{incident_id}\?t=[\w.\-]+", opened[0].text
    )
    assert link is not None, "the opening mail carries a signed review link"
    with httpx.Client(trust_env=False, timeout=30.0) as browser:
        assert browser.get(link.group(0)).status_code == 303  # to the clean URL, with a session
        answer = browser.get(f"{app.base_url}/reviews/{incident_id}/document")
    page = page_of(confluence, incident_id)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{confluence.url}/spaces/PM/pages/{page.id}"
