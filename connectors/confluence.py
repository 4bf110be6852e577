"""Confluence Cloud as the review document's home: one page per review, found again, never doubled.

Client: plain ``requests`` against the REST API (v2 for spaces, pages, versions and content
properties; v1 where v2 has no call: label writes, CQL search, users). ``atlassian-python-api``
5.0.5 was read and not used: its ``ConfluenceCloud.update_page`` always sends the version message
"Updated via Python API" (we need our own: it says what changed), ``get_page_by_title`` turns every
failure, a 429 included, into "no such page" (which would make a second page), ``add_page_label``
posts to a v2 label endpoint Atlassian documents only for reads, and its retry of 429 sleeps inside
the library with no bound we can set. ``requests`` is already a dependency.

Finding a review's page, cheapest first: the page id in the review's ``doc_url``; a CQL search for
the label ``ft-incident-<id>`` (confirmed by the ``followthrough.review`` content property, which
holds the incident id); then the exact title through ``GET /pages?space-id=&title=``, which, unlike
search, is consistent right after a create. CQL cannot query content properties without an index
key that only a Connect or Forge app can declare, hence the label.

Creating: the title is ``Post-incident review: <title> (<incident id>)``. A page with that title
that is ours (created by this account, with no property naming another incident) is adopted; one
that is someone else's (or archived) makes us try ``<title> (2)``, ``(3)``... A create whose answer
is lost (dropped connection, timeout, 5xx) is followed by the title lookup before anything else, so
a retried activity or a lost answer never makes a second page.

Updating: the page is re-read, its ``Notes`` section (people's) is carried over unchanged, and the
rest is replaced with a version message naming the sections that changed. A 409 (someone saved
in between) re-reads and retries, up to five times. If a person changed Followthrough's part since
its last version, the update still goes through (the page history keeps their version) and the
write reports a :class:`~connectors.documents.HumanEdit` with a link to the replaced version; the
version message records it too, so a retry whose first answer was lost reports it again.

Failures are :class:`~connectors.errors.ConnectorError` with ``system="confluence"``: 429 and 5xx
are retried here honouring ``Retry-After`` (or ``X-RateLimit-Reset``) up to ``max_retries`` times
and ``max_retry_wait`` seconds; 400 is ``BAD_REQUEST``, 401 ``UNAUTHORIZED``, 403 (and a create
refused for a missing permission) ``FORBIDDEN``, a missing space ``NOT_FOUND``. The API token never
appears in a message, a log line or the page.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from connectors.atlassian import error_text, pause_before_retry, quoted, refusal, scrub
from connectors.confluence_page import (
    JiraServer,
    changed_sections,
    compose,
    incident_label,
    normalized,
    render_review_storage,
    review_labels,
    review_title,
    split_notes,
    suffixed,
)
from connectors.documents import DocumentWritten, HumanEdit
from connectors.errors import ConnectorError, ErrorKind, System

__all__ = [
    "PROPERTY_KEY",
    "SYSTEM",
    "ConfluenceClient",
    "ConfluenceDocuments",
    "ConfluenceSite",
]

LOG = logging.getLogger(__name__)

SYSTEM = System.CONFLUENCE
PROPERTY_KEY = "followthrough.review"
MAX_BODY_BYTES = 5 * 1024 * 1024  # Confluence refuses larger bodies with 413
MAX_TITLE_TRIES = 20
MAX_CONFLICTS = 5
VERSION_PAGE = 50
MAX_VERSION_PAGES = 4  # look back at most 200 versions for Followthrough's last one
MAX_PAGES_FOLLOWED = 20
_REPLACED = re.compile(r"replaced a person's edit of version (\d+)")
_PAGE_ID = re.compile(r"^[0-9]{1,20}$")
_DUPLICATE_TITLE = "title already exists"
_RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


def _wiki_base(url: str) -> str:
    """``https://<site>.atlassian.net/wiki`` from the configured URL (``/wiki`` added if missing)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConnectorError(
            SYSTEM,
            ErrorKind.BAD_REQUEST,
            "FOLLOWTHROUGH_CONFLUENCE_URL must look like https://<site>.atlassian.net/wiki",
        )
    path = parts.path.rstrip("/")
    if not path.endswith("/wiki"):
        path = f"{path}/wiki"
    return f"{parts.scheme}://{parts.netloc}{path}"


