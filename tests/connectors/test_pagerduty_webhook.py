"""PagerDuty Webhooks V3: signature verification and event parsing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from connectors.pagerduty_webhook import (
    IncidentData,
    PagerDutyEvent,
    WebhookPayloadError,
    incident_of,
    is_merge_resolution,
    parse_event,
    sign,
    verify_signature,
)
from tests.fakes.pagerduty import (
    FakePagerDuty,
    build_ping_event,
    build_resolved_event,
    signed_headers,
    webhook_signature,
)

SECRET = "whsec-current-9f8e7d"
OLD_SECRET = "whsec-previous-1a2b3c"
BODY = b'{"event":{"id":"01ABC"}}'


@pytest.fixture(scope="module")
def incident() -> Iterator[dict[str, Any]]:
    with FakePagerDuty() as fake:
        yield fake.add_incident(log_entries=8, notes=1, responders=2)


@pytest.fixture(scope="module")
def resolved_body(incident: dict[str, Any]) -> bytes:
    return build_resolved_event(incident, event_id="01HZX3V9Q4D6W8K2M5N7P0R1ST")


def event_with(**changes: Any) -> bytes:
    """A minimal valid ``incident.resolved`` body with ``event`` keys replaced (None removes)."""
    event: dict[str, Any] = {
        "id": "01EVENT",
        "event_type": "incident.resolved",
        "resource_type": "incident",
        "occurred_at": "2026-05-04T11:59:23.000Z",
        "agent": None,
        "client": None,
        "data": {"id": "PABC123", "type": "incident", "status": "resolved", "title": "Down"},
    }
    for key, value in changes.items():
        if value is None:
            event.pop(key)
        else:
            event[key] = value
    return json.dumps({"event": event}).encode()


def data_without(field: str) -> dict[str, Any]:
    data = {"id": "PABC123", "type": "incident", "status": "resolved", "title": "Down"}
    data.pop(field)
    return data


# -- signatures ---------------------------------------------------------------------------------


def test_sign_is_hex_hmac_sha256_of_the_body() -> None:
    # printf '%s' '{"event":{"id":"01ABC"}}' | openssl dgst -sha256 -hmac 'whsec-test'
    expected = "cc74d35677260ee9bfab09e60301d43aabc7f7fa3e45ec76060a1e31e8ec5ca2"
    assert sign(BODY, "whsec-test") == f"v1={expected}"


def test_valid_signature_is_accepted() -> None:
    assert verify_signature(BODY, webhook_signature(BODY, SECRET), [SECRET])


def test_signature_under_another_secret_is_rejected() -> None:
    assert not verify_signature(BODY, webhook_signature(BODY, "not-ours"), [SECRET])


def test_tampered_body_is_rejected() -> None:
    header = webhook_signature(BODY, SECRET)
    assert not verify_signature(BODY.replace(b"01ABC", b"01ABD"), header, [SECRET])


def test_rotation_header_with_one_valid_signature_is_accepted() -> None:
    header = f"{webhook_signature(BODY, 'retired-secret')},{webhook_signature(BODY, SECRET)}"
    assert verify_signature(BODY, header, [SECRET])


def test_any_configured_secret_is_accepted() -> None:
    header = webhook_signature(BODY, OLD_SECRET)
    assert verify_signature(BODY, header, [SECRET, OLD_SECRET])


@pytest.mark.parametrize("header", [None, ""])
def test_missing_header_is_rejected(header: str | None) -> None:
    assert not verify_signature(BODY, header, [SECRET])


def test_no_configured_secret_rejects_everything() -> None:
    assert not verify_signature(BODY, webhook_signature(BODY, SECRET), [])


def test_empty_secret_is_not_a_key() -> None:
    assert not verify_signature(BODY, webhook_signature(BODY, ""), [""])


@pytest.mark.parametrize("version", ["v0", "v2", "V10", "sha256"])
def test_signatures_of_other_versions_are_ignored(version: str) -> None:
    digest = webhook_signature(BODY, SECRET).removeprefix("v1=")
    assert not verify_signature(BODY, f"{version}={digest}", [SECRET])


def test_non_v1_and_malformed_entries_do_not_hide_a_valid_one() -> None:
    digest = webhook_signature(BODY, SECRET).removeprefix("v1=")
    header = f"v2={digest},v1=not-hex,garbage,v1={digest}"
    assert verify_signature(BODY, header, [SECRET])


def test_spaces_around_entries_are_trimmed() -> None:
    header = f" v1=deadbeef ,  {webhook_signature(BODY, SECRET)}  "
    assert verify_signature(BODY, header, [SECRET])


def test_secretstr_secrets_are_accepted() -> None:
    assert verify_signature(BODY, webhook_signature(BODY, SECRET), [SecretStr(SECRET)])


def test_signed_headers_carry_one_signature_per_secret(resolved_body: bytes) -> None:
    headers = signed_headers(resolved_body, [SECRET, OLD_SECRET], webhook_id="wh-1")

    assert headers["User-Agent"] == "PagerDuty-Webhook/V3.0"
    assert headers["X-Webhook-Id"] == "wh-1"
    entries = headers["X-PagerDuty-Signature"].split(",")
    assert len(entries) == 2
    assert all(verify_signature(resolved_body, entry, [SECRET, OLD_SECRET]) for entry in entries)
    assert verify_signature(resolved_body, headers["X-PagerDuty-Signature"], [OLD_SECRET])


# -- parsing ------------------------------------------------------------------------------------


def test_resolved_event_parses(resolved_body: bytes) -> None:
    event = parse_event(resolved_body)

    assert isinstance(event, PagerDutyEvent)
    assert (event.id, event.event_type, event.resource_type) == (
        "01HZX3V9Q4D6W8K2M5N7P0R1ST",
        "incident.resolved",
        "incident",
    )
    assert event.occurred_at.tzinfo is not None
    assert event.agent is not None
    assert event.agent.type == "user_reference"


def test_incident_of_resolved_event_has_webhook_fields(
    resolved_body: bytes, incident: dict[str, Any]
) -> None:
    data = incident_of(parse_event(resolved_body))

    assert isinstance(data, IncidentData)
    assert (data.id, data.number, data.status, data.title) == (
        incident["id"],
        incident["incident_number"],
        "resolved",
        incident["title"],
    )
    assert data.service is not None
    assert data.service.id == incident["service"]["id"]
    assert data.priority is not None
    assert data.priority.summary == "P1"
    assert data.self_url == incident["self"]
    assert data.assignees == []
    assert data.resolve_reason is None


def test_resolved_event_body_is_compact_json(resolved_body: bytes) -> None:
    assert b", " not in resolved_body
    assert b": " not in resolved_body
    assert json.loads(resolved_body)["event"]["data"]["number"] > 0


def test_assignees_are_read_when_present() -> None:
    assignee = {"id": "PUSER01", "type": "user_reference", "summary": "Ada Lovelace"}
    data = {"id": "PABC123", "type": "incident", "status": "resolved", "title": "Down"}
    body = event_with(data={**data, "assignees": [assignee]})

    incident = incident_of(parse_event(body))

    assert incident is not None
    assert [(a.id, a.summary) for a in incident.assignees] == [("PUSER01", "Ada Lovelace")]


def test_ping_event_parses_without_incident() -> None:
    event = parse_event(build_ping_event())

    assert event.event_type == "pagey.ping"
    assert (event.agent, event.client) == (None, None)
    assert event.data["message"] == "Hello from your friend Pagey!"
    assert incident_of(event) is None


def test_non_incident_data_is_not_an_incident() -> None:
    note = {"id": "PNOTE01", "type": "incident_note", "content": "Rolled back."}
    event = parse_event(event_with(event_type="incident.annotated", data=note))

    assert incident_of(event) is None


def test_unknown_fields_are_ignored() -> None:
    data = {"id": "PABC123", "type": "incident", "status": "resolved", "title": "Down"}
    body = event_with(data={**data, "brand_new_field": {"x": 1}}, future_key=True)

    event = parse_event(body)

    assert incident_of(event) is not None


@pytest.mark.parametrize("body", [b"", b"not json", b'{"event": ', b"\xff\xfe\x00garbage"])
def test_non_json_body_is_a_payload_error(body: bytes) -> None:
    with pytest.raises(WebhookPayloadError, match="not valid JSON"):
        parse_event(body)


def test_json_that_is_not_an_object_is_a_payload_error() -> None:
    with pytest.raises(WebhookPayloadError, match="JSON object with an `event` key, not an array"):
        parse_event(b"[1, 2]")


def test_missing_event_is_a_payload_error() -> None:
    with pytest.raises(WebhookPayloadError, match="missing `event`"):
        parse_event(b'{"evnt": {}}')


def test_v2_payload_is_named_as_such() -> None:
    with pytest.raises(WebhookPayloadError, match="V2 webhook"):
        parse_event(b'{"messages": [{"event": "incident.resolve"}]}')


def test_event_that_is_not_an_object_is_a_payload_error() -> None:
    with pytest.raises(WebhookPayloadError, match="`event` must be an object, not a string"):
        parse_event(b'{"event": "incident.resolved"}')


@pytest.mark.parametrize("field", ["id", "event_type", "occurred_at", "data"])
def test_missing_envelope_field_is_named(field: str) -> None:
    with pytest.raises(WebhookPayloadError, match=rf"`event\.{field}`: missing"):
        parse_event(event_with(**{field: None}))


def test_missing_incident_id_is_named() -> None:
    with pytest.raises(WebhookPayloadError, match=r"`event\.data\.id`: missing"):
        parse_event(event_with(data=data_without("id")))


def test_every_problem_is_reported_at_once() -> None:
    data = data_without("id")
    data.pop("title")

    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(event_with(data=data))

    assert "`event.data.id`" in str(caught.value)
    assert "`event.data.title`" in str(caught.value)


def test_bad_occurred_at_is_named() -> None:
    with pytest.raises(WebhookPayloadError, match=r"`event\.occurred_at`"):
        parse_event(event_with(occurred_at="yesterday"))


def test_payload_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_event(b"{")


def test_merge_resolution_is_detected(incident: dict[str, Any]) -> None:
    data = incident_of(parse_event(build_resolved_event(incident, merge=True)))

    assert data is not None
    assert is_merge_resolution(data)
    assert data.resolve_reason is not None
    assert data.resolve_reason.incident is not None


def test_plain_resolution_is_not_a_merge(resolved_body: bytes) -> None:
    data = incident_of(parse_event(resolved_body))

    assert data is not None
    assert not is_merge_resolution(data)


def test_other_resolve_reasons_are_not_merges() -> None:
    data = {"id": "PABC123", "type": "incident", "status": "resolved", "title": "Down"}
    body = event_with(data={**data, "resolve_reason": {"type": "some_future_reason"}})

    incident = incident_of(parse_event(body))

    assert incident is not None
    assert not is_merge_resolution(incident)


def test_absurdly_nested_body_is_a_payload_error() -> None:
    with pytest.raises(WebhookPayloadError, match="nested too deeply"):
        parse_event(b"[" * 100_000 + b"]" * 100_000)
