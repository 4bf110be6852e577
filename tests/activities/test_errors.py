"""Connector failures become ApplicationErrors with stable codes (activities.errors)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from activities.errors import code_for, to_application_error
from connectors.errors import ConnectorError, ErrorKind, System
from workflows.codes import Code


@pytest.mark.parametrize(
    ("system", "kind", "code", "retryable"),
    [
        (System.JIRA, ErrorKind.FORBIDDEN, "JiraPermissionDenied", False),
        (System.JIRA, ErrorKind.BAD_REQUEST, "JiraBadRequest", False),
        (System.JIRA, ErrorKind.UNAUTHORIZED, "JiraUnauthorized", False),
        (System.JIRA, ErrorKind.RATE_LIMITED, "JiraRateLimited", True),
        (System.JIRA, ErrorKind.UNAVAILABLE, "JiraUnavailable", True),
        (System.PAGERDUTY, ErrorKind.NOT_FOUND, "PagerDutyNotFound", False),
        (System.SMTP, ErrorKind.REJECTED, "MailRejected", False),
        (System.SMTP, ErrorKind.INVALID_ADDRESS, "MailAddressInvalid", False),
        (System.SMTP, ErrorKind.UNAVAILABLE, "MailUnavailable", True),
        (System.CONFLUENCE, ErrorKind.FORBIDDEN, "ConfluencePermissionDenied", False),
        (System.CONFLUENCE, ErrorKind.NOT_FOUND, "ConfluenceSpaceNotFound", False),
        (System.CONFLUENCE, ErrorKind.UNAUTHORIZED, "ConfluenceUnauthorized", False),
        (System.CONFLUENCE, ErrorKind.BAD_REQUEST, "ConfluenceBadRequest", False),
        (System.CONFLUENCE, ErrorKind.RATE_LIMITED, "ConfluenceRateLimited", True),
        (System.CONFLUENCE, ErrorKind.UNAVAILABLE, "ConfluenceUnavailable", True),
    ],
)
def test_connector_failures_map_to_stable_codes(
    system: System, kind: ErrorKind, code: str, retryable: bool
) -> None:
    error = to_application_error(ConnectorError(system, kind, "what happened"))
    assert error.type == code
    assert error.non_retryable is not retryable


def test_a_rate_limit_carries_the_servers_retry_after() -> None:
    error = to_application_error(
        ConnectorError(System.JIRA, ErrorKind.RATE_LIMITED, "slow down", retry_after=7.5)
    )
    assert error.next_retry_delay == timedelta(seconds=7.5)


@pytest.mark.parametrize("system", list(System))
@pytest.mark.parametrize("kind", list(ErrorKind))
def test_every_system_and_kind_has_a_listed_code(system: System, kind: ErrorKind) -> None:
    code = code_for(ConnectorError(system, kind, "what happened"))
    assert code in set(Code)


@pytest.mark.parametrize("system", list(System))
def test_each_systems_failure_codes_name_that_system(system: System) -> None:
    """Every failure of one system maps to that system's codes, never to another system's."""
    prefixes = {
        System.PAGERDUTY: "PagerDuty",
        System.JIRA: "Jira",
        System.SMTP: "Mail",
        System.TRACKER: "Tracker",
        System.DOCUMENTS: "Document",
        System.STORE: "Store",
        System.CONFLUENCE: "Confluence",
    }
    codes = {code_for(ConnectorError(system, kind, "x")) for kind in ErrorKind}
    assert all(code.value.startswith(prefixes[system]) for code in codes), codes
