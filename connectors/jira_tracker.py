"""Jira as the tracker: one issue per action item, found again by its unique label.

Built on the ``jira`` package (3.10.5), with its traps handled here:

- The client is made on first use (construction does no I/O) with ``get_server_info=True``: only a
  ``deploymentType`` of ``Cloud`` makes ``search_issues`` use ``/rest/api/2/search/jql``; the old
  ``/search`` answers 410 on Cloud. A ``*.atlassian.net`` host is treated as Cloud whatever
  ``serverInfo`` says.
- The library has no default timeout, and its own retry of 429/503 crashes on an HTTP-date
  ``Retry-After`` and sleeps up to a minute. It is built with ``max_retries=0`` and a timeout;
  429/503 are retried here, honouring ``Retry-After`` (seconds or HTTP date) through the injected
  ``sleep``, up to ``max_retries`` times.

Idempotency. ``open_ticket`` first searches for the item's label and creates only when nothing
carries it. The search is limited to the configured project: anyone who can create issues
elsewhere could otherwise plant one with the label and have it adopted as the item's ticket (a
ticket moved to another project before its item recorded it is therefore opened anew). Jira offers no
idempotency key for ``POST /issue``, and ``/search/jql`` is eventually consistent, so two cases
remain, both narrow:

1. A create whose answer is lost (connection dropped, timeout, 5xx): the outcome is unknown, so
   ``open_ticket`` searches for the label again before reporting the failure; if the issue is
   there it is returned. If the index has not caught up yet, the call fails as ``UNAVAILABLE`` and
   the retry searches again (by then normally consistent).
2. A retry that arrives within the index lag of a create whose answer was lost, *and* whose own
   search misses the new issue, creates a second one. Nothing server-side can close this window
   (``reconcileIssues`` needs the id we never received); ``find_by_label`` returns the oldest
   ticket, so reconciliation and webhooks still converge on one of them.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import jira
import requests
from jira.exceptions import JIRAError

from connectors.atlassian import error_text, pause_before_retry, quoted, refusal, scrub
from connectors.errors import ConnectorError, ErrorKind, System
from connectors.tracker import TicketRef, TicketSpec, TicketState

__all__ = ["LOG", "PRIORITIES", "STATE_FIELDS", "JiraTracker", "T"]

LOG = logging.getLogger(__name__)

T = TypeVar("T")

PRIORITIES = {"high": "High", "medium": "Medium", "low": "Low"}
STATE_FIELDS = "status,labels,summary"
_KEY_OR_ID = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_]*-[0-9]+|[0-9]+)$")
_CLOUD_HOST_SUFFIXES = (".atlassian.net", ".jira.com")


def _id_of(raw: dict[str, Any]) -> str | None:
    """The issue id (stable when the key changes) from a create answer or a search hit."""
    value = raw.get("id")
    return str(value) if value not in (None, "") else None


class JiraTracker:
    """Action items as Jira issues in ``project``, assigned to their owner by email."""

    name = "jira"

    def __init__(
        self,
        url: str,
        email: str,
        api_token: str,
        project: str,
        issue_type: str = "Task",
        timeout: float = 20.0,
        max_retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        *,
        max_retry_wait: float = 60.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.email = email
        self.project = project
        self.issue_type = issue_type
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self._api_token = api_token
        self._sleep = sleep
        self._client: jira.JIRA | None = None
        self._client_lock = threading.Lock()
        self.deployment_type: str | None = None

    def __repr__(self) -> str:
        return f"JiraTracker(url={self.url!r}, project={self.project!r}, email={self.email!r})"

    # -- the Tracker protocol ---------------------------------------------------------------

    def open_ticket(self, spec: TicketSpec) -> TicketRef:
        """Open the issue for ``spec.item_label``, or return the one that already carries it."""
        existing = self._find_raw(spec.item_label)
        if existing is not None:
            key = str(existing["key"])
            if spec.review_url:
                self._ensure_link(key, spec.review_url)
            return TicketRef(
                key=key, url=self.browse_url(key), created=False, issue_id=_id_of(existing)
            )

        assignee, unassigned_reason = self._assignee(spec.owner_email)
        fields: dict[str, Any] = {
            "project": {"key": self.project},
            "issuetype": {"name": self.issue_type},
            "summary": spec.summary,
            "description": spec.description,
            "duedate": spec.due.isoformat(),
            # Jira labels cannot hold spaces
            "labels": [
                *dict.fromkeys(label.replace(" ", "_") for label in (*spec.labels, spec.item_label))
            ],
        }
        if spec.priority.lower() in PRIORITIES:
            fields["priority"] = {"name": PRIORITIES[spec.priority.lower()]}
        if assignee is not None:
            fields["assignee"] = assignee

        client = self._jira()

        def created_meanwhile() -> tuple[str, str | None] | None:
            found = self._find_raw(spec.item_label)
            return None if found is None else (str(found["key"]), _id_of(found))

        def create() -> tuple[str, str | None]:
            issue = client.create_issue(fields=fields, prefetch=False)
            return str(issue.key), _id_of(issue.raw or {})

        try:
            key, issue_id = self._call(
                f"create an issue in project {self.project}", create, recheck=created_meanwhile
            )
        except ConnectorError as exc:
            if not exc.retryable:
                raise
            # The outcome is unknown (lost answer, timeout, 5xx): look before reporting failure.
            try:
                found = created_meanwhile()
            except ConnectorError:
                found = None
            if found is None:
                raise exc from None
            key, issue_id = found
            LOG.info("jira create answer lost; found %s by label %s", key, spec.item_label)

        if spec.review_url:
            self._add_link(key, spec.review_url)
        return TicketRef(
            key=key,
            url=self.browse_url(key),
            created=True,
            unassigned_reason=unassigned_reason,
            issue_id=issue_id,
        )

    def ticket_state(self, key: str) -> TicketState:
        """Live status; ``deleted=True`` when Jira answers 404 for the key."""
        self._check_key(key)
        client = self._jira()
        try:
            issue = self._call(f"read issue {key}", lambda: client.issue(key, fields=STATE_FIELDS))
        except ConnectorError as exc:
            if exc.kind is ErrorKind.NOT_FOUND:
                return TicketState(key=key, done=False, deleted=True, status="deleted")
            raise
        return self._state(key, issue.raw or {})

    def comment(self, key: str, text: str) -> None:
        self._check_key(key)
        client = self._jira()
        self._call(f"comment on issue {key}", lambda: client.add_comment(key, text))

    def find_by_label(self, label: str) -> TicketState | None:
        """The (oldest) issue carrying ``label`` in the configured project, or None."""
        raw = self._find_raw(label)
        if raw is None:
            return None
        return self._state(str(raw["key"]), raw)

    def browse_url(self, key: str) -> str:
        return f"{self.url}/browse/{key}"

    # -- steps -------------------------------------------------------------------------------

    def _find_raw(self, label: str) -> dict[str, Any] | None:
        client = self._jira()
        # In the configured project only: an issue planted elsewhere with the label is not ours.
        jql = f"project = {quoted(self.project)} AND labels = {quoted(label)} ORDER BY created ASC"
        result = self._call(
            f"search for label {label}",
            lambda: client.search_issues(jql, maxResults=1, fields=STATE_FIELDS),
        )
        issues = result.get("issues", []) if isinstance(result, dict) else list(result)
        for issue in issues:
            raw = issue if isinstance(issue, dict) else issue.raw
            if raw and raw.get("key"):
                return dict(raw)
        return None

    def _assignee(self, email: str) -> tuple[dict[str, str] | None, str | None]:
        """The assignee field for ``email``, or None and the reason it stays unassigned."""
        client = self._jira()
        cloud = client._is_cloud
        users = self._call(
            "look up the owner's Jira account",
            lambda: (
                client.search_users(query=email, maxResults=20)
                if cloud
                else client.search_users(user=email, maxResults=20)
            ),
        )
        raws = [user.raw for user in users if user.raw and user.raw.get("active", True)]
        wanted = email.strip().lower()
        exact = [raw for raw in raws if str(raw.get("emailAddress") or "").lower() == wanted]
        # Cloud hides emailAddress under strict privacy settings; a single hit for the full
        # address is then the owner.
        hidden = [raw for raw in raws if not raw.get("emailAddress")]
        chosen = exact[0] if exact else (hidden[0] if len(raws) == 1 and hidden else None)
        if chosen is None:
            return None, f"no Jira user with email {email}; the ticket is unassigned"
        if cloud and chosen.get("accountId"):
            return {"accountId": str(chosen["accountId"])}, None
        if chosen.get("name"):
            return {"name": str(chosen["name"])}, None
        return None, f"the Jira user with email {email} has no usable id; the ticket is unassigned"

    def _add_link(self, key: str, review_url: str) -> None:
        client = self._jira()
        link = {"url": review_url, "title": "Post-mortem review"}
        self._call(f"link issue {key} to the review", lambda: client.add_simple_link(key, link))

    def _ensure_link(self, key: str, review_url: str) -> None:
        """Add the review link to an existing issue unless it is there (a retried open)."""
        client = self._jira()
        links = self._call(f"read links of issue {key}", lambda: client.remote_links(key))
        for link in links:
            raw = link.raw or {}
            if (raw.get("object") or {}).get("url") == review_url:
                return
        self._add_link(key, review_url)

    def _state(self, key: str, raw: dict[str, Any]) -> TicketState:
        fields = raw.get("fields") or {}
        status = fields.get("status") or {}
        category = (status.get("statusCategory") or {}).get("key")
        return TicketState(
            key=key,
            done=category == "done",
            status=str(status.get("name") or ""),
            labels=tuple(str(label) for label in fields.get("labels") or ()),
        )

    @staticmethod
    def _check_key(key: str) -> None:
        if not _KEY_OR_ID.match(key):
            raise ConnectorError(
                System.JIRA, ErrorKind.BAD_REQUEST, f"{key!r} is not a Jira issue key"
            )

    # -- the client, retries and errors --------------------------------------------------------

    def _jira(self) -> jira.JIRA:
        with self._client_lock:
            if self._client is None:
                self._client = self._call("connect", self._connect)
            return self._client

    def _connect(self) -> jira.JIRA:
        try:
            client = jira.JIRA(
                server=self.url,
                basic_auth=(self.email, self._api_token),
                timeout=self.timeout,
                max_retries=0,
                get_server_info=True,
            )
        except (KeyError, ValueError) as exc:
            raise ConnectorError(
                System.JIRA,
                ErrorKind.BAD_REQUEST,
                f"{self.url} does not answer like Jira: serverInfo lacks versionNumbers "
                f"or is not JSON ({type(exc).__name__})",
            ) from None
        self.deployment_type = client.deploymentType
        host = (urlsplit(self.url).hostname or "").lower()
        if client.deploymentType != "Cloud" and host.endswith(_CLOUD_HOST_SUFFIXES):
            LOG.warning(
                "jira: %s reports deploymentType %r; using the Cloud API",
                host,
                client.deploymentType,
            )
            client.deploymentType = "Cloud"
        return client

    def _call(
        self, what: str, operation: Callable[[], T], recheck: Callable[[], T | None] | None = None
    ) -> T:
        """Run one library call, retrying 429/503 here and mapping failures to ConnectorError.

        ``recheck`` runs before retrying after a 503 (which, unlike a 429, may come from a proxy
        after the work was done); a non-None answer is returned instead of repeating the call.
        """
        attempt = 0
        while True:
            try:
                return operation()
            except JIRAError as exc:
                status = exc.status_code
                if status in (429, 503):
                    retried, wait = pause_before_retry(
                        LOG,
                        "Jira",
                        status,
                        what,
                        exc.response.headers if exc.response is not None else {},
                        attempt,
                        max_retries=self.max_retries,
                        max_retry_wait=self.max_retry_wait,
                        sleep=self._sleep,
                    )
                    if not retried:
                        raise self._error(what, exc, retry_after=wait) from None
                    attempt += 1
                    if status == 503 and recheck is not None:
                        done = recheck()
                        if done is not None:
                            return done
                    continue
                raise self._error(what, exc) from None
            except requests.RequestException as exc:
                raise ConnectorError(
                    System.JIRA,
                    ErrorKind.UNAVAILABLE,
                    self._scrub(
                        f"cannot {what}: no answer from Jira at {self.url} ({type(exc).__name__})"
                    ),
                ) from None

    def _error(self, what: str, exc: JIRAError, retry_after: float | None = None) -> ConnectorError:
        status = exc.status_code
        kind, message = refusal(
            "Jira",
            status,
            what,
            error_text(exc.response) or (exc.text or ""),
            email=self.email,
            settings_prefix="FOLLOWTHROUGH_JIRA",
            max_retries=self.max_retries,
        )
        return ConnectorError(
            System.JIRA, kind, self._scrub(message), retry_after=retry_after, status=status
        )

    def _scrub(self, text: str) -> str:
        """Never let the API token (or its Basic form) reach a message."""
        return scrub(text, self.email, self._api_token)