class ConfluenceClient:
    """HTTP to one Confluence Cloud site: Basic auth (email + API token), retries, error mapping."""

    def __init__(
        self,
        url: str,
        email: str,
        api_token: str,
        *,
        timeout: float = 20.0,
        max_retries: int = 4,
        max_retry_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        ca_file: Path | None = None,
    ) -> None:
        self.base = _wiki_base(url)
        parts = urlsplit(self.base)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.email = email
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self._api_token = api_token
        self._sleep = sleep
        # requests' adapters do not retry by default; 429/5xx are retried in ``call``.
        self._session = requests.Session()
        self._session.auth = (email, api_token)
        self._session.headers.update({"Accept": "application/json"})
        # Passed on each request: a session's ``verify`` loses to REQUESTS_CA_BUNDLE otherwise.
        self._verify: str | bool = str(ca_file) if ca_file else True

    def __repr__(self) -> str:
        return f"ConfluenceClient(base={self.base!r}, email={self.email!r})"

    def close(self) -> None:
        self._session.close()

    def call(
        self,
        method: str,
        path: str,
        what: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        idempotent: bool | None = None,
        recheck: Callable[[], Any] | None = None,
    ) -> Any:
        """One request; its JSON answer (None for 204).

        ``path`` is relative to ``/wiki`` (``/api/v2/pages``) or absolute (``/wiki/...`` as in a
        ``_links.next``). 429 is always retried (the request was not carried out); 5xx and lost
        connections only when ``idempotent`` (default: every method but POST). For a POST,
        ``recheck`` runs after a 5xx before repeating it: a non-None answer is returned instead,
        since a gateway's 5xx may come after Confluence did the work.
        """
        url = self.origin + path if path.startswith("/wiki/") else self.base + path
        repeatable = method != "POST" if idempotent is None else idempotent
        attempt = 0
        while True:
            try:
                response = self._session.request(
                    method, url, params=params, json=body, timeout=self.timeout, verify=self._verify
                )
            except requests.RequestException as exc:
                if repeatable and attempt < self.max_retries:
                    wait = float(min(2**attempt, 30))
                    attempt += 1
                    LOG.warning(
                        "confluence: no answer to %s; retry %d in %.1fs", what, attempt, wait
                    )
                    self._sleep(wait)
                    continue
                raise ConnectorError(
                    SYSTEM,
                    ErrorKind.UNAVAILABLE,
                    self._scrub(
                        f"cannot {what}: no answer from Confluence at {self.base} "
                        f"({type(exc).__name__})"
                    ),
                ) from None
            status = response.status_code
            if 200 <= status < 300:
                if status == 204 or not response.content:
                    return None
                try:
                    return response.json()
                except ValueError:
                    raise ConnectorError(
                        SYSTEM,
                        ErrorKind.UNAVAILABLE,
                        f"could not {what}: Confluence answered {status} without JSON",
                        status=status,
                    ) from None
            if status in _RETRIED_STATUSES:
                retried, wait = pause_before_retry(
                    LOG,
                    "Confluence",
                    status,
                    what,
                    response.headers,
                    attempt,
                    max_retries=self.max_retries,
                    max_retry_wait=self.max_retry_wait,
                    sleep=self._sleep,
                    allowed=status == 429 or repeatable or recheck is not None,
                )
                if not retried:
                    raise self._error(what, response, retry_after=wait)
                attempt += 1
                if status != 429 and recheck is not None:
                    done = recheck()
                    if done is not None:
                        return done
                continue
            raise self._error(what, response)

    def paged(
        self,
        path: str,
        what: str,
        params: Mapping[str, Any],
        *,
        max_pages: int = MAX_PAGES_FOLLOWED,
    ) -> list[Any]:
        """Every ``results`` entry, following ``_links.next`` (at most ``max_pages`` pages)."""
        found: list[Any] = []
        next_path: str | None = path
        query: Mapping[str, Any] | None = params
        for _ in range(max_pages):
            if next_path is None:
                break
            answer = self.call("GET", next_path, what, params=query) or {}
            found.extend(answer.get("results") or [])
            next_path = (answer.get("_links") or {}).get("next")
            if next_path and not next_path.startswith("/wiki/"):
                next_path = f"/wiki{next_path}" if next_path.startswith("/") else None
            query = None  # the next link carries the query
        return found

    def _error(
        self, what: str, response: requests.Response, retry_after: float | None = None
    ) -> ConnectorError:
        status = response.status_code
        kind, message = refusal(
            "Confluence",
            status,
            what,
            error_text(response),
            email=self.email,
            settings_prefix="FOLLOWTHROUGH_CONFLUENCE",
            max_retries=self.max_retries,
        )
        return ConnectorError(
            SYSTEM, kind, self._scrub(message), retry_after=retry_after, status=status
        )

    def _scrub(self, text: str) -> str:
        """Never let the API token (or its Basic form) reach a message."""
        return scrub(text, self.email, self._api_token)


