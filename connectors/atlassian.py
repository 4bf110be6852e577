"""What the Atlassian connectors (Jira, Confluence) share: waits, error texts, quoting, scrubbing.

Both honour ``Retry-After`` (seconds or an HTTP date) or ``X-RateLimit-Reset`` on 429 and 503, read
the vendor's error bodies (Jira's ``errorMessages``/``errors``, Confluence v2's ``errors`` list and
v1's ``message``), and keep the API token out of every message.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

__all__ = [
    "error_text",
    "parse_rate_limit_reset",
    "parse_retry_after",
    "quoted",
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
