"""Map connector failures to ``ApplicationError`` with the stable codes of :mod:`workflows.codes`.

This is the only translation layer: a code says *what* failed; ``non_retryable`` says whether
Temporal should try again; ``next_retry_delay`` honours a server's Retry-After.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.exceptions import ApplicationError

from connectors.errors import ConnectorError, ErrorKind, System
from workflows.codes import Code

__all__ = ["code_for", "to_application_error"]

_CODES: dict[tuple[System, ErrorKind], Code] = {
    (System.PAGERDUTY, ErrorKind.UNAUTHORIZED): Code.PAGERDUTY_UNAUTHORIZED,
    (System.PAGERDUTY, ErrorKind.FORBIDDEN): Code.PAGERDUTY_UNAUTHORIZED,
    (System.PAGERDUTY, ErrorKind.NOT_FOUND): Code.PAGERDUTY_NOT_FOUND,
    (System.PAGERDUTY, ErrorKind.RATE_LIMITED): Code.PAGERDUTY_RATE_LIMITED,
    (System.JIRA, ErrorKind.BAD_REQUEST): Code.JIRA_BAD_REQUEST,
    (System.JIRA, ErrorKind.UNAUTHORIZED): Code.JIRA_UNAUTHORIZED,
    (System.JIRA, ErrorKind.FORBIDDEN): Code.JIRA_PERMISSION_DENIED,
    (System.JIRA, ErrorKind.NOT_FOUND): Code.JIRA_NOT_FOUND,
    (System.JIRA, ErrorKind.RATE_LIMITED): Code.JIRA_RATE_LIMITED,
    (System.JIRA, ErrorKind.UNAVAILABLE): Code.JIRA_UNAVAILABLE,
    (System.CONFLUENCE, ErrorKind.BAD_REQUEST): Code.CONFLUENCE_BAD_REQUEST,
    (System.CONFLUENCE, ErrorKind.UNAUTHORIZED): Code.CONFLUENCE_UNAUTHORIZED,
    (System.CONFLUENCE, ErrorKind.FORBIDDEN): Code.CONFLUENCE_PERMISSION_DENIED,
    (System.CONFLUENCE, ErrorKind.NOT_FOUND): Code.CONFLUENCE_SPACE_NOT_FOUND,
    (System.CONFLUENCE, ErrorKind.RATE_LIMITED): Code.CONFLUENCE_RATE_LIMITED,
    (System.CONFLUENCE, ErrorKind.UNAVAILABLE): Code.CONFLUENCE_UNAVAILABLE,
    (System.TRACKER, ErrorKind.NOT_FOUND): Code.TRACKER_UNKNOWN_TICKET,
    (System.SMTP, ErrorKind.REJECTED): Code.MAIL_REJECTED,
    (System.SMTP, ErrorKind.BAD_REQUEST): Code.MAIL_REJECTED,
    (System.SMTP, ErrorKind.INVALID_ADDRESS): Code.MAIL_ADDRESS_INVALID,
    (System.SMTP, ErrorKind.UNAVAILABLE): Code.MAIL_UNAVAILABLE,
    (System.STORE, ErrorKind.BAD_REQUEST): Code.STORE_REJECTED,
    (System.STORE, ErrorKind.UNAVAILABLE): Code.STORE_UNAVAILABLE,
}

#: Every other kind of a system's failure. A new System must be added here (a test checks).
_FALLBACK: dict[System, Code] = {
    System.PAGERDUTY: Code.PAGERDUTY_UNAVAILABLE,
    System.JIRA: Code.JIRA_UNAVAILABLE,
    System.SMTP: Code.MAIL_UNAVAILABLE,
    System.DOCUMENTS: Code.DOCUMENT_WRITE_FAILED,
    System.CONFLUENCE: Code.CONFLUENCE_UNAVAILABLE,
    System.TRACKER: Code.TRACKER_UNKNOWN_TICKET,
    System.STORE: Code.STORE_UNAVAILABLE,
}


def code_for(exc: ConnectorError) -> Code:
    """The stable code of a connector failure: its (system, kind), else the system's fallback."""
    return _CODES.get((exc.system, exc.kind)) or _FALLBACK[exc.system]


def to_application_error(exc: ConnectorError) -> ApplicationError:
    """The ApplicationError an activity raises for a connector failure."""
    delay = timedelta(seconds=exc.retry_after) if exc.retry_after else None
    return ApplicationError(
        exc.message,
        type=code_for(exc).value,
        non_retryable=not exc.retryable,
        next_retry_delay=delay,
    )
