"""Jira webhook signature, parsing and classification, on bodies made by the Jira imitation
(``jira``: running, so the bodies carry real ``self`` URLs)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from connectors.jira_webhook import (
    WebhookPayloadError,
    classify,
    parse_event,
    sign,
    verify_signature,
)
from tests.fakes.jira import FakeJira
from tests.support.imitations import LABEL, OWNER

SECRET = "whsec-jira-7d1f"


@pytest.fixture
def key(jira: FakeJira) -> str:
    return jira.add_issue("Add a canary stage", ("followthrough", LABEL), assignee=OWNER)


# -- signatures -------------------------------------------------------------------------------


def test_signature_from_jira_is_valid(jira: FakeJira, key: str) -> None:
    body = jira.transition(key, "Done")
    header = jira.webhook_headers(body, SECRET)["X-Hub-Signature"]

    assert verify_signature(body, header, SECRET) is True


def test_sign_produces_the_header_jira_sends(jira: FakeJira, key: str) -> None:
    body = jira.transition(key, "Done")

    assert sign(body, SECRET) == jira.webhook_headers(body, SECRET)["X-Hub-Signature"]


def test_signature_over_another_body_is_invalid(jira: FakeJira, key: str) -> None:
    body = jira.transition(key, "Done")
    header = jira.webhook_headers(body, SECRET)["X-Hub-Signature"]

    assert verify_signature(body.replace(b"Done", b"To Do"), header, SECRET) is False


def test_signature_with_another_secret_is_invalid(jira: FakeJira, key: str) -> None:
    body = jira.transition(key, "Done")
    header = jira.webhook_headers(body, "someone-else")["X-Hub-Signature"]

    assert verify_signature(body, header, SECRET) is False


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_signature_is_invalid(header: str | None) -> None:
    assert verify_signature(b"{}", header, SECRET) is False


def test_empty_secret_never_verifies() -> None:
    assert verify_signature(b"{}", sign(b"{}", ""), "") is False


@pytest.mark.parametrize("method", ["sha1", "md5", "sha-256", "hmac"])
def test_unsupported_method_prefix_is_invalid(method: str) -> None:
    algorithm = "sha1" if method == "sha1" else "sha256"
    digest = hmac.new(SECRET.encode(), b"{}", getattr(hashlib, algorithm)).hexdigest()

    assert verify_signature(b"{}", f"{method}={digest}", SECRET) is False


def test_digest_without_method_prefix_is_invalid() -> None:
    digest = sign(b"{}", SECRET).removeprefix("sha256=")

    assert verify_signature(b"{}", digest, SECRET) is False


def test_method_prefix_and_hex_case_are_ignored() -> None:
    digest = sign(b"{}", SECRET).removeprefix("sha256=")

    assert verify_signature(b"{}", f"SHA256={digest.upper()}", SECRET) is True


def test_sha512_signature_is_accepted() -> None:
    digest = hmac.new(SECRET.encode(), b"{}", hashlib.sha512).hexdigest()

    assert verify_signature(b"{}", f"sha512={digest}", SECRET) is True


def test_non_ascii_signature_is_invalid_not_an_error() -> None:
    assert verify_signature(b"{}", "sha256=ü" * 8, SECRET) is False


# -- classification -------------------------------------------------------------------------


def test_transition_to_done_is_closed(jira: FakeJira, key: str) -> None:
    body = jira.transition(key, "Done")

    change = classify(parse_event(body))

    assert change is not None
    assert change.kind == "closed"
    assert change.key == "OPS-1"
    assert LABEL in change.labels
    assert change.status == "Done"


def test_closed_change_carries_changelog_id_and_time(jira: FakeJira, key: str) -> None:
    body = jira.transition(key, "Done")
    raw = json.loads(body)

    change = classify(parse_event(body))

    assert change is not None
    assert change.event_id == raw["changelog"]["id"]
    assert change.issue_id == raw["issue"]["id"]
    assert change.at == datetime.fromtimestamp(raw["timestamp"] / 1000, tz=UTC)


def test_transition_out_of_done_is_reopened(jira: FakeJira, key: str) -> None:
    jira.transition(key, "Done")
    body = jira.transition(key, "To Do")

    change = classify(parse_event(body))

    assert change is not None
    assert change.kind == "reopened"


def test_move_between_open_statuses_reads_as_reopened(jira: FakeJira, key: str) -> None:
    body = jira.transition(key, "In Progress")

    change = classify(parse_event(body))

    assert change is not None
    assert change.kind == "reopened"


def test_deleted_issue_is_deleted(jira: FakeJira, key: str) -> None:
    body = jira.delete_issue(key)

    change = classify(parse_event(body))

    assert change is not None
    assert change.kind == "deleted"
    assert change.key == "OPS-1"
    assert LABEL in change.labels
    assert change.event_id is None


def test_other_field_change_is_ignored(jira: FakeJira, key: str) -> None:
    body = jira.edit(key, summary="Add a canary stage to every deploy")

    assert classify(parse_event(body)) is None


def test_edit_of_done_issue_is_not_a_second_close(jira: FakeJira, key: str) -> None:
    jira.transition(key, "Done")
    body = jira.edit(key, labels=["followthrough", LABEL, "q3"])

    assert classify(parse_event(body)) is None


def test_comment_created_event_is_ignored(jira: FakeJira, key: str) -> None:
    body = jira.comment_on(key, "Canary stage merged.")

    assert classify(parse_event(body)) is None


def test_issue_commented_update_is_ignored(jira: FakeJira, key: str) -> None:
    body = jira.comment_update_event(key, "Canary stage merged.")

    assert classify(parse_event(body)) is None


def test_status_change_without_status_category_is_ignored(jira: FakeJira, key: str) -> None:
    raw = json.loads(jira.transition(key, "Done"))
    del raw["issue"]["fields"]["status"]

    assert classify(parse_event(json.dumps(raw).encode())) is None


def test_event_without_issue_is_ignored() -> None:
    body = json.dumps({"webhookEvent": "jira:version_released", "timestamp": 1}).encode()

    assert classify(parse_event(body)) is None


def test_numeric_ids_are_read_as_strings(jira: FakeJira, key: str) -> None:
    raw = json.loads(jira.transition(key, "Done"))
    raw["issue"]["id"] = 10000
    raw["changelog"]["id"] = 10105

    change = classify(parse_event(json.dumps(raw).encode()))

    assert change is not None
    assert (change.issue_id, change.event_id) == ("10000", "10105")


# -- malformed payloads -----------------------------------------------------------------------


def payload_error(body: bytes) -> str:
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(body)
    return str(caught.value)


def test_non_json_body_is_refused() -> None:
    assert "not valid JSON" in payload_error(b"webhookEvent=jira:issue_updated")


def test_non_utf8_body_is_refused() -> None:
    assert "not valid JSON" in payload_error(b"\xff\xfe{")


def test_json_array_body_is_refused() -> None:
    assert "JSON object" in payload_error(b"[]")


def test_missing_webhook_event_is_named() -> None:
    assert "webhookEvent" in payload_error(b'{"timestamp": 1}')


def test_non_numeric_timestamp_is_named() -> None:
    body = b'{"webhookEvent": "jira:issue_deleted", "timestamp": "yesterday"}'

    assert "timestamp" in payload_error(body)


def test_issue_event_without_issue_is_refused() -> None:
    body = b'{"webhookEvent": "jira:issue_updated", "timestamp": 1}'

    assert "jira:issue_updated without an issue" in payload_error(body)


def test_issue_without_key_is_named(jira: FakeJira, key: str) -> None:
    raw = json.loads(jira.transition(key, "Done"))
    del raw["issue"]["key"]

    assert "issue.key" in payload_error(json.dumps(raw).encode())


@pytest.mark.parametrize("field", ["key", "id"])
def test_issue_with_an_empty_key_or_id_is_named(jira: FakeJira, key: str, field: str) -> None:
    raw = json.loads(jira.transition(key, "Done"))
    raw["issue"][field] = ""

    assert f"issue.{field}" in payload_error(json.dumps(raw).encode())


def test_payload_error_is_a_value_error() -> None:
    assert issubclass(WebhookPayloadError, ValueError)
