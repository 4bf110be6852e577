"""The PagerDuty imitation's limits, names, error envelope and time format."""

from __future__ import annotations

import string
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "ALNUM",
    "DEFAULT_LIMIT",
    "DEFAULT_TOKEN",
    "FILLER_TYPES",
    "FIRST_NAMES",
    "ITERATION_LIMIT",
    "LAST_NAMES",
    "MAX_LIMIT",
    "WEBHOOK_USER_AGENT",
    "WEB_URL",
    "Answer",
    "error_body",
    "iso",
]

ITERATION_LIMIT = 10000
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
WEB_URL = "https://acme.pagerduty.com"
WEBHOOK_USER_AGENT = "PagerDuty-Webhook/V3.0"
DEFAULT_TOKEN = "pd-fake-token-u+QzR3vY8sKq"  # the only key the fake accepts unless told otherwise

ALNUM = string.ascii_uppercase + string.digits
FIRST_NAMES = ["Ada", "Grace", "Linus", "Barbara", "Ken", "Radia", "Dennis", "Frances", "Edsger"]
LAST_NAMES = ["Lovelace", "Hopper", "Torvalds", "Liskov", "Thompson", "Perlman", "Ritchie"]
FILLER_TYPES = [
    "notify",
    "acknowledge",
    "unacknowledge",
    "escalate",
    "notify",
    "snooze",
    "urgency_change",
    "delegate",
    "notify",
    "acknowledge",
]


def error_body(message: str, code: int | None = None, errors: Sequence[str] = ()) -> dict[str, Any]:
    """PagerDuty's error envelope."""
    error: dict[str, Any] = {"message": message}
    if code is not None:
        error["code"] = code
    if errors:
        error["errors"] = list(errors)
    return {"error": error}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


Answer = tuple[int, dict[str, str], dict[str, Any]]
"""status, extra headers, JSON body"""