@dataclass(frozen=True)
class ConfluenceSite:
    """What start-up validation learnt, once: who we are, where pages go, which Jira is linked."""

    account_id: str
    space_id: str
    space_key: str
    parent_id: str
    jira_servers: tuple[JiraServer, ...] = ()


@dataclass
class _Page:
    """A page as read with its body, labels and properties."""

    id: str
    title: str
    status: str
    author_id: str  # who created the page
    version: int
    version_author: str
    version_message: str
    body: str
    labels: list[str] = field(default_factory=list)
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> _Page:
        version = data.get("version") or {}
        storage = ((data.get("body") or {}).get("storage") or {}).get("value") or ""
        labels = [str(x.get("name")) for x in (data.get("labels") or {}).get("results") or []]
        properties = {
            str(p.get("key")): dict(p) for p in (data.get("properties") or {}).get("results") or []
        }
        return cls(
            id=str(data["id"]),
            title=str(data.get("title") or ""),
            status=str(data.get("status") or "current"),
            author_id=str(data.get("authorId") or ""),
            version=int(version.get("number") or 1),
            version_author=str(version.get("authorId") or ""),
            version_message=str(version.get("message") or ""),
            body=str(storage),
            labels=labels,
            properties=properties,
        )


class ConfluenceDocuments:
    """Review documents as pages in one Confluence space, under one parent page.

    ``parent_page_id`` defaults to the space's home page; ``client`` is built from the other
    arguments unless given. Construction does no I/O; :meth:`validate` checks the settings once
    (it also runs before the first write).
    """

    name = "confluence"
    external = True

    def __init__(
        self,
        url: str,
        email: str,
        api_token: str,
        space: str,
        parent_page_id: str | None = None,
        *,
        timeout: float = 20.0,
        max_retries: int = 4,
        max_retry_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        ca_file: Path | None = None,
        client: ConfluenceClient | None = None,
    ) -> None:
        self.client = client or ConfluenceClient(
            url,
            email,
            api_token,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            sleep=sleep,
            ca_file=ca_file,
        )
        self.space_key = space
        self.parent_page_id = parent_page_id
        self._site: ConfluenceSite | None = None
        self._site_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ConfluenceDocuments(base={self.client.base!r}, space={self.space_key!r})"

    # -- start-up validation ---------------------------------------------------------------------

    def validate(self) -> ConfluenceSite:
        """Check once that the space exists and this account can add pages to it.

        Raises ConnectorError: ``UNAUTHORIZED`` (credentials), ``NOT_FOUND`` (no such space, or
        not visible to the account), ``FORBIDDEN`` naming the missing permission, ``BAD_REQUEST``
        for a parent page that is not in the space.
        """
        with self._site_lock:
            if self._site is None:
                self._site = self._check_site()
            return self._site

    def _check_site(self) -> ConfluenceSite:
        client = self.client
        me = client.call("GET", "/rest/api/user/current", "read the account's own profile") or {}
        if me.get("type") == "anonymous" or not me.get("accountId"):
            raise ConnectorError(
                SYSTEM,
                ErrorKind.UNAUTHORIZED,
                f"Confluence treats {client.email} as anonymous: check "
                "FOLLOWTHROUGH_CONFLUENCE_EMAIL and FOLLOWTHROUGH_CONFLUENCE_API_TOKEN",
            )
        account_id = str(me["accountId"])
        space = self._space()
        operations = (
            client.call(
                "GET",
                f"/api/v2/spaces/{space['id']}/operations",
                f"read permissions in space {self.space_key}",
            )
            or {}
        )
        allowed = {
            (str(o.get("operation")), str(o.get("targetType")))
            for o in operations.get("operations") or []
        }
        if ("create", "page") not in allowed:
            raise ConnectorError(
                SYSTEM,
                ErrorKind.FORBIDDEN,
                f"{client.email} cannot add pages to Confluence space {self.space_key}: the space "
                "permission 'Add pages' (create page) is missing; a space admin grants it under "
                "Space settings > Permissions",
            )
        parent_id = self._parent(space)
        return ConfluenceSite(
            account_id=account_id,
            space_id=str(space["id"]),
            space_key=self.space_key,
            parent_id=parent_id,
            jira_servers=self._jira_servers(),
        )

    def _space(self) -> Mapping[str, Any]:
        found = (
            self.client.call(
                "GET",
                "/api/v2/spaces",
                f"look up space {self.space_key}",
                params={"keys": self.space_key, "limit": 1},
            )
            or {}
        )
        spaces = [s for s in found.get("results") or [] if s.get("key") == self.space_key]
        if not spaces:
            raise ConnectorError(
                SYSTEM,
                ErrorKind.NOT_FOUND,
                f"Confluence space {self.space_key} does not exist or {self.client.email} cannot "
                "see it (check FOLLOWTHROUGH_CONFLUENCE_SPACE, a space key such as PM)",
            )
        space: Mapping[str, Any] = spaces[0]
        return space

    def _parent(self, space: Mapping[str, Any]) -> str:
        wanted = self.parent_page_id
        if wanted is None:
            home = space.get("homepageId")
            if not home:
                raise ConnectorError(
                    SYSTEM,
                    ErrorKind.BAD_REQUEST,
                    f"space {self.space_key} has no home page: set "
                    "FOLLOWTHROUGH_CONFLUENCE_PARENT_PAGE_ID",
                )
            return str(home)
        problem = (
            f"FOLLOWTHROUGH_CONFLUENCE_PARENT_PAGE_ID: {wanted!r} is not a page in space "
            f"{self.space_key} that {self.client.email} can see"
        )
        if not _PAGE_ID.match(wanted):
            raise ConnectorError(SYSTEM, ErrorKind.BAD_REQUEST, problem)
        try:
            page = self.client.call("GET", f"/api/v2/pages/{wanted}", f"read parent page {wanted}")
        except ConnectorError as exc:
            if exc.kind is ErrorKind.NOT_FOUND:
                raise ConnectorError(SYSTEM, ErrorKind.BAD_REQUEST, problem) from None
            raise
        if str((page or {}).get("spaceId")) != str(space["id"]):
            raise ConnectorError(SYSTEM, ErrorKind.BAD_REQUEST, problem)
        return wanted

    def _jira_servers(self) -> tuple[JiraServer, ...]:
        """Jira sites linked to this Confluence (undocumented editor endpoint; none if it fails)."""
        try:
            servers = self.client.call(
                "GET", "/rest/jiraanywhere/1.0/servers", "list linked Jira sites"
            )
        except ConnectorError as exc:
            LOG.info("confluence: no linked Jira sites (%s); tickets are plain links", exc.kind)
            return ()
        found = []
        for server in servers if isinstance(servers, list) else []:
            if isinstance(server, dict) and server.get("id") and server.get("url"):
                found.append(
                    JiraServer(
                        id=str(server["id"]),
                        name=str(server.get("name") or "Jira"),
                        url=str(server["url"]),
                    )
                )
        return tuple(found)

    # -- the DocumentStore protocol -------------------------------------------------------------

    def write(self, incident_id: str, review: Mapping[str, Any]) -> str:
        return self.write_document(incident_id, review).url

    def write_document(self, incident_id: str, review: Mapping[str, Any]) -> DocumentWritten:
        """Create the review's page or bring it up to date; see the module docstring."""
        site = self.validate()
        title = review_title(review)
        managed = render_review_storage(review, site.jira_servers)
        body = compose(managed, None)
        size = len(body.encode())
        if size > MAX_BODY_BYTES:
            raise ConnectorError(
                SYSTEM,
                ErrorKind.BAD_REQUEST,
                f"the review page of {incident_id} would be {size / 1e6:.1f} MB, over "
                "Confluence's 5 MB limit",
            )
        page = self._find(site, incident_id, review)
        if page is None:
            page, created = self._find_or_create(site, incident_id, title, body)
            if created:
                self._settle(page, incident_id, review)
                return DocumentWritten(url=self.page_url(page.id), version=page.version)
        written = self._update(site, page, title, managed)
        self._settle(page, incident_id, review)  # an update leaves labels and properties alone
        return written

    def read(self, incident_id: str) -> str | None:
        """The page's storage body, if the review has a page."""
        page = self._find(self.validate(), incident_id, {})
        return None if page is None else page.body

    def page_url(self, page_id: str) -> str:
        """Where people open the page; stable across title changes."""
        return f"{self.client.base}/spaces/{self.space_key}/pages/{page_id}"

    def version_url(self, page_id: str, version: int) -> str:
        """Where people read one earlier version of the page."""
        return f"{self.client.base}/pages/viewpage.action?pageId={page_id}&pageVersion={version}"

    # -- finding --------------------------------------------------------------------------------

    def _read(self, page_id: str) -> _Page | None:
        try:
            data = self.client.call(
                "GET",
                f"/api/v2/pages/{page_id}",
                f"read page {page_id}",
                params={
                    "body-format": "storage",
                    "include-labels": "true",
                    "include-properties": "true",
                },
            )
        except ConnectorError as exc:
            if exc.kind is ErrorKind.NOT_FOUND:
                return None
            raise
        page = _Page.from_json(data or {})
        return page if page.status == "current" else None

    def _ours(self, site: ConfluenceSite, page: _Page, incident_id: str, *, titled: bool) -> bool:
        """The page is this review's: its property says so, or (by title) we made it."""
        prop = page.properties.get(PROPERTY_KEY)
        value = prop.get("value") if prop else None
        if isinstance(value, dict) and value.get("incident_id"):
            return bool(value.get("incident_id") == incident_id)
        return titled and page.author_id == site.account_id

    def _find(
        self, site: ConfluenceSite, incident_id: str, review: Mapping[str, Any]
    ) -> _Page | None:
        known = str(review.get("doc_url") or "")
        prefix = self.page_url("")
        if known.startswith(prefix) and _PAGE_ID.match(known[len(prefix) :]):
            page = self._read(known[len(prefix) :])
            if page is not None and self._ours(site, page, incident_id, titled=False):
                return page
        cql = (
            f"type = page AND space = {quoted(site.space_key)} "
            f"AND label = {quoted(incident_label(incident_id))}"
        )
        hits = (
            self.client.call(
                "GET",
                "/rest/api/content/search",
                f"search for the page of {incident_id}",
                params={"cql": cql, "limit": 10},
            )
            or {}
        )
        for hit in hits.get("results") or []:
            page = self._read(str(hit.get("id")))
            if page is not None and self._ours(site, page, incident_id, titled=False):
                return page
        return None

    def _titled(self, site: ConfluenceSite, title: str) -> list[Mapping[str, Any]]:
        """Pages with exactly this title in the space (current and archived: both hold it)."""
        return [
            p
            for p in self.client.paged(
                "/api/v2/pages",
                f"look up the page titled {title!r}",
                # the default statuses, current and archived, are both the ones holding a title
                {"space-id": site.space_id, "title": title, "limit": 25},
                max_pages=2,
            )
            if p.get("title") == title
        ]

    def _adopt(self, site: ConfluenceSite, incident_id: str, title: str) -> _Page | None:
        """Our page with this title, if there is one (after a lost create answer, say)."""
        for entry in self._titled(site, title):
            if entry.get("status") != "current":
                continue
            page = self._read(str(entry["id"]))
            if page is not None and self._ours(site, page, incident_id, titled=True):
                return page
        return None

    def _find_or_create(
        self, site: ConfluenceSite, incident_id: str, title: str, body: str
    ) -> tuple[_Page, bool]:
        """``(page, created)``: adopt our page by title, or create one under the first free title."""
        for n in range(1, MAX_TITLE_TRIES + 1):
            candidate = suffixed(title, n)
            taken = self._titled(site, candidate)
            if taken:
                mine = self._adopt(site, incident_id, candidate)
                if mine is not None:
                    return mine, False
                continue  # someone else's page (or an archived one) holds this title
            try:
                created = self.client.call(
                    "POST",
                    "/api/v2/pages",
                    f"create the review page in space {site.space_key}",
                    body={
                        "spaceId": site.space_id,
                        "status": "current",
                        "title": candidate,
                        "parentId": site.parent_id,
                        "body": {"representation": "storage", "value": body},
                    },
                    recheck=functools.partial(self._adopt, site, incident_id, candidate),
                )
            except ConnectorError as exc:
                if exc.status == 400 and _DUPLICATE_TITLE in exc.message.lower():
                    continue  # taken meanwhile, or by a page we cannot see
                if exc.status == 404:
                    raise self._refused(
                        site, f"create a page under page {site.parent_id}"
                    ) from None
                if exc.retryable:
                    # The outcome is unknown: look before reporting the failure.
                    found = self._adopt(site, incident_id, candidate)
                    if found is not None:
                        LOG.info("confluence: create answer lost; found page %s by title", found.id)
                        return found, True
                raise
            if isinstance(created, _Page):  # the recheck found it after a 5xx
                return created, True
            return _Page.from_json(created or {}), True
        raise ConnectorError(
            SYSTEM,
            ErrorKind.BAD_REQUEST,
            f"the titles {title!r} to {suffixed(title, MAX_TITLE_TRIES)!r} are all taken by other "
            f"pages in space {site.space_key}",
        )

    def _refused(self, site: ConfluenceSite, what: str) -> ConnectorError:
        """Why v2 answered 404 to a change of a page it lets us read: the space is gone, or the
        permission was taken away (v2 hides what you may not change behind a 404)."""
        with self._site_lock:
            self._site = None
        try:
            self.validate()
        except ConnectorError as exc:
            return exc
        return ConnectorError(
            SYSTEM,
            ErrorKind.FORBIDDEN,
            f"Confluence refused to {what} in space {site.space_key} (answered 404): the page "
            "may be restricted",
        )

    # -- updating -------------------------------------------------------------------------------

    def _update(
        self, site: ConfluenceSite, page: _Page, title: str, managed: str
    ) -> DocumentWritten:
        url = self.page_url(page.id)
        keep_title = False
        for attempt in range(MAX_CONFLICTS):
            if attempt:
                fresh = self._read(page.id)
                if fresh is None:
                    raise ConnectorError(
                        SYSTEM,
                        ErrorKind.UNAVAILABLE,
                        f"page {page.id} disappeared while being updated; the next attempt "
                        "creates it again",
                    )
                page = fresh
            current, notes = split_notes(page.body)
            body = compose(managed, notes)
            wanted_title = page.title if keep_title else title
            if normalized(body) == normalized(page.body) and wanted_title == page.title:
                return DocumentWritten(
                    url=url,
                    changed=False,
                    version=page.version,
                    human_edit=self._edit_recorded(site, page),
                )
            edit = self._human_edit(site, page, current)
            message = self._message(current, managed, edit, wanted_title != page.title)
            try:
                self.client.call(
                    "PUT",
                    f"/api/v2/pages/{page.id}",
                    f"update page {page.id}",
                    body={
                        "id": page.id,
                        "status": "current",
                        "title": wanted_title,
                        "body": {"representation": "storage", "value": body},
                        "version": {"number": page.version + 1, "message": message},
                    },
                )
            except ConnectorError as exc:
                if exc.status == 409:
                    LOG.info("confluence: page %s changed meanwhile; re-reading", page.id)
                    continue
                if exc.status == 404 and self._read(page.id) is None:
                    continue  # deleted meanwhile: the re-read below says so
                if exc.status == 404:
                    raise self._refused(site, f"update page {page.id}") from None
                if exc.status == 400 and _DUPLICATE_TITLE in exc.message.lower() and not keep_title:
                    keep_title = True  # the new title is someone else's: keep the old one
                    continue
                raise
            return DocumentWritten(url=url, version=page.version + 1, human_edit=edit)
        raise ConnectorError(
            SYSTEM,
            ErrorKind.UNAVAILABLE,
            f"page {page.id} kept changing while being updated ({MAX_CONFLICTS} conflicts); "
            "it is tried again later",
            status=409,
        )

    def _message(self, before: str, after: str, edit: HumanEdit | None, retitled: bool) -> str:
        changed = changed_sections(before, after)
        parts = [", ".join(changed)] if changed else []
        if retitled:
            parts.append("title")
        text = "Followthrough: updated " + ("; ".join(parts) if parts else "the page")
        if edit is not None:
            text += (
                f"; replaced a person's edit of version {edit.version} (kept in the page history)"
            )
        return text[:250]

    def _versions(self, page_id: str) -> list[Mapping[str, Any]]:
        return self.client.paged(
            f"/api/v2/pages/{page_id}/versions",
            f"read the history of page {page_id}",
            {"sort": "-modified-date", "limit": VERSION_PAGE},
            max_pages=MAX_VERSION_PAGES,
        )

    def _human_edit(self, site: ConfluenceSite, page: _Page, current: str) -> HumanEdit | None:
        """A person's change to Followthrough's part since its last version, if any."""
        if page.version_author == site.account_id:
            return None
        ours = next(
            (v for v in self._versions(page.id) if v.get("authorId") == site.account_id), None
        )
        changed: list[str]
        if ours is None:
            changed = ["the whole page"]
        else:
            data = (
                self.client.call(
                    "GET",
                    f"/api/v2/pages/{page.id}",
                    f"read version {ours.get('number')} of page {page.id}",
                    params={"version": ours.get("number"), "body-format": "storage"},
                )
                or {}
            )
            before = ((data.get("body") or {}).get("storage") or {}).get("value") or ""
            changed = changed_sections(split_notes(str(before))[0], current)
        if not changed:
            return None  # only Notes changed: that part is theirs
        return HumanEdit(
            version=page.version,
            url=self.version_url(page.id, page.version),
            author=self._display_name(page.version_author),
            sections=tuple(changed),
        )

    def _edit_recorded(self, site: ConfluenceSite, page: _Page) -> HumanEdit | None:
        """The edit our current version says it replaced (a retry whose answer was lost)."""
        match = _REPLACED.search(page.version_message)
        if page.version_author != site.account_id or match is None:
            return None
        number = int(match.group(1))
        author = next(
            (str(v.get("authorId")) for v in self._versions(page.id) if v.get("number") == number),
            None,
        )
        return HumanEdit(
            version=number,
            url=self.version_url(page.id, number),
            author=self._display_name(author) if author else None,
            sections=(),
        )

    def _display_name(self, account_id: str) -> str:
        try:
            user = (
                self.client.call(
                    "GET",
                    "/rest/api/user",
                    "read who edited the page",
                    params={"accountId": account_id},
                )
                or {}
            )
        except ConnectorError:
            return account_id
        return str(user.get("displayName") or user.get("publicName") or account_id)

    # -- labels and the property ------------------------------------------------------------------

    def _settle(self, page: _Page, incident_id: str, review: Mapping[str, Any]) -> None:
        """The property naming the incident first (it is how the page is recognised), then labels."""
        wanted = review_labels(review)
        prop = page.properties.get(PROPERTY_KEY)
        previous = (prop or {}).get("value") or {}
        before = set(previous.get("labels") or []) if isinstance(previous, dict) else set()
        value = {
            "incident_id": incident_id,
            "labels": wanted,
            "review_url": review.get("review_url"),
        }
        if prop is None or prop.get("value") != value:
            self._set_property(page.id, prop, value)
        missing = [name for name in wanted if name not in page.labels]
        if missing:
            self.client.call(
                "POST",
                f"/rest/api/content/{page.id}/label",
                f"label page {page.id}",
                body=[{"prefix": "global", "name": name} for name in missing],
                idempotent=True,  # adding a label that is there changes nothing
            )
        for name in sorted(before - set(wanted)):
            if name in page.labels:
                try:
                    self.client.call(
                        "DELETE",
                        f"/rest/api/content/{page.id}/label",
                        f"remove label {name} from page {page.id}",
                        params={"name": name},
                    )
                except ConnectorError as exc:
                    if exc.kind is not ErrorKind.NOT_FOUND:
                        raise

    def _set_property(
        self, page_id: str, prop: Mapping[str, Any] | None, value: Mapping[str, Any]
    ) -> None:
        path = f"/api/v2/pages/{page_id}/properties"
        for _ in range(MAX_CONFLICTS):
            try:
                if prop is None:
                    self.client.call(
                        "POST",
                        path,
                        f"record the incident on page {page_id}",
                        body={"key": PROPERTY_KEY, "value": value},
                        idempotent=True,  # a repeat answers 409 and is handled below
                    )
                else:
                    number = int((prop.get("version") or {}).get("number") or 1)
                    self.client.call(
                        "PUT",
                        f"{path}/{prop['id']}",
                        f"record the incident on page {page_id}",
                        body={
                            "key": PROPERTY_KEY,
                            "value": value,
                            "version": {"number": number + 1},
                        },
                    )
                return
            except ConnectorError as exc:
                if exc.status not in (400, 409):
                    raise
                found = (
                    self.client.call(
                        "GET",
                        path,
                        f"read the properties of page {page_id}",
                        params={"key": PROPERTY_KEY},
                    )
                    or {}
                )
                results = found.get("results") or []
                if not results and exc.status == 400:
                    raise
                prop = results[0] if results else None
                if prop is not None and prop.get("value") == value:
                    return
        raise ConnectorError(
            SYSTEM,
            ErrorKind.UNAVAILABLE,
            f"the property of page {page_id} kept changing; it is tried again later",
            status=409,
        )
