"""PagerDuty REST API v2 as an :class:`~connectors.incidents.IncidentSource`.

Built on ``pagerduty.RestApiV2Client`` (``rget`` and classic ``iter_all`` paging), with the
client's own retry loops switched off so that every retry is bounded and decided here:

* **429** - the client would retry forever with its own doubling sleep and ignore
  ``ratelimit-reset``. A response hook on the underlying ``httpx2`` client turns a 429 into an
  internal exception before the client's loop sees it; we then sleep ``ratelimit-reset`` seconds
  (``Retry-After`` as a fallback, doubling from one second without either) at most
  ``max_rate_limit_retries`` times, and finally raise ``ConnectorError(RATE_LIMITED)``.
* **5xx and network errors** - ``max_network_attempts = 0`` makes the client raise on the first
  transport error; both are retried ``server_error_retries`` times with a short backoff, then
  ``ConnectorError(UNAVAILABLE, retry_after=...)`` lets the Temporal activity retry later.
* **401 / 403 / 404 / other 4xx** fail fast (UNAUTHORIZED, FORBIDDEN, NOT_FOUND, BAD_REQUEST).

A failed page of log entries is retried from the offset reached, so nothing is fetched twice.
The API token lives only inside the client's auth header; messages are built here (never copied
from the client, whose 401 text shows the token's last characters), scrubbed of the token, and
raised ``from None`` so no library exception travels along in ``__cause__``.
"""

from __future__ import annotations

import re
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx2
import pagerduty

from connectors.errors import ConnectorError, ErrorKind, System
from connectors.incidents import IncidentRecord, ResponderRecord, TimelineRecord

__all__ = [
    "DEFAULT_UNAVAILABLE_RETRY_AFTER",
    "MAX_EMAIL_LOOKUPS",
    "MAX_RATE_LIMIT_WAIT",
    "SYSTEM",
    "PagerDutyIncidents",
    "T",
]

SYSTEM = System.PAGERDUTY
MAX_EMAIL_LOOKUPS = 20
"""Responders whose email is looked up with ``GET /users/{id}`` (first involved first)."""
MAX_RATE_LIMIT_WAIT = 60.0
"""Longest single wait for a rate-limit reset; a longer reset is handed to the caller."""
DEFAULT_UNAVAILABLE_RETRY_AFTER = 30.0
"""``retry_after`` of an UNAVAILABLE error when the server did not say."""

_ID = re.compile(r"[A-Za-z0-9]{1,64}")
_ASSIGNEE_TYPES = frozenset({"assign_log_entry", "escalate_log_entry", "delegate_log_entry"})
_AGENT_TYPES = frozenset({"acknowledge_log_entry", "resolve_log_entry", "annotate_log_entry"})

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

T = TypeVar("T")


class _RateLimitedError(Exception):
    """Raised from the response hook on 429 so the client's endless retry loop never runs."""

    def __init__(self, wait: float | None, code: int | None) -> None:
        super().__init__("rate limited")
        self.wait = wait
        self.code = code


