"""ConfluenceDocuments' start-up validation and its errors, which name the setting to fix and never
the token (against the local Confluence Cloud imitation)."""

from __future__ import annotations

import base64
import logging

import pytest

from connectors.confluence import PROPERTY_KEY, ConfluenceClient, ConfluenceDocuments
from connectors.errors import ErrorKind, System
from tests.fakes.confluence import FakeConfluence
from tests.support.imitations import INCIDENT, home_id, make_store, only_page, raised, review
from tests.support.ports import free_port
from workflows.review import Phase

# -- start-up validation and errors ---------------------------------------------------------


def test_validation_learns_the_space_and_its_home_page(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    site = store.validate()
    assert (site.space_id, site.parent_id, site.account_id) == (
        confluence._space_by_key("PM").id,
        home_id(confluence),
        confluence.bot.account_id,
    )


def test_validation_runs_once(confluence: FakeConfluence, store: ConfluenceDocuments) -> None:
    store.write_document(INCIDENT, review())
    store.write_document(INCIDENT, review(phase=Phase.TRACKING.value))
    assert confluence.count("GET", "/wiki/rest/api/user/current") == 1


def test_a_missing_space_is_not_found_and_names_the_setting(
    confluence: FakeConfluence, sleeps: list[float]
) -> None:
    error = raised(System.CONFLUENCE, make_store(confluence, sleeps, space="NOPE").validate)
    assert error.kind is ErrorKind.NOT_FOUND and "FOLLOWTHROUGH_CONFLUENCE_SPACE" in error.message


def test_a_missing_create_permission_is_forbidden_and_named(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    confluence.revoke("PM", confluence.bot.account_id, ("create", "page"))
    error = raised(System.CONFLUENCE, store.validate)
    assert error.kind is ErrorKind.FORBIDDEN and "'Add pages'" in error.message


def test_a_permission_taken_away_after_start_up_is_forbidden_and_named_on_update(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.write_document(INCIDENT, review())
    confluence.revoke("PM", confluence.bot.account_id, ("create", "page"))
    error = raised(
        System.CONFLUENCE,
        lambda: store.write_document(INCIDENT, review(phase=Phase.TRACKING.value)),
    )
    assert error.kind is ErrorKind.FORBIDDEN and "'Add pages'" in error.message


def test_bad_credentials_are_unauthorized_and_name_the_settings(
    confluence: FakeConfluence, sleeps: list[float]
) -> None:
    error = raised(
        System.CONFLUENCE, make_store(confluence, sleeps, api_token="wrong-token").validate
    )
    assert (
        error.kind is ErrorKind.UNAUTHORIZED
        and "FOLLOWTHROUGH_CONFLUENCE_API_TOKEN" in error.message
    )


def test_a_parent_page_outside_the_space_is_a_bad_setting(
    confluence: FakeConfluence, sleeps: list[float]
) -> None:
    confluence.add_space("OTHER")
    elsewhere = confluence.create_page_as(confluence.admin, "OTHER", "Elsewhere")
    error = raised(
        System.CONFLUENCE, make_store(confluence, sleeps, parent_page_id=elsewhere).validate
    )
    assert (
        error.kind is ErrorKind.BAD_REQUEST
        and "FOLLOWTHROUGH_CONFLUENCE_PARENT_PAGE_ID" in error.message
    )


def test_a_missing_parent_page_is_a_bad_setting(
    confluence: FakeConfluence, sleeps: list[float]
) -> None:
    error = raised(
        System.CONFLUENCE, make_store(confluence, sleeps, parent_page_id="424242").validate
    )
    assert error.kind is ErrorKind.BAD_REQUEST


def test_permission_taken_away_after_start_up_is_forbidden(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    store.validate()
    confluence.revoke("PM", confluence.bot.account_id, ("create", "page"))
    error = raised(System.CONFLUENCE, lambda: store.write_document(INCIDENT, review()))
    assert (error.kind, error.retryable) == (ErrorKind.FORBIDDEN, False)


def test_a_page_restricted_from_editing_is_forbidden(
    confluence: FakeConfluence, store: ConfluenceDocuments
) -> None:
    first = store.write_document(INCIDENT, review())
    confluence.restrict_editing(only_page(confluence), confluence.admin.account_id)
    error = raised(
        System.CONFLUENCE,
        lambda: store.write_document(
            INCIDENT, review(phase=Phase.TRACKING.value, doc_url=first.url)
        ),
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
    error = raised(System.CONFLUENCE, store.validate)
    assert (error.kind, error.retryable) == (ErrorKind.UNAVAILABLE, True)


def test_a_malformed_body_is_refused_as_a_bad_request(store: ConfluenceDocuments) -> None:
    site = store.validate()
    body = {
        "spaceId": site.space_id,
        "status": "current",
        "title": "Broken",
        "body": {"representation": "storage", "value": "<p><b>unclosed</p>"},
    }
    error = raised(
        System.CONFLUENCE,
        lambda: store.client.call("POST", "/api/v2/pages", "create a page", body=body),
    )
    assert (error.kind, error.status, "Error parsing xhtml" in error.message) == (
        ErrorKind.BAD_REQUEST,
        400,
        True,
    )


def test_https_with_a_private_ca_works(sleeps: list[float]) -> None:
    with FakeConfluence(tls=True) as confluence:
        confluence.add_space("PM")
        make_store(confluence, sleeps).write_document(INCIDENT, review())
        assert confluence.url.startswith("https://") and len(confluence.pages_in("PM")) == 1


def test_a_url_without_wiki_gets_it() -> None:
    client = ConfluenceClient("https://acme.atlassian.net", "bot@example.com", "t")
    assert client.base == "https://acme.atlassian.net/wiki"


# -- the token -----------------------------------------------------------------------------------


def _secret_forms(confluence: FakeConfluence) -> list[str]:
    basic = base64.b64encode(f"{confluence.email}:{confluence.api_token}".encode()).decode()
    return [confluence.api_token, basic]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 429, 500, 503])
def test_the_token_never_appears_in_an_error(
    confluence: FakeConfluence, store: ConfluenceDocuments, status: int
) -> None:
    store.validate()
    confluence.fail_next(status, 20, {"Retry-After": "0"})
    error = raised(System.CONFLUENCE, lambda: store.write_document(INCIDENT, review()))
    text = f"{error} {error!r} {error.message}"
    assert not any(secret in text for secret in _secret_forms(confluence))


def test_the_token_never_appears_in_logs_or_on_the_page(
    confluence: FakeConfluence, store: ConfluenceDocuments, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    confluence.rate_limit(2, retry_after="0")
    confluence.drop_next("POST", "/wiki/api/v2/pages")
    store.write_document(INCIDENT, review())
    page_id = only_page(confluence)
    seen = (
        caplog.text
        + confluence.body(page_id)
        + str(confluence.property_value(page_id, PROPERTY_KEY))
    )
    seen += repr(store) + repr(store.client)
    assert caplog.records and not any(secret in seen for secret in _secret_forms(confluence))
