"""PagerDutyIncidents: the real ``pagerduty`` client against the local HTTPS imitation."""

from __future__ import annotations

import logging
import socket
import ssl
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pagerduty
import pytest

from connectors.errors import ConnectorError, ErrorKind
from connectors.incidents import IncidentRecord
from connectors.pagerduty import DEFAULT_UNAVAILABLE_RETRY_AFTER, PagerDutyIncidents
from tests.fakes.pagerduty import FakePagerDuty, error_body

WRONG_TOKEN = "wrong-token-Zk81+pqQ0dd"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakePagerDuty]:
    with FakePagerDuty() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh(fake: FakePagerDuty) -> None:
    fake.reset()


@pytest.fixture(scope="module")
def incident(fake: FakePagerDuty) -> dict[str, Any]:
    """230 log entries (three pages of 100), three notes, three responders."""
    return fake.add_incident(log_entries=230, notes=3, responders=3)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_source(
    fake: FakePagerDuty, sleeps: list[float]
) -> Iterator[Callable[..., PagerDutyIncidents]]:
    made: list[PagerDutyIncidents] = []

    def make(**overrides: Any) -> PagerDutyIncidents:
        options: dict[str, Any] = {
            "api_token": fake.token,
            "base_url": fake.base_url,
            "ca_file": fake.ca_file,
            "sleep": sleeps.append,
            "trust_env": False,
        }
        options.update(overrides)
        source = PagerDutyIncidents(**options)
        made.append(source)
        return source

    yield make
    for source in made:
        source.close()


@pytest.fixture
def source(make_source: Callable[..., PagerDutyIncidents]) -> PagerDutyIncidents:
    return make_source()


@pytest.fixture(scope="module")
def fetched(fake: FakePagerDuty, incident: dict[str, Any]) -> IncidentRecord:
    with PagerDutyIncidents(
        fake.token, base_url=fake.base_url, ca_file=fake.ca_file, trust_env=False
    ) as source:
        return source.fetch(incident["id"])


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


# -- the record ---------------------------------------------------------------------------------


def test_fetch_maps_incident_fields(fetched: IncidentRecord, incident: dict[str, Any]) -> None:
    assert fetched.id == incident["id"]
    assert fetched.number == incident["incident_number"]
    assert fetched.title == incident["title"]
    assert fetched.service_id == incident["service"]["id"]
    assert fetched.service_name == incident["service"]["summary"] == "Checkout API"
    assert fetched.priority == "P1"
    assert fetched.urgency == "high"
    assert fetched.url == incident["html_url"]
    assert fetched.created_at == when(incident["created_at"])


