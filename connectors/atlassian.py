"""What the Atlassian connectors (Jira, Confluence) share: waits, error texts, quoting, scrubbing.

Both honour ``Retry-After`` (seconds or an HTTP date) or ``X-RateLimit-Reset`` on 429 and 503, read
the vendor's error bodies (Jira's ``errorMessages``/``errors``, Confluence v2's ``errors`` list and
v1's ``message``), map a refusal to an ``ErrorKind`` the same way, and keep the API token out of
every message.
"""

from __future__ import annotations

import base64
import logging
import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

from connectors.errors import ErrorKind

__all__ = [
    "error_text",
    "parse_rate_limit_reset",
    "parse_retry_after",
    "pause_before_retry",
    "quoted",
    "refusal",
    "scrub",
    "wait_for",
]


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait for a ``Retry-After`` of delta-seconds or an HTTP date; None if unusable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def parse_rate_limit_reset(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds until an ``X-RateLimit-Reset`` ISO-8601 timestamp (``2024-05-01T12:00Z``)."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def wait_for(headers: Mapping[str, str], attempt: int) -> float:
    """Seconds to wait before retry ``attempt``: the server's word, else 1, 2, 4... up to 30."""
    wait = parse_retry_after(headers.get("Retry-After"))
    if wait is None:
        wait = parse_rate_limit_reset(headers.get("X-RateLimit-Reset"))
    if wait is None:
        wait = float(min(2**attempt, 30))
    return wait


def pause_before_retry(
    log: logging.Logger,
    vendor: str,
    status: int,
    what: str,
    headers: Mapping[str, str],
    attempt: int,
    *,
    max_retries: int,
    max_retry_wait: float,
    sleep: Callable[[float], None],
    allowed: bool = True,
) -> tuple[bool, float]:
    """Whether retry ``attempt + 1`` of a call answered ``status`` goes ahead, and the wait.

    It goes ahead (after logging and sleeping the wait) when ``allowed``, retries are left, and
    the server asks for no more than ``max_retry_wait`` seconds; otherwise the wait is what the
    error's ``retry_after`` reports.
    """
    wait = wait_for(headers, attempt)
    if not (allowed and attempt < max_retries and wait <= max_retry_wait):
        return False, wait
    log.warning(
        "%s answered %s to %s; retry %d/%d in %.1fs",
        vendor.lower(),
        status,
        what,
        attempt + 1,
        max_retries,
        wait,
    )
    sleep(wait)
    return True, wait


def refusal(
    vendor: str,
    status: int | None,
    what: str,
    detail: str,
    *,
    email: str,
    settings_prefix: str,
    max_retries: int,
) -> tuple[ErrorKind, str]:
    """The kind and message of a failed call to ``vendor`` (``Jira``, ``Confluence``).

    ``detail`` is the server's explanation (``error_text``), ``settings_prefix`` names the
    settings of the credentials (``FOLLOWTHROUGH_JIRA``).
    """
    suffix = f": {detail}" if detail else ""
    if status in (400, 413):
        return ErrorKind.BAD_REQUEST, f"{vendor} refused to {what}{suffix}"
    if status == 401:
        return ErrorKind.UNAUTHORIZED, (
            f"{vendor} refused the credentials of {email} (check {settings_prefix}_EMAIL "
            f"and {settings_prefix}_API_TOKEN) while trying to {what}"
        )
    if status == 403:
        return ErrorKind.FORBIDDEN, f"missing permission for {email} to {what}{suffix}"
    if status == 404:
        return ErrorKind.NOT_FOUND, f"{vendor} found nothing to {what}{suffix}"
    if status == 429:
        return ErrorKind.RATE_LIMITED, (
            f"{vendor} is rate limiting; could not {what} after {max_retries} retries"
        )
    if status is None or status < 400:
        # no status, or a 2xx the vendor could not have meant (a create answer without a key)
        return ErrorKind.UNAVAILABLE, f"could not {what}: unexpected answer{suffix}"
    if status >= 500 or status in (408, 409):
        return ErrorKind.UNAVAILABLE, f"{vendor} answered {status} to {what}{suffix}"
    return ErrorKind.BAD_REQUEST, f"{vendor} answered {status} to {what}{suffix}"


def error_text(response: requests.Response | None) -> str:
    """The server's own explanation of a failure, from any Atlassian error body (or plain text)."""
    if response is None:
        return ""
    try:
        body = response.json()
    except ValueError:
        text = (response.text or "").strip()
        return text[:200] if text and not text.startswith("<") else ""
    if not isinstance(body, dict):
        return ""
    parts: list[str] = []
    messages = body.get("errorMessages")
    if isinstance(messages, list):
        parts.extend(str(message) for message in messages if message)
    errors = body.get("errors")
    if isinstance(errors, dict):  # Jira: field -> message
        parts.extend(f"{field}: {message}" for field, message in errors.items())
    elif isinstance(errors, list):  # Confluence v2: [{status, code, title, detail}]
        for error in errors:
            if isinstance(error, dict):
                parts.extend(str(error[k]) for k in ("title", "detail") if error.get(k))
    for key in ("message", "errorMessage"):
        if isinstance(body.get(key), str) and body[key]:
            parts.append(body[key])
    return "; ".join(parts)[:500]


def quoted(value: str) -> str:
    """A JQL or CQL string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def scrub(text: str, email: str, api_token: str) -> str:
    """``text`` without the API token or its Basic-auth form."""
    if api_token:
        basic = base64.b64encode(f"{email}:{api_token}".encode()).decode()
        text = text.replace(api_token, "***").replace(basic, "***")
    return text
