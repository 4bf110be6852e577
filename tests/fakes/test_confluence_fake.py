"""The Confluence imitation answers in the documented shapes (plain HTTP calls, no connector)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.fakes.confluence import DUPLICATE_TITLE, FakeConfluence, storage_problem


@pytest.fixture
def fake() -> Iterator[FakeConfluence]:
    with FakeConfluence() as server:
        server.add_space("PM")
        yield server


def call(fake: FakeConfluence, method: str, path: str, **kwargs: Any) -> requests.Response:
    auth = kwargs.pop("auth", (fake.email, fake.api_token))
    return requests.request(method, f"{fake.url}{path}", auth=auth, timeout=5, **kwargs)


def create(fake: FakeConfluence, title: str, value: str = "<p>Hi</p>") -> requests.Response:
    space_id = fake._space_by_key("PM").id
    body = {"spaceId": space_id, "status": "current", "title": title}
    body["body"] = {"representation": "storage", "value": value}  # type: ignore[assignment]
    return call(fake, "POST", "/api/v2/pages", json=body)


def test_storage_with_namespaced_macros_and_html_entities_is_well_formed() -> None:
    value = '<ac:structured-macro ac:name="jira"><ac:parameter ac:name="key">A-1</ac:parameter></ac:structured-macro><p>&nbsp;&mdash;<ri:page ri:content-title="x"/></p>'
    assert storage_problem(value) is None


@pytest.mark.parametrize(
    "value", ["<p><b>bold</p></b>", "<p>a & b</p>", "<xy:thing/>", "<p>&bogus;</p>", "<p>open"]
)
def test_storage_that_is_not_well_formed_is_refused(value: str) -> None:
    assert (storage_problem(value) or "").startswith("Error parsing xhtml")


def test_v2_errors_have_the_errors_array(fake: FakeConfluence) -> None:
    answer = call(fake, "GET", "/api/v2/pages/1")
    [error] = answer.json()["errors"]
    assert (answer.status_code, error["status"], error["code"]) == (404, 404, "NOT_FOUND")


def test_v1_errors_have_status_code_and_message(fake: FakeConfluence) -> None:
    answer = call(fake, "GET", "/rest/api/user", params={"accountId": "nobody"})
    body = answer.json()
    assert (answer.status_code, body["statusCode"], "message" in body) == (404, 404, True)


def test_bad_credentials_answer_401(fake: FakeConfluence) -> None:
    answer = call(fake, "GET", "/api/v2/spaces", auth=(fake.email, "wrong"))
    assert (answer.status_code, answer.json()["errors"][0]["status"]) == (401, 401)


def test_spaces_by_key_give_the_home_page(fake: FakeConfluence) -> None:
    [space] = call(fake, "GET", "/api/v2/spaces", params={"keys": "PM"}).json()["results"]
    assert space["homepageId"] == fake._space_by_key("PM").homepage_id


def test_a_duplicate_title_answers_400(fake: FakeConfluence) -> None:
    create(fake, "Same")
    answer = create(fake, "Same")
    assert (answer.status_code, answer.json()["errors"][0]["title"]) == (400, DUPLICATE_TITLE)


def test_a_malformed_body_answers_400_and_creates_nothing(fake: FakeConfluence) -> None:
    answer = create(fake, "Broken", "<p><b>x</p>")
    assert (answer.status_code, fake.pages_in("PM")) == (400, [])


def test_an_update_with_a_stale_version_answers_409(fake: FakeConfluence) -> None:
    page = create(fake, "Page").json()
    update = {
        "id": page["id"],
        "status": "current",
        "title": "Page",
        "body": {"representation": "storage", "value": "<p>new</p>"},
        "version": {"number": 1},
    }
    answer = call(fake, "PUT", f"/api/v2/pages/{page['id']}", json=update)
    assert (
        answer.status_code == 409 and "Current Version: [1]" in answer.json()["errors"][0]["title"]
    )


def test_a_create_without_the_permission_answers_404(fake: FakeConfluence) -> None:
    fake.revoke("PM", fake.bot.account_id, ("create", "page"))
    assert create(fake, "Denied").status_code == 404


def test_lists_page_with_a_next_link(fake: FakeConfluence) -> None:
    for n in range(3):
        create(fake, f"Page {n}")
    first = call(fake, "GET", "/api/v2/pages", params={"limit": 2}).json()
    rest = requests.get(
        fake.site + first["_links"]["next"], auth=(fake.email, fake.api_token), timeout=5
    ).json()
    assert len(first["results"]) + len(rest["results"]) == 4  # three pages and the home page


def test_cql_finds_pages_by_label(fake: FakeConfluence) -> None:
    page = create(fake, "Labelled").json()
    call(
        fake,
        "POST",
        f"/rest/api/content/{page['id']}/label",
        json=[{"prefix": "global", "name": "postmortem"}],
    )
    found = call(
        fake, "GET", "/rest/api/content/search", params={"cql": 'label = "postmortem"'}
    ).json()
    assert [r["id"] for r in found["results"]] == [page["id"]]


def test_cql_on_an_unindexed_content_property_is_refused(fake: FakeConfluence) -> None:
    create(fake, "Any")
    cql = 'content.property[followthrough.review].incident_id = "P1"'
    assert call(fake, "GET", "/rest/api/content/search", params={"cql": cql}).status_code == 400


def test_cql_on_an_indexed_content_property_matches(fake: FakeConfluence) -> None:
    page = create(fake, "Any").json()
    call(
        fake,
        "POST",
        f"/api/v2/pages/{page['id']}/properties",
        json={"key": "ft", "value": {"incident": "P1"}},
    )
    fake.indexed_properties.add("ft")
    cql = 'content.property[ft].incident = "P1"'
    found = call(fake, "GET", "/rest/api/content/search", params={"cql": cql}).json()
    assert [r["id"] for r in found["results"]] == [page["id"]]


def test_a_lagging_index_hides_new_labels_until_reindexed() -> None:
    with FakeConfluence(lagging_search=True) as fake:
        fake.add_space("PM")
        page = create(fake, "Fresh").json()
        call(fake, "POST", f"/rest/api/content/{page['id']}/label", json=[{"name": "postmortem"}])
        params = {"cql": "label = postmortem"}
        before = call(fake, "GET", "/rest/api/content/search", params=params).json()["size"]
        fake.reindex()
        after = call(fake, "GET", "/rest/api/content/search", params=params).json()["size"]
    assert (before, after) == (0, 1)


def test_a_429_carries_retry_after(fake: FakeConfluence) -> None:
    fake.rate_limit(1, retry_after="5")
    answer = call(fake, "GET", "/api/v2/spaces")
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "5")


def test_a_dropped_create_is_carried_out(fake: FakeConfluence) -> None:
    fake.drop_next("POST", "/wiki/api/v2/pages")
    with pytest.raises(requests.ConnectionError):
        create(fake, "Lost")
    assert [p.current.title for p in fake.pages_in("PM")] == ["Lost"]