def test_fetch_reads_every_page_of_log_entries(
    fake: FakePagerDuty, source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    record = source.fetch(incident["id"])

    pages = fake.requests_to(f"/incidents/{incident['id']}/log_entries")
    assert [page["offset"] for page in pages] == ["0", "100", "200"]
    log_kinds = [entry for entry in record.timeline if entry.kind != "note"]
    assert len(log_kinds) == len(fake.log_entries[incident["id"]]) == 230


def test_timeline_includes_notes_with_their_author(
    fetched: IncidentRecord, fake: FakePagerDuty, incident: dict[str, Any]
) -> None:
    notes = [
        (entry.summary, entry.actor, entry.at) for entry in fetched.timeline if entry.kind == "note"
    ]
    expected = [
        (note["content"], note["user"]["summary"], when(note["created_at"]))
        for note in fake.notes[incident["id"]]
    ]
    assert notes == expected
    assert len(notes) == 3


def test_timeline_is_sorted_oldest_first(fetched: IncidentRecord) -> None:
    times = [entry.at for entry in fetched.timeline]
    assert times == sorted(times)
    assert fetched.timeline[0].kind == "trigger"
    assert fetched.timeline[-1].kind == "resolve"


def test_timeline_keeps_the_oldest_entries_and_counts_them_all(
    source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    whole = source.fetch(incident["id"])
    record = source.fetch(incident["id"], max_timeline=50)

    assert record.timeline == whole.timeline[:50]
    assert record.timeline_total == len(whole.timeline) == 233
    assert record.resolved_at == whole.resolved_at  # read from every entry, kept or not


def test_timeline_summaries_are_cut_at_the_limit(
    source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    record = source.fetch(incident["id"], max_summary=12)

    assert all(len(entry.summary) <= 12 for entry in record.timeline)
    cut = [entry.summary for entry in record.timeline if entry.summary.endswith("…")]
    assert cut and all(len(summary) == 12 for summary in cut)


def test_timeline_kind_drops_suffix_and_actor_is_agent_summary(
    fetched: IncidentRecord, fake: FakePagerDuty, incident: dict[str, Any]
) -> None:
    oldest = fake.log_entries[incident["id"]][-1]
    first = fetched.timeline[0]
    assert (first.kind, first.summary, first.actor) == (
        "trigger",
        oldest["summary"],
        oldest["agent"]["summary"],
    )
    kinds = {entry.kind for entry in fetched.timeline}
    assert {"assign", "escalate", "notify", "acknowledge", "annotate", "resolve"} <= kinds
    assert not any(kind.endswith("_log_entry") for kind in kinds)


def test_resolved_at_is_the_resolve_log_entry_time(
    fetched: IncidentRecord, fake: FakePagerDuty, incident: dict[str, Any]
) -> None:
    resolve = next(e for e in fake.log_entries[incident["id"]] if e["type"] == "resolve_log_entry")
    assert fetched.resolved_at == when(resolve["created_at"])


def test_responders_are_the_people_in_the_log_with_emails(
    fetched: IncidentRecord, fake: FakePagerDuty, incident: dict[str, Any]
) -> None:
    people = {
        ref["id"]
        for entry in fake.log_entries[incident["id"]]
        for ref in entry.get("assignees", [])
    }
    assert len(people) == 3
    assert [r.id for r in fetched.responders] == [
        # first involved first: the assignment order of the fake
        e["assignees"][0]["id"]
        for e in reversed(fake.log_entries[incident["id"]])
        if e["type"] in ("assign_log_entry", "escalate_log_entry")
    ][:3]
    for responder in fetched.responders:
        user = fake.users[responder.id or ""]
        assert (responder.name, responder.email) == (user["name"], user["email"])


def test_integration_agents_are_not_responders(
    fetched: IncidentRecord, fake: FakePagerDuty, incident: dict[str, Any]
) -> None:
    trigger = fake.log_entries[incident["id"]][-1]
    assert trigger["agent"]["type"] != "user_reference"
    assert trigger["agent"]["id"] not in {r.id for r in fetched.responders}


def test_auto_resolving_integration_is_actor_but_not_responder(
    fake: FakePagerDuty, source: PagerDutyIncidents
) -> None:
    auto = fake.add_incident(log_entries=10, notes=0, responders=2, auto_resolved=True)
    resolve = fake.log_entries[auto["id"]][0]
    assert resolve["type"] == "resolve_log_entry"

    record = source.fetch(auto["id"])

    assert record.timeline[-1].actor == resolve["agent"]["summary"] == "Prometheus Alertmanager"
    assert resolve["agent"]["id"] not in {r.id for r in record.responders}
    assert len(record.responders) == 2


def test_email_lookups_are_bounded_to_twenty_users(
    fake: FakePagerDuty, source: PagerDutyIncidents
) -> None:
    crowded = fake.add_incident(log_entries=60, notes=0, responders=25)

    record = source.fetch(crowded["id"])

    user_requests = [path for method, path, _ in fake.requests if path.startswith("/users/")]
    assert len(user_requests) == 20
    assert len(record.responders) == 25
    assert all(r.email for r in record.responders[:20])
    assert all(r.email is None and r.name for r in record.responders[20:])


def test_responder_whose_user_is_gone_keeps_name_without_email(
    fake: FakePagerDuty, source: PagerDutyIncidents
) -> None:
    gone = fake.add_user(name="Former Colleague")
    other = fake.add_user()
    lost = fake.add_incident(log_entries=10, notes=0, responders=[gone, other])
    del fake.users[gone["id"]]

    record = source.fetch(lost["id"])

    by_id = {r.id: r for r in record.responders}
    assert (by_id[gone["id"]].name, by_id[gone["id"]].email) == ("Former Colleague", None)
    assert by_id[other["id"]].email == other["email"]


def test_fetch_by_incident_number_reads_by_real_id(
    fake: FakePagerDuty, source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    record = source.fetch(str(incident["incident_number"]))

    assert record.id == incident["id"]
    assert fake.requests_to(f"/incidents/{incident['id']}/notes") == [{}]


def test_priority_is_none_when_the_incident_has_none(
    fake: FakePagerDuty, source: PagerDutyIncidents
) -> None:
    unprioritised = fake.add_incident(priority=None, log_entries=8, notes=1, responders=1)

    assert source.fetch(unprioritised["id"]).priority is None


# -- rate limits --------------------------------------------------------------------------------


def test_rate_limit_is_retried_after_ratelimit_reset(
    fake: FakePagerDuty, source: PagerDutyIncidents, sleeps: list[float], incident: dict[str, Any]
) -> None:
    fake.fail_next(429, headers={"ratelimit-reset": "7"})

    record = source.fetch(incident["id"])

    assert sleeps == [7.0]
    assert record.id == incident["id"]
    assert [path for _, path, _ in fake.requests[:2]] == [f"/incidents/{incident['id']}"] * 2


def test_rate_limit_mid_pagination_resumes_at_the_offset_reached(
    fake: FakePagerDuty, source: PagerDutyIncidents, sleeps: list[float], incident: dict[str, Any]
) -> None:
    path = f"/incidents/{incident['id']}/log_entries"
    fake.fail_next(429, path=path, skip=1, headers={"ratelimit-reset": "2"})

    record = source.fetch(incident["id"])

    assert [page["offset"] for page in fake.requests_to(path)] == ["0", "100", "100", "200"]
    assert len([e for e in record.timeline if e.kind != "note"]) == 230
    assert sleeps == [2.0]


def test_rate_limit_without_headers_backs_off_doubling(
    fake: FakePagerDuty, source: PagerDutyIncidents, sleeps: list[float], incident: dict[str, Any]
) -> None:
    fake.fail_next(
        429,
        count=2,
        headers={"ratelimit-reset": "", "ratelimit-limit": "", "ratelimit-remaining": ""},
        body={},
    )

    source.fetch(incident["id"])

    assert sleeps == [1.0, 2.0]


def test_endless_rate_limit_is_bounded(
    fake: FakePagerDuty,
    make_source: Callable[..., PagerDutyIncidents],
    sleeps: list[float],
    incident: dict[str, Any],
) -> None:
    fake.fail_next(429, count=None, headers={"ratelimit-reset": "3"})
    source = make_source(max_rate_limit_retries=4)

    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident["id"])

    assert caught.value.kind is ErrorKind.RATE_LIMITED
    assert caught.value.retry_after == 3.0
    assert caught.value.status == 429
    assert sleeps == [3.0] * 4
    assert len(fake.requests) == 5


def test_rate_limit_reset_beyond_a_minute_is_left_to_the_caller(
    fake: FakePagerDuty, source: PagerDutyIncidents, sleeps: list[float], incident: dict[str, Any]
) -> None:
    fake.fail_next(429, headers={"ratelimit-reset": "3600"})

    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident["id"])

    assert (caught.value.kind, caught.value.retry_after) == (ErrorKind.RATE_LIMITED, 3600.0)
    assert sleeps == []


# -- server and network failures ----------------------------------------------------------------


def test_server_error_is_retried_with_short_backoff(
    fake: FakePagerDuty, source: PagerDutyIncidents, sleeps: list[float], incident: dict[str, Any]
) -> None:
    fake.fail_next(502)

    record = source.fetch(incident["id"])

    assert record.id == incident["id"]
    assert sleeps == [0.5]


def test_persistent_server_error_is_unavailable(
    fake: FakePagerDuty, source: PagerDutyIncidents, sleeps: list[float], incident: dict[str, Any]
) -> None:
    fake.fail_next(500, count=None)

    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident["id"])

    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert caught.value.status == 500
    assert caught.value.retry_after == DEFAULT_UNAVAILABLE_RETRY_AFTER
    assert caught.value.retryable
    assert sleeps == [0.5, 1.0]
    assert len(fake.requests) == 3


def test_server_retry_after_is_passed_on(
    fake: FakePagerDuty, source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    fake.fail_next(503, count=None, headers={"Retry-After": "120"})

    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident["id"])

    assert (caught.value.kind, caught.value.retry_after) == (ErrorKind.UNAVAILABLE, 120.0)


def test_unreachable_api_is_unavailable(
    make_source: Callable[..., PagerDutyIncidents], sleeps: list[float]
) -> None:
    source = make_source(base_url=f"https://127.0.0.1:{closed_port()}")

    with pytest.raises(ConnectorError) as caught:
        source.fetch("PABC123")

    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert "ConnectError" in caught.value.message
    assert sleeps == [0.5, 1.0]


def test_untrusted_certificate_is_unavailable(
    make_source: Callable[..., PagerDutyIncidents], fake: FakePagerDuty
) -> None:
    source = make_source(ca_file=None)

    with pytest.raises(ConnectorError) as caught:
        source.fetch("PABC123")

    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.message
    assert fake.requests == []


# -- fail fast ----------------------------------------------------------------------------------


def test_wrong_token_is_unauthorized_after_one_request(
    fake: FakePagerDuty,
    make_source: Callable[..., PagerDutyIncidents],
    sleeps: list[float],
    incident: dict[str, Any],
) -> None:
    source = make_source(api_token=WRONG_TOKEN)

    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident["id"])

    assert (caught.value.kind, caught.value.status) == (ErrorKind.UNAUTHORIZED, 401)
    assert "2006" in caught.value.message
    assert not caught.value.retryable
    assert len(fake.requests) == 1
    assert sleeps == []


