"""Map connector failures to ``ApplicationError`` with the stable codes of :mod:`workflows.codes`.

This is the only translation layer: a code says *what* failed; ``non_retryable`` says whether
Temporal should try again; ``next_retry_delay`` honours a server's Retry-After.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.exceptions import ApplicationError

from connectors.errors import ConnectorError, ErrorKind
from workflows.codes import Code

_CODES: dict[tuple[str, ErrorKind], Code] = {
    ("pagerduty", ErrorKind.UNAUTHORIZED): Code.PAGERDUTY_UNAUTHORIZED,
    ("pagerduty", ErrorKind.FORBIDDEN): Code.PAGERDUTY_UNAUTHORIZED,
    ("pagerduty", ErrorKind.NOT_FOUND): Code.PAGERDUTY_NOT_FOUND,
    ("pagerduty", ErrorKind.RATE_LIMITED): Code.PAGERDUTY_RATE_LIMITED,
    ("jira", ErrorKind.BAD_REQUEST): Code.JIRA_BAD_REQUEST,
    ("jira", ErrorKind.UNAUTHORIZED): Code.JIRA_UNAUTHORIZED,
    ("jira", ErrorKind.FORBIDDEN): Code.JIRA_PERMISSION_DENIED,
    ("jira", ErrorKind.NOT_FOUND): Code.JIRA_NOT_FOUND,
    ("jira", ErrorKind.RATE_LIMITED): Code.JIRA_RATE_LIMITED,
    ("jira", ErrorKind.UNAVAILABLE): Code.JIRA_UNAVAILABLE,
    ("tracker", ErrorKind.NOT_FOUND): Code.TRACKER_UNKNOWN_TICKET,
    ("smtp", ErrorKind.REJECTED): Code.MAIL_REJECTED,
    ("smtp", ErrorKind.BAD_REQUEST): Code.MAIL_REJECTED,
    ("smtp", ErrorKind.INVALID_ADDRESS): Code.MAIL_ADDRESS_INVALID,
    ("smtp", ErrorKind.UNAVAILABLE): Code.MAIL_UNAVAILABLE,
    ("store", ErrorKind.BAD_REQUEST): Code.STORE_REJECTED,
    ("store", ErrorKind.UNAVAILABLE): Code.STORE_UNAVAILABLE,
}

_FALLBACK: dict[str, Code] = {
    "pagerduty": Code.PAGERDUTY_UNAVAILABLE,
    "jira": Code.JIRA_UNAVAILABLE,
    "smtp": Code.MAIL_UNAVAILABLE,
    "documents": Code.DOCUMENT_WRITE_FAILED,
    "tracker": Code.TRACKER_UNKNOWN_TICKET,
    "store": Code.STORE_UNAVAILABLE,
}


def code_for(exc: ConnectorError) -> Code:
    return _CODES.get((exc.system, exc.kind)) or _FALLBACK.get(exc.system, Code.JIRA_UNAVAILABLE)


def to_application_error(exc: ConnectorError) -> ApplicationError:
    """The ApplicationError an activity raises for a connector failure."""
    delay = timedelta(seconds=exc.retry_after) if exc.retry_after else None
    return ApplicationError(
        exc.message,
        type=code_for(exc).value,
        non_retryable=not exc.retryable,
        next_retry_delay=delay,
    )
