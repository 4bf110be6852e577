"""What PagerDuty refuses fails fast as a ConnectorError naming the cause, never the token (the
real ``pagerduty`` client against the local HTTPS imitation)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from connectors.errors import ConnectorError, ErrorKind
from connectors.pagerduty import PagerDutyIncidents
from tests.fakes.pagerduty import FakePagerDuty, error_body
from tests.support.imitations import WRONG_TOKEN
from tests.support.ports import free_port

# -- fail fast ----------------------------------------------------------------------------------


def test_wrong_token_is_unauthorized_after_one_request(
    pagerduty: FakePagerDuty,
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
    assert len(pagerduty.requests) == 1
    assert sleeps == []


def test_forbidden_fails_fast(
    pagerduty: FakePagerDuty, source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    pagerduty.fail_next(403)

    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident["id"])

    assert (caught.value.kind, caught.value.status) == (ErrorKind.FORBIDDEN, 403)
    assert len(pagerduty.requests) == 1


def test_unknown_incident_is_not_found(
    pagerduty: FakePagerDuty, source: PagerDutyIncidents
) -> None:
    with pytest.raises(ConnectorError) as caught:
        source.fetch("PNOSUCH")

    assert (caught.value.kind, caught.value.status) == (ErrorKind.NOT_FOUND, 404)
    assert "/incidents/PNOSUCH" in caught.value.message
    assert "2100" in caught.value.message
    assert len(pagerduty.requests) == 1


def test_bad_request_fails_fast(
    pagerduty: FakePagerDuty, source: PagerDutyIncidents, incident: dict[str, Any]
) -> None:
    pagerduty.fail_next(400, body=error_body("Invalid Input Provided", 2001, ["bad include"]))

    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident["id"])

    assert caught.value.kind is ErrorKind.BAD_REQUEST
    assert "bad include" in caught.value.message
    assert len(pagerduty.requests) == 1


@pytest.mark.parametrize("incident_id", ["../users/PABC123", "", "P1 OR 1", "P/../x", "PABC123\n"])
def test_malformed_incident_id_is_refused_without_a_request(
    pagerduty: FakePagerDuty, source: PagerDutyIncidents, incident_id: str
) -> None:
    with pytest.raises(ConnectorError) as caught:
        source.fetch(incident_id)

    assert caught.value.kind is ErrorKind.BAD_REQUEST
    assert pagerduty.requests == []


def test_http_base_url_is_refused() -> None:
    with pytest.raises(ValueError, match="https"):
        PagerDutyIncidents("token", base_url="http://127.0.0.1:1")


# -- secrets ------------------------------------------------------------------------------------


def _provoke(
    case: str,
    pagerduty: FakePagerDuty,
    make_source: Callable[..., PagerDutyIncidents],
    incident_id: str,
) -> tuple[ConnectorError, str]:
    """The error of one failure path, and the token that must not appear in it."""
    echo = error_body(
        f"token {pagerduty.token} rejected", 2000, [f"Authorization: {pagerduty.token}"]
    )
    source = make_source()
    token = pagerduty.token
    if case == "unauthorized":
        source, token = make_source(api_token=WRONG_TOKEN), WRONG_TOKEN
    elif case == "unauthorized_echoed":
        pagerduty.fail_next(401, body=echo)
    elif case == "forbidden":
        pagerduty.fail_next(403, body=echo)
    elif case == "bad_request":
        pagerduty.fail_next(400, body=echo)
    elif case == "rate_limited":
        pagerduty.fail_next(429, count=None, body=echo)
    elif case == "server_error":
        pagerduty.fail_next(500, count=None, body=echo)
    elif case == "not_found":
        incident_id = "PNOSUCH"
    elif case == "unreachable":
        source = make_source(base_url=f"https://127.0.0.1:{free_port()}")
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
    pagerduty: FakePagerDuty,
    make_source: Callable[..., PagerDutyIncidents],
    incident: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)

    error, token = _provoke(case, pagerduty, make_source, incident["id"])

    assert token not in str(error)
    assert token not in repr(error)
    assert token not in error.message
    assert error.__cause__ is None  # no library exception (with key fragments) rides along
    assert token not in caplog.text


def test_repr_hides_token(source: PagerDutyIncidents, pagerduty: FakePagerDuty) -> None:
    assert pagerduty.token not in repr(source)
    assert pagerduty.base_url in repr(source)
