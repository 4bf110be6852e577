"""Connector errors: what went wrong with an outside system, without deciding what to do about it.

Activities map ``(system, kind)`` to the stable codes of :mod:`workflows.codes` and decide nothing
else; messages never contain secrets (tokens, passwords, signatures).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["RETRYABLE_KINDS", "ConnectorError", "ErrorKind", "System"]


class System(StrEnum):
    """The outside system a failure came from (the first half of its stable code)."""

    PAGERDUTY = "pagerduty"
    JIRA = "jira"
    SMTP = "smtp"  # mail, including composing a message and its invitation
    TRACKER = "tracker"  # the local tracker
    DOCUMENTS = "documents"  # review documents (the Markdown files)
    CONFLUENCE = "confluence"  # review documents as Confluence pages
    STORE = "store"  # the review store (SQLite or PostgreSQL)


class ErrorKind(StrEnum):
    """What class of failure an outside system reported."""

    BAD_REQUEST = "bad_request"  # 400: our request names something wrong (project, issue type)
    UNAUTHORIZED = "unauthorized"  # 401: credentials refused
    FORBIDDEN = "forbidden"  # 403: credentials fine, permission missing
    NOT_FOUND = "not_found"  # 404
    RATE_LIMITED = "rate_limited"  # 429: retry after ``retry_after`` seconds
    UNAVAILABLE = "unavailable"  # 5xx, connection refused, timeout: retry
    REJECTED = "rejected"  # permanent refusal (SMTP 5xx)
    INVALID_ADDRESS = "invalid_address"  # an email address that cannot be used


RETRYABLE_KINDS = frozenset({ErrorKind.RATE_LIMITED, ErrorKind.UNAVAILABLE})


class ConnectorError(Exception):
    """A failure talking to ``system``."""

    def __init__(
        self,
        system: System,
        kind: ErrorKind,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.system = system
        self.kind = kind
        self.message = message
        self.retry_after = retry_after
        self.status = status

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE_KINDS

    def __repr__(self) -> str:
        return f"ConnectorError({self.system.value!r}, {self.kind.value!r}, {self.message!r})"