def test_forbidden_fails_fast(
    fake: FakePagerDuty, source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    fake.fail_next(403)

    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident["id"])

    assert (caught.value.kind, caught.value.status) == (ErrorKind.FORBIDDEN, 403)
    assert len(fake.requests) == 1


def test_unknown_incident_is_not_found(fake: FakePagerDuty, source: PagerDutyIncidents) -> None:
    with pytest.raises(ConnectorError) as caught:
        source.fetch("PNOSUCH")

    assert (caught.value.kind, caught.value.status) == (ErrorKind.NOT_FOUND, 404)
    assert "/incidents/PNOSUCH" in caught.value.message
    assert "2100" in caught.value.message
    assert len(fake.requests) == 1


def test_bad_request_fails_fast(
    fake: FakePagerDuty, source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    fake.fail_next(400, body=error_body("Invalid Input Provided", 2001, ["bad include"]))

    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident["id"])

    assert caught.value.kind is ErrorKind.BAD_REQUEST
    assert "bad include" in caught.value.message
    assert len(fake.requests) == 1


@pytest.mark.parametrize("incident_id", ["../users/PABC123", "", "P1 OR 1", "P/../x", "PABC123\n"])
def test_malformed_incident_id_is_refused_without_a_request(
    fake: FakePagerDuty, source: PagerDutyIncidents, incident_id: str
) -> None:
    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident_id)

    assert caught.value.kind is ErrorKind.BAD_REQUEST
    assert fake.requests == []