class PagerDutyIncidents:
    """Incident details from PagerDuty: the incident, its log entries, notes and responders."""

    name = "pagerduty"

    def __init__(
        self,
        api_token: str,
        base_url: str = "https://api.pagerduty.com",
        ca_file: Path | None = None,
        timeout: float = 20.0,
        max_rate_limit_retries: int = 5,
        *,
        server_error_retries: int = 2,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        trust_env: bool = True,
    ) -> None:
        if not api_token:
            raise ValueError("PagerDuty API token is empty")
        if not base_url.startswith("https://"):
            raise ValueError("PagerDuty API base URL must use https://")
        if max_rate_limit_retries < 0 or server_error_retries < 0:
            raise ValueError("retry counts must not be negative")
        self._token = api_token
        self._sleep = sleep
        self.max_rate_limit_retries = max_rate_limit_retries
        self.server_error_retries = server_error_retries
        self.backoff = backoff
        verify: ssl.SSLContext | bool = True
        if ca_file is not None:
            verify = ssl.create_default_context()
            verify.load_verify_locations(cafile=str(ca_file))
        self._client = pagerduty.RestApiV2Client(
            api_token,
            base_url=base_url.rstrip("/"),
            verify=verify,
            trust_env=trust_env,
            event_hooks={"response": [_raise_on_rate_limit]},
        )
        self._client.timeout = timeout  # type: ignore[assignment]  # annotated int, float works
        self._client.max_network_attempts = 0  # raise on the first transport error; we retry
        self._client.retry = {}  # no status is retried inside the client

    def __repr__(self) -> str:
        return f"PagerDutyIncidents(base_url={self._client.url!r})"

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PagerDutyIncidents:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- IncidentSource ------------------------------------------------------------------------

    def fetch(self, incident_id: str) -> IncidentRecord:
        """The incident (by id or number) with its full timeline and responders.

        Raises :class:`ConnectorError` (``system="pagerduty"``).
        """
        if not _ID.fullmatch(incident_id):
            raise self._error(
                ErrorKind.BAD_REQUEST,
                f"{incident_id[:80]!r} is not a PagerDuty incident id or number",
            )
        incident = self._get_entity(f"/incidents/{incident_id}")
        real_id = incident.get("id")
        if not isinstance(real_id, str) or not _ID.fullmatch(real_id):
            real_id = incident_id
        entries = self._log_entries(real_id)
        notes = self._get_list(f"/incidents/{real_id}/notes")
        responders = self._responders(_involved_users(entries, notes))
        return IncidentRecord(
            id=real_id,
            number=_int_or_none(incident.get("incident_number")),
            title=str(incident.get("title") or incident.get("summary") or ""),
            service_id=_ref_field(incident.get("service"), "id"),
            service_name=_ref_field(incident.get("service"), "summary"),
            priority=_ref_field(incident.get("priority"), "summary"),
            urgency=_str_or_none(incident.get("urgency")),
            created_at=_when(incident.get("created_at")),
            resolved_at=_resolved_at(incident, entries),
            url=_str_or_none(incident.get("html_url")),
            responders=responders,
            timeline=_timeline(entries, notes),
        )

    # -- requests ------------------------------------------------------------------------------

    def _get_entity(self, path: str) -> dict[str, Any]:
        result = self._call("GET", path, lambda: self._client.rget(path))
        if not isinstance(result, dict):
            raise self._unexpected("GET", path, "an object")
        return result

    def _get_list(self, path: str) -> list[dict[str, Any]]:
        result = self._call("GET", path, lambda: self._client.rget(path))
        if not isinstance(result, list):
            raise self._unexpected("GET", path, "a list")
        return [item for item in result if isinstance(item, dict)]

    def _log_entries(self, incident_id: str) -> list[dict[str, Any]]:
        path = f"/incidents/{incident_id}/log_entries"
        entries: list[dict[str, Any]] = []

        def page_through() -> None:
            params = {"offset": len(entries)} if entries else None
            items: Iterator[dict[str, Any]] = self._client.iter_all(path, params=params)
            entries.extend(items)

        self._call("GET", path, page_through)
        return entries

    def _responders(self, users: list[tuple[str, str]]) -> list[ResponderRecord]:
        responders = []
        for index, (user_id, summary) in enumerate(users):
            name, email = summary, None
            if index < MAX_EMAIL_LOOKUPS:
                user = self._user(user_id)
                if user is not None:
                    name = str(user.get("name") or user.get("summary") or summary)
                    email = _str_or_none(user.get("email"))
            responders.append(ResponderRecord(id=user_id, name=name, email=email))
        return responders

    def _user(self, user_id: str) -> dict[str, Any] | None:
        """The user, or None when the user is gone (404) or hidden from this token (403)."""
        if not _ID.fullmatch(user_id):
            return None
        try:
            return self._get_entity(f"/users/{user_id}")
        except ConnectorError as exc:
            if exc.kind in (ErrorKind.NOT_FOUND, ErrorKind.FORBIDDEN):
                return None
            raise

    def _call(self, method: str, path: str, operation: Callable[[], T]) -> T:
        """Run one client operation under the bounded retry policy, mapping every failure."""
        rate_limited = 0
        unavailable = 0
        while True:
            try:
                return operation()
            except _RateLimitedError as exc:
                wait = exc.wait if exc.wait is not None else min(2.0**rate_limited, 60.0)
                if rate_limited >= self.max_rate_limit_retries or wait > MAX_RATE_LIMIT_WAIT:
                    raise self._error(
                        ErrorKind.RATE_LIMITED,
                        f"PagerDuty {method} {path} is rate limited (429"
                        f"{_code_text(exc.code)}) after {rate_limited} retries",
                        retry_after=wait,
                        status=429,
                    ) from None
                rate_limited += 1
                self._sleep(wait)
            except pagerduty.HttpError as exc:
                response: httpx2.Response | None = exc.response
                if response is None:
                    raise self._unexpected(method, path, "an HTTP response") from None
                status = response.status_code
                if status // 100 == 5 or response.is_success:
                    retry_after = _retry_after(response)
                    if unavailable >= self.server_error_retries:
                        what = f"answered {status}" if status >= 500 else "gave an invalid answer"
                        raise self._error(
                            ErrorKind.UNAVAILABLE,
                            f"PagerDuty {method} {path} {what}{_error_text(response)}"
                            f" after {unavailable} retries",
                            retry_after=retry_after or DEFAULT_UNAVAILABLE_RETRY_AFTER,
                            status=status,
                        ) from None
                    unavailable += 1
                    self._sleep(self.backoff * 2 ** (unavailable - 1))
                    continue
                raise self._error(
                    _kind_for(status),
                    f"PagerDuty {method} {path} answered {status}{_error_text(response)}",
                    status=status,
                ) from None
            except pagerduty.Error as exc:
                # No HTTP response: a transport error (refused, TLS, timeout) or a client refusal.
                cause = exc.__cause__
                if not isinstance(cause, httpx2.TransportError):
                    raise self._error(
                        ErrorKind.BAD_REQUEST,
                        f"PagerDuty client refused {method} {path}: {type(exc).__name__}",
                    ) from None
                if unavailable >= self.server_error_retries:
                    raise self._error(
                        ErrorKind.UNAVAILABLE,
                        f"PagerDuty {method} {path} unreachable: {type(cause).__name__}: {cause}"
                        f" after {unavailable} retries",
                        retry_after=DEFAULT_UNAVAILABLE_RETRY_AFTER,
                    ) from None
                unavailable += 1
                self._sleep(self.backoff * 2 ** (unavailable - 1))
            except pagerduty.UrlError:
                raise self._error(
                    ErrorKind.BAD_REQUEST, f"PagerDuty client refused the URL of {method} {path}"
                ) from None

    def _error(
        self,
        kind: ErrorKind,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> ConnectorError:
        safe = message.replace(self._token, "[token]") if self._token else message
        return ConnectorError(SYSTEM, kind, safe, retry_after=retry_after, status=status)

    def _unexpected(self, method: str, path: str, expected: str) -> ConnectorError:
        return self._error(
            ErrorKind.UNAVAILABLE,
            f"PagerDuty {method} {path} did not return {expected}",
            retry_after=DEFAULT_UNAVAILABLE_RETRY_AFTER,
        )


# -- response handling ----------------------------------------------------------------------


def _raise_on_rate_limit(response: httpx2.Response) -> None:
    if response.status_code != 429:
        return
    response.read()
    wait = _seconds(response.headers.get("ratelimit-reset"))
    if wait is None:
        wait = _seconds(response.headers.get("retry-after"))
    raise _RateLimitedError(wait, _error_body(response).get("code"))


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if seconds != seconds or seconds < 0:  # NaN or negative
        return None
    return seconds


def _retry_after(response: httpx2.Response) -> float | None:
    return _seconds(response.headers.get("retry-after"))


def _error_body(response: httpx2.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _code_text(code: object) -> str:
    return f", code {code}" if isinstance(code, int) else ""


def _error_text(response: httpx2.Response) -> str:
    """``: code 2100 Not Found (detail)`` from PagerDuty's error body, short and plain."""
    error = _error_body(response)
    parts = []
    if isinstance(error.get("code"), int):
        parts.append(f"code {error['code']}")
    if isinstance(error.get("message"), str):
        parts.append(error["message"][:200])
    details = error.get("errors")
    if isinstance(details, list) and details:
        parts.append("(" + "; ".join(str(d)[:200] for d in details[:5]) + ")")
    return ": " + " ".join(parts) if parts else ""


def _kind_for(status: int) -> ErrorKind:
    return {
        401: ErrorKind.UNAUTHORIZED,
        403: ErrorKind.FORBIDDEN,
        404: ErrorKind.NOT_FOUND,
        429: ErrorKind.RATE_LIMITED,
    }.get(status, ErrorKind.BAD_REQUEST)


# -- normalisation --------------------------------------------------------------------------


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _ref_field(ref: object, key: str) -> str | None:
    if isinstance(ref, dict):
        value = ref.get(key)
        return str(value) if value is not None else None
    return None


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _user_refs(entry: dict[str, Any]) -> Iterable[dict[str, Any]]:
    kind = entry.get("type")
    if kind in _ASSIGNEE_TYPES:
        assignees = entry.get("assignees")
        if isinstance(assignees, list):
            yield from (a for a in assignees if isinstance(a, dict))
    elif kind == "notify_log_entry":
        user = entry.get("user")
        if isinstance(user, dict):
            yield user
    elif kind in _AGENT_TYPES:
        agent = entry.get("agent")
        if isinstance(agent, dict) and agent.get("type") in ("user_reference", "user"):
            yield agent


def _involved_users(
    entries: list[dict[str, Any]], notes: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    """Distinct ``(user id, summary)`` of everyone in log entries and notes, first seen first."""
    refs: list[tuple[datetime | None, int, dict[str, Any]]] = []
    for index, entry in enumerate(entries):
        refs.extend((_when(entry.get("created_at")), index, ref) for ref in _user_refs(entry))
    for index, note in enumerate(notes, start=len(entries)):
        user = note.get("user")
        if isinstance(user, dict):
            refs.append((_when(note.get("created_at")), index, user))
    refs.sort(key=lambda item: (item[0] is None, item[0] or _EPOCH, item[1]))
    seen: dict[str, str] = {}
    for _, _, ref in refs:
        user_id = ref.get("id")
        if isinstance(user_id, str) and user_id and user_id not in seen:
            seen[user_id] = str(ref.get("summary") or ref.get("name") or user_id)
    return list(seen.items())


def _timeline(entries: list[dict[str, Any]], notes: list[dict[str, Any]]) -> list[TimelineRecord]:
    records: list[TimelineRecord] = []
    for entry in entries:
        at = _when(entry.get("created_at"))
        if at is None:
            continue
        kind = str(entry.get("type") or "log_entry").removesuffix("_log_entry")
        records.append(
            TimelineRecord(
                at=at,
                kind=kind,
                summary=str(entry.get("summary") or kind),
                actor=_ref_field(entry.get("agent"), "summary"),
            )
        )
    for note in notes:
        at = _when(note.get("created_at"))
        if at is None:
            continue
        records.append(
            TimelineRecord(
                at=at,
                kind="note",
                summary=str(note.get("content") or ""),
                actor=_ref_field(note.get("user"), "summary"),
            )
        )
    records.sort(key=lambda record: record.at)
    return records


def _resolved_at(incident: dict[str, Any], entries: list[dict[str, Any]]) -> datetime | None:
    resolves = [
        at
        for entry in entries
        if entry.get("type") == "resolve_log_entry"
        and (at := _when(entry.get("created_at"))) is not None
    ]
    if resolves:
        return max(resolves)
    if incident.get("status") == "resolved":
        return _when(incident.get("last_status_change_at"))
    return None
