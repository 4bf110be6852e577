"""connectors.errors: which failures are worth a retry, and what a failure shows of itself."""

from __future__ import annotations

import pytest

from connectors.errors import ConnectorError, ErrorKind, System


@pytest.mark.parametrize("kind", [ErrorKind.RATE_LIMITED, ErrorKind.UNAVAILABLE])
def test_a_rate_limit_or_an_outage_is_retryable(kind: ErrorKind) -> None:
    assert ConnectorError(System.JIRA, kind, "later").retryable


@pytest.mark.parametrize(
    "kind",
    [
        ErrorKind.BAD_REQUEST,
        ErrorKind.UNAUTHORIZED,
        ErrorKind.FORBIDDEN,
        ErrorKind.NOT_FOUND,
        ErrorKind.REJECTED,
        ErrorKind.INVALID_ADDRESS,
    ],
)
def test_a_refusal_is_not_retryable(kind: ErrorKind) -> None:
    assert not ConnectorError(System.JIRA, kind, "no").retryable


def test_the_error_reads_as_its_message() -> None:
    error = ConnectorError(System.SMTP, ErrorKind.REJECTED, "550 mailbox unavailable", status=550)

    assert str(error) == "550 mailbox unavailable"


def test_the_repr_names_the_system_and_the_kind() -> None:
    error = ConnectorError(System.CONFLUENCE, ErrorKind.FORBIDDEN, "missing permission")

    assert repr(error) == "ConnectorError('confluence', 'forbidden', 'missing permission')"


def test_the_wait_the_server_asked_for_is_kept() -> None:
    error = ConnectorError(System.PAGERDUTY, ErrorKind.RATE_LIMITED, "slow down", retry_after=2.5)

    assert error.retry_after == 2.5