def test_http_base_url_is_refused() -> None:
    with pytest.raises(ValueError, match="https"):
        PagerDutyIncidents("token", base_url="http://127.0.0.1:1")


# -- secrets ------------------------------------------------------------------------------------


def _provoke(
    case: str,
    fake: FakePagerDuty,
    make_source: Callable[..., PagerDutyIncidents],
    incident_id: str,
) -> tuple[ConnectorError, str]:
    """The error of one failure path, and the token that must not appear in it."""
    echo = error_body(f"token {fake.token} rejected", 2000, [f"Authorization: {fake.token}"])
    source = make_source()
    token = fake.token
    if case == "unauthorized":
        source, token = make_source(api_token=WRONG_TOKEN), WRONG_TOKEN
    elif case == "unauthorized_echoed":
        fake.fail_next(401, body=echo)
    elif case == "forbidden":
        fake.fail_next(403, body=echo)
    elif case == "bad_request":
        fake.fail_next(400, body=echo)
    elif case == "rate_limited":
        fake.fail_next(429, count=None, body=echo)
    elif case == "server_error":
        fake.fail_next(500, count=None, body=echo)
    elif case == "not_found":
        incident_id = "PNOSUCH"
    elif case == "unreachable":
        source = make_source(base_url=f"https://127.0.0.1:{closed_port()}")
    elif case == "untrusted_certificate":
        source = make_source(ca_file=None)
    elif case == "malformed_id":
        incident_id = "P/" + token
    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident_id)
    return caught.value, token


