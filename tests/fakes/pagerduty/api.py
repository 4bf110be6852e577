"""The PagerDuty imitation's REST API v2: the prologue (request log, injected failures, the token,
GET only) and the routes: an incident, its log entries (classic paging), its notes, a user."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.pagerduty.incidents import IncidentRecords
from tests.fakes.pagerduty.model import (
    DEFAULT_LIMIT,
    ITERATION_LIMIT,
    MAX_LIMIT,
    Answer,
    error_body,
)

__all__ = ["PagerDutyApi"]


class PagerDutyApi(IncidentRecords):
    """Answers requests from the records."""

    def _respond(self, method: str, target: str, headers: Mapping[str, str]) -> Answer:
        parts = urlsplit(target)
        path = parts.path
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self._lock:
            self.requests.append((method, path, query))
            self.request_headers.append(dict(headers))
            failure = self._failures.take(method, path)
        if failure is not None:
            return failure.status, dict(failure.headers), failure.body
        if headers.get("authorization") != f"Token token={self.token}":
            return 401, {}, error_body("Authentication failed", 2006)
        if method != "GET":
            return 405, {}, error_body("Method Not Allowed")
        with self._lock:
            return self._route(path, query)

    def _route(self, path: str, query: dict[str, str]) -> Answer:
        not_found: Answer = (404, {}, error_body("Not Found", 2100))
        if match := re.fullmatch(r"/incidents/([^/]+)", path):
            incident = self._find_incident(match[1])
            return (200, {}, {"incident": incident}) if incident else not_found
        if match := re.fullmatch(r"/incidents/([^/]+)/log_entries", path):
            incident = self._find_incident(match[1])
            if incident is None:
                return not_found
            return self._page(self.log_entries[incident["id"]], "log_entries", query)
        if match := re.fullmatch(r"/incidents/([^/]+)/notes", path):
            incident = self._find_incident(match[1])
            if incident is None:
                return not_found
            return 200, {}, {"notes": self.notes[incident["id"]]}
        if match := re.fullmatch(r"/users/([^/]+)", path):
            user = self.users.get(match[1])
            return (200, {}, {"user": user}) if user else not_found
        return not_found

    def _find_incident(self, key: str) -> dict[str, Any] | None:
        if key in self.incidents:
            return self.incidents[key]
        if key.isdigit():
            for incident in self.incidents.values():
                if incident["incident_number"] == int(key):
                    return incident
        return None

    @staticmethod
    def _page(items: list[dict[str, Any]], wrapper: str, query: dict[str, str]) -> Answer:
        try:
            limit = int(query.get("limit", DEFAULT_LIMIT))
            offset = int(query.get("offset", 0))
        except ValueError:
            return 400, {}, error_body("Invalid Input Provided", 2001, ["limit/offset not integer"])
        if limit < 1 or offset < 0:
            return (
                400,
                {},
                error_body("Invalid Input Provided", 2001, ["limit/offset out of range"]),
            )
        limit = min(limit, MAX_LIMIT)
        if offset + limit > ITERATION_LIMIT:
            return (
                400,
                {},
                error_body(
                    "Invalid Input Provided",
                    2001,
                    [f"Offset must be less than or equal to {ITERATION_LIMIT - limit}."],
                ),
            )
        page = items[offset : offset + limit]
        want_total = query.get("total", "false").lower() == "true"
        return (
            200,
            {},
            {
                wrapper: page,
                "limit": limit,
                "offset": offset,
                "more": offset + len(page) < len(items),
                "total": len(items) if want_total else None,
            },
        )
