"""PagerDutyIncidents waits out rate limits and server errors within its bounds, and an unreachable
or untrusted API is unavailable (the real ``pagerduty`` client against the local HTTPS imitation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from connectors.errors import ConnectorError, ErrorKind
from connectors.pagerduty import DEFAULT_UNAVAILABLE_RETRY_AFTER, PagerDutyIncidents
from tests.fakes.pagerduty import FakePagerDuty
from tests.support.ports import free_port

# -- rate limits --------------------------------------------------------------------------------


def test_rate_limit_is_retried_after_ratelimit_reset(
    pagerduty: FakePagerDuty,
    source: PagerDutyIncidents,
    sleeps: list[float],
    incident: dict[str, Any],
) -> None:
    pagerduty.fail_next(429, headers={"ratelimit-reset": "7"})

    record = source.fetch(incident["id"])

    assert sleeps == [7.0]
    assert record.id == incident["id"]
    assert [path for _, path, _ in pagerduty.requests[:2]] == [f"/incidents/{incident['id']}"] * 2


def test_rate_limit_mid_pagination_resumes_at_the_offset_reached(
    pagerduty: FakePagerDuty,
    source: PagerDutyIncidents,
    sleeps: list[float],
    incident: dict[str, Any],
) -> None:
    path = f"/incidents/{incident['id']}/log_entries"
    pagerduty.fail_next(429, path=path, skip=1, headers={"ratelimit-reset": "2"})

    record = source.fetch(incident["id"])

    assert [page["offset"] for page in pagerduty.requests_to(path)] == ["0", "100", "100", "200"]
    assert len([e for e in record.timeline if e.kind != "note"]) == 230
    assert sleeps == [2.0]


def test_rate_limit_without_headers_backs_off_doubling(
    pagerduty: FakePagerDuty,
    source: PagerDutyIncidents,
    sleeps: list[float],
    incident: dict[str, Any],
) -> None:
    pagerduty.fail_next(
        429,
        count=2,
        headers={"ratelimit-reset": "", "ratelimit-limit": "", "ratelimit-remaining": ""},
        body={},
    )

    source.fetch(incident["id"])

    assert sleeps == [1.0, 2.0]


def test_endless_rate_limit_is_bounded(
    pagerduty: FakePagerDuty,
    make_source: Callable[..., PagerDutyIncidents],
    sleeps: list[float],
    incident: dict[str, Any],
) -> None:
    pagerduty.fail_next(429, count=None, headers={"ratelimit-reset": "3"})
    source = make_source(max_rate_limit_retries=4)

    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident["id"])

    assert caught.value.kind is ErrorKind.RATE_LIMITED
    assert caught.value.retry_after == 3.0
    assert caught.value.status == 429
    assert sleeps == [3.0] * 4
    assert len(pagerduty.requests) == 5


def test_rate_limit_reset_beyond_a_minute_is_left_to_the_caller(
    pagerduty: FakePagerDuty,
    source: PagerDutyIncidents,
    sleeps: list[float],
    incident: dict[str, Any],
) -> None:
    pagerduty.fail_next(429, headers={"ratelimit-reset": "3600"})

    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident["id"])

    assert (caught.value.kind, caught.value.retry_after) == (ErrorKind.RATE_LIMITED, 3600.0)
    assert sleeps == []


# -- server and network failures ----------------------------------------------------------------


def test_server_error_is_retried_with_short_backoff(
    pagerduty: FakePagerDuty,
    source: PagerDutyIncidents,
    sleeps: list[float],
    incident: dict[str, Any],
) -> None:
    pagerduty.fail_next(502)

    record = source.fetch(incident["id"])

    assert record.id == incident["id"]
    assert sleeps == [0.5]


def test_persistent_server_error_is_unavailable(
    pagerduty: FakePagerDuty,
    source: PagerDutyIncidents,
    sleeps: list[float],
    incident: dict[str, Any],
) -> None:
    pagerduty.fail_next(500, count=None)

    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident["id"])

    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert caught.value.status == 500
    assert caught.value.retry_after == DEFAULT_UNAVAILABLE_RETRY_AFTER
    assert caught.value.retryable
    assert sleeps == [0.5, 1.0]
    assert len(pagerduty.requests) == 3


def test_server_retry_after_is_passed_on(
    pagerduty: FakePagerDuty, source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    pagerduty.fail_next(503, count=None, headers={"Retry-After": "120"})

    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident["id"])

    assert (caught.value.kind, caught.value.retry_after) == (ErrorKind.UNAVAILABLE, 120.0)


def test_unreachable_api_is_unavailable(
    make_source: Callable[..., PagerDutyIncidents], sleeps: list[float]
) -> None:
    source = make_source(base_url=f"https://127.0.0.1:{free_port()}")

    with pytest.raises(ConnectorError) as caught:
        source.fetch("PABC123")

    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert "ConnectError" in caught.value.message
    assert sleeps == [0.5, 1.0]


def test_untrusted_certificate_is_unavailable(
    make_source: Callable[..., PagerDutyIncidents], pagerduty: FakePagerDuty
) -> None:
    source = make_source(ca_file=None)

    with pytest.raises(ConnectorError) as caught:
        source.fetch("PABC123")

    assert caught.value.kind is ErrorKind.UNAVAILABLE
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.message
    assert pagerduty.requests == []