@pytest.mark.parametrize(
    "case",
    [
        "unauthorized",
        "unauthorized_echoed",
        "forbidden",
        "bad_request",
        "rate_limited",
        "server_error",
        "not_found",
        "unreachable",
        "untrusted_certificate",
        "malformed_id",
    ],
)
def test_token_never_appears_in_errors_or_logs(
    case: str,
    fake: FakePagerDuty,
    make_source: Callable[..., PagerDutyIncidents],
    incident: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)

    error, token = _provoke(case, fake, make_source, incident["id"])

    assert token not in str(error)
    assert token not in repr(error)
    assert token not in error.message
    assert error.__cause__ is None  # no library exception (with key fragments) rides along
    assert token not in caplog.text


def test_repr_hides_token(source: PagerDutyIncidents, fake: FakePagerDuty) -> None:
    assert fake.token not in repr(source)
    assert fake.base_url in repr(source)


# -- the imitation answers like PagerDuty --------------------------------------------------------


@pytest.fixture
def raw_client(fake: FakePagerDuty) -> Iterator[pagerduty.RestApiV2Client]:
    context = ssl.create_default_context(cafile=str(fake.ca_file))
    client = pagerduty.RestApiV2Client(
        fake.token, base_url=fake.base_url, verify=context, trust_env=False
    )
    yield client
    client.close()


def test_fake_log_entries_default_to_25_without_total(
    raw_client: pagerduty.RestApiV2Client, incident: dict[str, Any]
) -> None:
    body = raw_client.jget(f"/incidents/{incident['id']}/log_entries")

    assert (len(body["log_entries"]), body["limit"], body["offset"]) == (25, 25, 0)
    assert (body["more"], body["total"]) == (True, None)


def test_fake_log_entries_are_newest_first_with_total_on_request(
    raw_client: pagerduty.RestApiV2Client, incident: dict[str, Any]
) -> None:
    body = raw_client.jget(
        f"/incidents/{incident['id']}/log_entries",
        params={"total": "true", "limit": 100, "offset": 200},
    )

    assert (len(body["log_entries"]), body["more"], body["total"]) == (30, False, 230)
    times = [entry["created_at"] for entry in body["log_entries"]]
    assert times == sorted(times, reverse=True)


def test_fake_refuses_offsets_beyond_ten_thousand(
    raw_client: pagerduty.RestApiV2Client, incident: dict[str, Any]
) -> None:
    response = raw_client.get(
        f"/incidents/{incident['id']}/log_entries", params={"limit": 100, "offset": 9901}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == 2001
