"""A Confluence Cloud imitation on 127.0.0.1 (HTTP, or HTTPS with a throwaway CA), under ``/wiki``.

Built from Atlassian's REST documentation (the v2 OpenAPI document, "The Confluence Cloud REST API
v2" 2.0.0, and the v1 reference for labels, CQL search and users):

- v2 ``/wiki/api/v2``: ``GET /spaces?keys=`` (``homepageId``), ``GET /spaces/{id}/operations``,
  ``GET|POST /pages`` (filters ``space-id``, ``title``, ``status`` defaulting to current and
  archived; cursor paging with ``_links.next`` and a ``Link`` header), ``GET|PUT|DELETE
  /pages/{id}`` (``body-format=storage``, ``version=``), ``GET /pages/{id}/versions``,
  ``GET /pages/{id}/labels``, ``GET|POST /pages/{id}/properties`` and ``GET|PUT|DELETE
  /pages/{id}/properties/{property-id}``, ``GET /pages/{id}/operations``.
- v1 ``/wiki/rest/api``: ``GET /user/current``, ``GET /user?accountId=``, ``GET
  /content/search?cql=``, ``GET|POST /content/{id}/label``, ``DELETE /content/{id}/label?name=``
  and ``/content/{id}/label/{label}``.
- ``GET /wiki/rest/jiraanywhere/1.0/servers``: the (undocumented) list of linked Jira sites the
  editor's Jira macro uses.

Behaviour imitated: a title is unique among a space's current and archived pages (400 "A page with
this title already exists"); an update must carry exactly the current version + 1 (409 otherwise);
the body is checked as well-formed XHTML with the ``ac:``/``ri:`` namespaces and HTML entities
(400 "Error parsing xhtml" otherwise) and limited to 5 MB (413); a create without the "create page"
space permission answers 404, as v2 documents; error bodies are v2's ``{"errors": [{status, code,
title, detail}]}`` or v1's ``{statusCode, data, message, reason}``; Basic auth with an account email
and API token. CQL over content properties works only for keys registered as indexed (as with a
Connect/Forge index key); the search index can be made to lag (``lagging_search``).

Fault injection: ``fail_next`` (429 bursts with ``Retry-After``, 5xx, after or before the work),
``drop_next`` (do the work, then close the connection unanswered), ``race_next_update`` (a person
saves the page just before the next update lands, so it answers 409).

Test-side helpers imitate people in the editor (``edit_as``, ``append_notes``) and read what a Page
Properties Report on a parent would list (``page_properties_report``).

    with FakeConfluence() as fake:
        space = fake.add_space("PM")
        store = ConfluenceDocuments(fake.url, fake.email, fake.api_token, "PM")
"""

from __future__ import annotations

import base64
import hmac
import html.entities
import itertools
import json
import re
import threading
import xml.parsers.expat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit
from xml.etree import ElementTree

from tests.fakes.http import Answer, Failure, Failures, LocalServer

JsonDict = dict[str, Any]

MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_PROPERTY_BYTES = 32 * 1024
MAX_TITLE = 255
DUPLICATE_TITLE = (
    "A page with this title already exists: A page already exists with the same TITLE in this space"
)
#: Characters Confluence refuses in a label name.
LABEL_FORBIDDEN = set(":;,.?&[]()#^*@! ")
NAMESPACES = {
    "ac": "http://atlassian.com/content",
    "ri": "http://atlassian.com/resource/identifier",
    "at": "http://atlassian.com/template",
}
_ENTITY_DTD = "".join(
    f'<!ENTITY {name} "&#{code};">'
    for name, code in html.entities.name2codepoint.items()
    if name not in ("amp", "lt", "gt", "quot", "apos")
)


def _now() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def storage_problem(value: str) -> str | None:
    """Why ``value`` is not well-formed storage format, in Confluence's words; None when it is."""
    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
    document = (
        f"<!DOCTYPE fake [{_ENTITY_DTD}]><fake-root {namespaces}>{value}</fake-root>"
    ).encode()
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(document, True)
    except xml.parsers.expat.ExpatError as exc:
        reason = xml.parsers.expat.ErrorString(exc.code)
        return f"Error parsing xhtml: {reason}\n at [row,col {{unknown-source}}]: [{exc.lineno},{exc.offset}]"
    return None


def _v2_error(status: int, title: str, detail: str | None = None) -> JsonDict:
    codes = {
        400: "INVALID_REQUEST_PARAMETER",
        401: "UNAUTHORIZED",
        403: "FORBIDDEN",
        404: "NOT_FOUND",
        409: "CONFLICT",
        413: "REQUEST_ENTITY_TOO_LARGE",
        429: "TOO_MANY_REQUESTS",
        500: "INTERNAL_SERVER_ERROR",
        503: "SERVICE_UNAVAILABLE",
    }
    return {
        "errors": [
            {"status": status, "code": codes.get(status, "ERROR"), "title": title, "detail": detail}
        ]
    }


def _v1_error(status: int, message: str) -> JsonDict:
    reasons = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        409: "Conflict",
        429: "Too Many Requests",
        500: "Internal Server Error",
        503: "Service Unavailable",
    }
    return {
        "statusCode": status,
        "data": {
            "authorized": status not in (401, 403),
            "valid": True,
            "errors": [],
            "successful": False,
        },
        "message": message,
        "reason": reasons.get(status, "Error"),
    }


class ConfluenceHttpError(Exception):
    """Raised inside a route; the handler answers in the shape of the API version asked."""

    def __init__(self, status: int, title: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.headers = headers or {}


@dataclass
class FakeUser:
    account_id: str
    email: str
    display_name: str
    api_token: str | None = None


@dataclass
class FakeSpace:
    id: str
    key: str
    name: str
    homepage_id: str
    author_id: str
    created_at: str = field(default_factory=_now)
    #: account id -> operations ("read", "space"), ("create", "page")...
    grants: dict[str, set[tuple[str, str]]] = field(default_factory=dict)


@dataclass
class FakeVersion:
    number: int
    title: str
    body: str
    author_id: str
    message: str
    created_at: str = field(default_factory=_now)
    minor_edit: bool = False


@dataclass
class FakeProperty:
    id: str
    key: str
    value: Any
    versions: list[tuple[int, str, str]]  # (number, author, created)


@dataclass
class FakePage:
    id: str
    space: FakeSpace
    parent_id: str | None
    status: str
    author_id: str
    created_at: str
    versions: list[FakeVersion]
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # (id, prefix, name)
    properties: dict[str, FakeProperty] = field(default_factory=dict)
    #: accounts allowed to edit when restricted; None: anyone with space permission
    edit_restricted_to: set[str] | None = None

    @property
    def current(self) -> FakeVersion:
        return self.versions[-1]


class FakeConfluence:
    """A Confluence Cloud site; a context manager, or start()/stop(). See the module docstring."""

    def __init__(
        self,
        email: str = "followthrough-bot@example.com",
        api_token: str = "fake-confluence-token-8d1e",  # noqa: S107 - a test credential
        *,
        tls: bool = False,
        jira_servers: list[JsonDict] | None = None,
        lagging_search: bool = False,
    ) -> None:
        self.email = email
        self.api_token = api_token
        self.tls = tls
        #: What ``/rest/jiraanywhere/1.0/servers`` lists; None answers 404 (no Jira linked).
        self.jira_servers = jira_servers
        #: When True, CQL sees only what ``reindex()`` has indexed (Confluence search lags writes).
        self.lagging_search = lagging_search
        #: Content property keys CQL may query (what a Connect/Forge index key declares).
        self.indexed_properties: set[str] = set()
        self.requests: list[tuple[str, str]] = []
        self.request_bodies: list[tuple[str, str, bytes]] = []
        self._lock = threading.RLock()
        self._users: dict[str, FakeUser] = {}
        self._spaces: dict[str, FakeSpace] = {}
        self._pages: dict[str, FakePage] = {}
        self._failures = Failures()
        # (account, body suffix, message, page id or None for any page)
        self._races: list[tuple[str, str, str, str | None]] = []
        self._indexed: dict[str, tuple[str, str, str, tuple[str, ...]]] = {}
        self._ids = itertools.count(65537)
        self._label_ids = itertools.count(90001)
        self._property_ids = itertools.count(70001)
        self._http = LocalServer(
            self.handle, "FakeConfluence", tls=tls, always={"Atl-Traceid": "fake"}
        )
        self.ca_file: Path | None = None
        self.bot = self.add_user(email, "Followthrough Bot", api_token=api_token)
        self.admin = self.add_user("admin@example.com", "Site Admin")

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeConfluence:
        self._http.start()
        self.ca_file = self._http.ca_file
        return self

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> FakeConfluence:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def site(self) -> str:
        return self._http.origin

    @property
    def url(self) -> str:
        """The base URL people configure: ``<site>/wiki``."""
        return f"{self.site}/wiki"

    # -- registries --------------------------------------------------------------------------

    def add_user(self, email: str, name: str, *, api_token: str | None = None) -> FakeUser:
        account_id = f"5b10{len(self._users):04d}" + "a" * 16
        user = FakeUser(account_id, email, name, api_token)
        with self._lock:
            self._users[account_id] = user
        return user

    def user_by_email(self, email: str) -> FakeUser:
        with self._lock:
            return next(u for u in self._users.values() if u.email == email)

    def add_space(
        self, key: str, name: str | None = None, *, bot_can_create: bool = True
    ) -> FakeSpace:
        """A space with a home page (by the site admin); the bot may read it and add pages."""
        with self._lock:
            space_id = str(next(self._ids))
            home = str(next(self._ids))
            space = FakeSpace(space_id, key, name or f"{key} space", home, self.admin.account_id)
            everything = {("read", "space"), ("create", "page"), ("delete", "page")}
            space.grants[self.admin.account_id] = set(everything) | {("administer", "space")}
            space.grants[self.bot.account_id] = (
                {("read", "space"), ("create", "page")} if bot_can_create else {("read", "space")}
            )
            self._spaces[space_id] = space
            stamp = _now()
            self._pages[home] = FakePage(
                id=home,
                space=space,
                parent_id=None,
                status="current",
                author_id=self.admin.account_id,
                created_at=stamp,
                versions=[
                    FakeVersion(
                        1, f"{space.name} Home", "<p>Welcome.</p>", self.admin.account_id, ""
                    )
                ],
            )
            self._index(self._pages[home])
            return space

    def grant(self, space_key: str, account_id: str, *operations: tuple[str, str]) -> None:
        with self._lock:
            self._space_by_key(space_key).grants.setdefault(account_id, set()).update(operations)

    def revoke(self, space_key: str, account_id: str, *operations: tuple[str, str]) -> None:
        with self._lock:
            self._space_by_key(space_key).grants.setdefault(account_id, set()).difference_update(
                operations
            )

    def restrict_editing(self, page_id: str, *account_ids: str) -> None:
        """A page restriction: only these accounts may edit (others get 403 on update)."""
        with self._lock:
            self._pages[page_id].edit_restricted_to = set(account_ids)

    # -- fault injection ---------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        count: int = 1,
        headers: dict[str, str] | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        after: int = 0,
        processed: bool = False,
    ) -> None:
        """Answer the next ``count`` matching requests with ``status`` (429, 503...).

        ``path`` is a prefix such as ``/wiki/api/v2/pages``; ``after`` lets that many matching
        requests through first; ``processed=True`` does the work before answering with the failure
        (a gateway's 503 after Confluence saved the page).
        """
        with self._lock:
            self._failures.add(
                Failure(status, dict(headers or {}), method, path, count, after, processed)
            )

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()
            self._races.clear()

    def rate_limit(self, count: int, retry_after: str = "1", *, path: str | None = None) -> None:
        """A burst: the next ``count`` requests answer 429 with ``Retry-After``."""
        self.fail_next(429, count, {"Retry-After": retry_after}, path=path)

    def drop_next(self, method: str, path: str, *, after: int = 0) -> None:
        """Carry out the next matching request, then close the connection without answering."""
        with self._lock:
            self._failures.add(Failure(0, {}, method, path, 1, after, True, drop=True))

    def race_next_update(
        self,
        by: FakeUser,
        notes: str = "Edited while you were saving.",
        *,
        page_id: str | None = None,
    ) -> None:
        """Before the next page update lands (of ``page_id``, or of any page), ``by`` saves the
        page (adding ``notes`` at the end)."""
        with self._lock:
            self._races.append((by.account_id, f"<p>{notes}</p>", "edited in the editor", page_id))

    # -- what people do in the editor -----------------------------------------------------------

    def edit_as(
        self, user: FakeUser, page_id: str, body: str, message: str = "", title: str | None = None
    ) -> int:
        """Save a new version of the page as ``user``; returns the new version number."""
        with self._lock:
            page = self._pages[page_id]
            problem = storage_problem(body)
            assert problem is None, problem
            number = page.current.number + 1
            page.versions.append(
                FakeVersion(number, title or page.current.title, body, user.account_id, message)
            )
            self._index(page)
            return number

    def append_notes(self, user: FakeUser, page_id: str, text: str) -> int:
        """A person adds a paragraph at the end of the page (inside the Notes section)."""
        with self._lock:
            body = self._pages[page_id].current.body + f"<p>{text}</p>"
            return self.edit_as(user, page_id, body, "notes")

    def create_page_as(
        self, user: FakeUser, space_key: str, title: str, body: str = "<p>Mine.</p>"
    ) -> str:
        """A page someone made by hand, under the space's home page."""
        with self._lock:
            space = self._space_by_key(space_key)
            page = self._new_page(space, title, body, space.homepage_id, user.account_id, "")
            return page.id

    def archive(self, page_id: str) -> None:
        with self._lock:
            self._pages[page_id].status = "archived"
            self._index(self._pages[page_id])

    def reindex(self) -> None:
        """Let the search index catch up with every page (see ``lagging_search``)."""
        with self._lock:
            for page in self._pages.values():
                self._indexed[page.id] = self._snapshot(page)

    # -- inspection ----------------------------------------------------------------------------

    def pages_in(self, space_key: str, *, status: str = "current") -> list[FakePage]:
        with self._lock:
            space = self._space_by_key(space_key)
            return [
                p
                for p in self._pages.values()
                if p.space is space and p.status == status and p.id != space.homepage_id
            ]

    def page(self, page_id: str) -> FakePage:
        with self._lock:
            return self._pages[page_id]

    def body(self, page_id: str, version: int | None = None) -> str:
        with self._lock:
            page = self._pages[page_id]
            return (page.versions[version - 1] if version else page.current).body

    def label_names(self, page_id: str) -> list[str]:
        with self._lock:
            return [name for _, _, name in self._pages[page_id].labels]

    def property_value(self, page_id: str, key: str) -> Any:
        with self._lock:
            prop = self._pages[page_id].properties.get(key)
            return None if prop is None else prop.value

    def count(self, method: str, path_prefix: str) -> int:
        """How many requests matched ``method`` and the path prefix."""
        return sum(1 for m, p in self.requests if m == method and p.startswith(path_prefix))

    def page_properties_report(self, parent_id: str, label: str) -> list[dict[str, str]]:
        """The rows a Page Properties Report on ``parent_id`` filtered by ``label`` would show.

        Each child page carrying the label contributes the first ``details`` macro's two-column
        table (``<th>`` key, ``<td>`` value, as text), plus its title under ``Title``.
        """
        with self._lock:
            rows = []
            for page in self._pages.values():
                if page.parent_id != parent_id or page.status != "current":
                    continue
                if label not in (name for _, _, name in page.labels):
                    continue
                row = _details_row(page.current.body)
                if row is not None:
                    rows.append({"Title": page.current.title, **row})
            return rows

    # -- internals -----------------------------------------------------------------------------

    def _space_by_key(self, key: str) -> FakeSpace:
        for space in self._spaces.values():
            if space.key == key:
                return space
        raise KeyError(key)

    def _may(self, account: str, space: FakeSpace, operation: tuple[str, str]) -> bool:
        return operation in space.grants.get(account, set())

    def _new_page(
        self,
        space: FakeSpace,
        title: str,
        body: str,
        parent_id: str | None,
        author: str,
        message: str,
    ) -> FakePage:
        page = FakePage(
            id=str(next(self._ids)),
            space=space,
            parent_id=parent_id,
            status="current",
            author_id=author,
            created_at=_now(),
            versions=[FakeVersion(1, title, body, author, message)],
        )
        self._pages[page.id] = page
        self._index(page)
        return page

    def _snapshot(self, page: FakePage) -> tuple[str, str, str, tuple[str, ...]]:
        return (
            page.space.key,
            page.current.title,
            page.status,
            tuple(n for _, _, n in page.labels),
        )

    def _index(self, page: FakePage) -> None:
        if not self.lagging_search:
            self._indexed[page.id] = self._snapshot(page)

    def _title_taken(self, space: FakeSpace, title: str, but: str | None = None) -> bool:
        return any(
            p.space is space
            and p.status in ("current", "archived", "draft")
            and p.current.title == title
            and p.id != but
            for p in self._pages.values()
        )

    def _readable_page(self, account: str, page_id: str) -> FakePage:
        page = self._pages.get(page_id)
        if (
            page is None
            or page.status == "deleted"
            or not self._may(account, page.space, ("read", "space"))
        ):
            raise ConfluenceHttpError(404, "Not Found")
        return page

    def _check_edit(self, account: str, page: FakePage) -> None:
        if not self._may(account, page.space, ("create", "page")):
            raise ConfluenceHttpError(404, "Not Found")  # v2 hides what you may not change
        if page.edit_restricted_to is not None and account not in page.edit_restricted_to:
            raise ConfluenceHttpError(
                403, "You do not have permission to edit this content (page restriction)."
            )

    def _links(self, page: FakePage) -> JsonDict:
        slug = quote(page.current.title.replace(" ", "+"), safe="+")
        return {
            "webui": f"/spaces/{page.space.key}/pages/{page.id}/{slug}",
            "editui": f"/pages/resumedraft.action?draftId={page.id}",
            "tinyui": f"/x/{base64.urlsafe_b64encode(page.id.encode()).decode().rstrip('=')}",
        }

    def _page_json(
        self, page: FakePage, body_format: str | None, version: FakeVersion | None = None
    ) -> JsonDict:
        shown = version or page.current
        body: JsonDict = {}
        if body_format == "storage":
            body = {"storage": {"representation": "storage", "value": shown.body}}
        return {
            "id": page.id,
            "status": page.status if version is None or version is page.current else "historical",
            "title": shown.title,
            "spaceId": page.space.id,
            "parentId": page.parent_id,
            "parentType": "page" if page.parent_id else None,
            "position": 1,
            "authorId": page.author_id,
            "ownerId": page.author_id,
            "lastOwnerId": None,
            "createdAt": page.created_at,
            "version": self._version_json(shown),
            "body": body,
            "_links": {**self._links(page), "base": self.url},
        }

    @staticmethod
    def _version_json(version: FakeVersion) -> JsonDict:
        return {
            "createdAt": version.created_at,
            "message": version.message,
            "number": version.number,
            "minorEdit": version.minor_edit,
            "authorId": version.author_id,
        }

    def _property_json(self, prop: FakeProperty) -> JsonDict:
        number, author, created = prop.versions[-1]
        return {
            "id": prop.id,
            "key": prop.key,
            "value": prop.value,
            "version": {
                "createdAt": created,
                "message": "",
                "number": number,
                "minorEdit": False,
                "authorId": author,
            },
        }

    def _user_json(self, user: FakeUser) -> JsonDict:
        return {
            "type": "known",
            "accountId": user.account_id,
            "accountType": "atlassian",
            "email": user.email,
            "publicName": user.display_name,
            "displayName": user.display_name,
            "profilePicture": {
                "path": "/wiki/aa-avatar/default.png",
                "width": 48,
                "height": 48,
                "isDefault": True,
            },
            "isExternalCollaborator": False,
            "_links": {
                "self": f"{self.url}/rest/api/user?accountId={user.account_id}",
                "base": self.url,
                "context": "/wiki",
            },
        }

    # -- request handling ------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> Answer | None:
        """Answer one request: (status, json or None, headers), or None to drop the connection."""
        parts = urlsplit(target)
        path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        v1 = path.startswith("/wiki/rest/")
        with self._lock:
            self.requests.append((method, path))
            if body:
                self.request_bodies.append((method, path, body))
            failure = self._failures.take(method, path)
            if failure is not None:
                if failure.processed:
                    self._answer(method, path, query, headers, body, v1)
                if failure.drop:
                    return None
                message = {
                    429: "Rate limit exceeded.",
                    503: "Service Unavailable",
                }.get(failure.status, f"Injected failure {failure.status}")
                shaped = (
                    _v1_error(failure.status, message) if v1 else _v2_error(failure.status, message)
                )
                return failure.status, shaped, failure.headers
            return self._answer(method, path, query, headers, body, v1)

    def _account(self, header: str) -> FakeUser | None:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            email, _, token = base64.b64decode(value.strip()).decode().partition(":")
        except ValueError:
            return None
        for user in self._users.values():
            if (
                user.api_token
                and user.email == email
                and hmac.compare_digest(user.api_token, token)
            ):
                return user
        return None

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        v1: bool,
    ) -> Answer:
        def error(status: int, title: str, extra: dict[str, str] | None = None) -> Answer:
            shaped = _v1_error(status, title) if v1 else _v2_error(status, title)
            return status, shaped, extra or {}

        user = self._account(headers.get("authorization", ""))
        if user is None:
            return error(
                401,
                "Unauthorized; scope does not match",
                {"WWW-Authenticate": 'Basic realm="protected-area"'},
            )
        payload: Any = None
        if body:
            if len(body) > MAX_BODY_BYTES:
                return error(413, "Request entity too large (over 5 MB).")
            try:
                payload = json.loads(body)
            except ValueError:
                return error(400, "Unable to parse the request body as JSON.")
        try:
            for route_method, pattern, handler in self._routes():
                if route_method != method:
                    continue
                match = re.fullmatch(pattern, path)
                if match:
                    answer: Answer = handler(user.account_id, match, query, payload)
                    return answer
        except ConfluenceHttpError as exc:
            return error(exc.status, exc.title, exc.headers)
        return error(404, f"null for uri: {path}")

    def _routes(self) -> list[tuple[str, str, Callable[..., Answer]]]:
        v2 = r"/wiki/api/v2"
        v1 = r"/wiki/rest/api"
        page = rf"{v2}/pages/(?P<id>\d+)"
        return [
            ("GET", rf"{v2}/spaces", self._spaces_list),
            ("GET", rf"{v2}/spaces/(?P<id>\d+)", self._space_get),
            ("GET", rf"{v2}/spaces/(?P<id>\d+)/operations", self._space_operations),
            ("GET", rf"{v2}/pages", self._pages_list),
            ("POST", rf"{v2}/pages", self._page_create),
            ("GET", page, self._page_get),
            ("PUT", page, self._page_update),
            ("DELETE", page, self._page_delete),
            ("GET", rf"{page}/versions", self._page_versions),
            ("GET", rf"{page}/labels", self._page_labels),
            ("GET", rf"{page}/operations", self._page_operations),
            ("GET", rf"{v2}/pages/(?P<id>\d+)/properties", self._properties_list),
            ("POST", rf"{v2}/pages/(?P<id>\d+)/properties", self._property_create),
            ("GET", rf"{v2}/pages/(?P<id>\d+)/properties/(?P<pid>\d+)", self._property_get),
            ("PUT", rf"{v2}/pages/(?P<id>\d+)/properties/(?P<pid>\d+)", self._property_update),
            ("DELETE", rf"{v2}/pages/(?P<id>\d+)/properties/(?P<pid>\d+)", self._property_delete),
            ("GET", rf"{v1}/user/current", self._user_current),
            ("GET", rf"{v1}/user", self._user_get),
            ("GET", rf"{v1}/content/search", self._search),
            ("GET", rf"{v1}/content/(?P<id>\d+)/label", self._v1_labels),
            ("POST", rf"{v1}/content/(?P<id>\d+)/label", self._v1_add_labels),
            ("DELETE", rf"{v1}/content/(?P<id>\d+)/label", self._v1_remove_label),
            ("DELETE", rf"{v1}/content/(?P<id>\d+)/label/(?P<label>[^/]+)", self._v1_remove_label),
            ("GET", r"/wiki/rest/jiraanywhere/1\.0/servers", self._jira_servers),
        ]

    # -- paging ---------------------------------------------------------------------------------

    def _page_of(self, items: list[JsonDict], query: dict[str, list[str]], path: str) -> Answer:
        limit = _int(query, "limit", 25, 1, 250)
        cursor = (query.get("cursor") or [""])[0]
        start = 0
        if cursor:
            try:
                start = int(
                    base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("fake:")
                )
            except ValueError:
                raise ConfluenceHttpError(400, "Invalid cursor") from None
        chunk = items[start : start + limit]
        links: JsonDict = {"base": self.url}
        headers: dict[str, str] = {}
        if start + limit < len(items):
            rest = {k: v[0] for k, v in query.items() if k != "cursor"}
            rest["cursor"] = base64.urlsafe_b64encode(f"fake:{start + limit}".encode()).decode()
            nxt = f"{path.removeprefix('/wiki')}?{urlencode(rest)}"
            links["next"] = f"/wiki{nxt}"
            headers["Link"] = f'</wiki{nxt}>; rel="next", <{self.url}>; rel="base"'
        return 200, {"results": chunk, "_links": links}, headers

    # -- spaces ---------------------------------------------------------------------------------

    def _space_json(self, space: FakeSpace) -> JsonDict:
        return {
            "id": space.id,
            "key": space.key,
            "name": space.name,
            "type": "global",
            "status": "current",
            "authorId": space.author_id,
            "createdAt": space.created_at,
            "homepageId": space.homepage_id,
            "description": None,
            "icon": None,
            "_links": {"webui": f"/spaces/{space.key}"},
        }

    def _spaces_list(self, account: str, _: Any, query: dict[str, list[str]], __: Any) -> Answer:
        keys = {k for value in query.get("keys", []) for k in value.split(",") if k}
        ids = {i for value in query.get("ids", []) for i in value.split(",") if i}
        found = [
            self._space_json(space)
            for space in sorted(self._spaces.values(), key=lambda s: int(s.id))
            if self._may(account, space, ("read", "space"))
            and (not keys or space.key in keys)
            and (not ids or space.id in ids)
        ]
        return self._page_of(found, query, "/wiki/api/v2/spaces")

    def _visible_space(self, account: str, space_id: str) -> FakeSpace:
        space = self._spaces.get(space_id)
        if space is None or not self._may(account, space, ("read", "space")):
            raise ConfluenceHttpError(404, "Not Found")
        return space

    def _space_get(self, account: str, match: re.Match[str], *_: Any) -> Answer:
        return 200, self._space_json(self._visible_space(account, match["id"])), {}

    def _space_operations(self, account: str, match: re.Match[str], *_: Any) -> Answer:
        space = self._visible_space(account, match["id"])
        operations = [
            {"operation": op, "targetType": target}
            for op, target in sorted(space.grants.get(account, set()))
        ]
        return 200, {"operations": operations}, {}

    # -- pages ----------------------------------------------------------------------------------

    def _pages_list(self, account: str, _: Any, query: dict[str, list[str]], __: Any) -> Answer:
        spaces = {s for value in query.get("space-id", []) for s in value.split(",") if s}
        statuses = {s for value in query.get("status", []) for s in value.split(",") if s}
        statuses = statuses or {"current", "archived"}
        title = _first(query, "title")
        body_format = _body_format(query, ("storage", "atlas_doc_format"))
        found = [
            self._page_json(page, body_format)
            for page in sorted(self._pages.values(), key=lambda p: int(p.id))
            if self._may(account, page.space, ("read", "space"))
            and (not spaces or page.space.id in spaces)
            and page.status in statuses
            and (title is None or page.current.title == title)
        ]
        for item in found:
            item["_links"].pop("base", None)
        return self._page_of(found, query, "/wiki/api/v2/pages")

    def _storage_value(self, payload: Any) -> str:
        body = payload.get("body")
        if not isinstance(body, dict):
            raise ConfluenceHttpError(400, "The page body is required.")
        if "storage" in body and isinstance(body["storage"], dict):  # the nested form
            body = {"representation": "storage", **body["storage"]}
        if body.get("representation") != "storage":
            raise ConfluenceHttpError(
                400,
                f"Unsupported body representation: {body.get('representation')!r} (fake: storage only)",
            )
        value = body.get("value")
        if not isinstance(value, str):
            raise ConfluenceHttpError(400, "The page body value must be a string.")
        problem = storage_problem(value)
        if problem is not None:
            raise ConfluenceHttpError(400, problem)
        return value

    @staticmethod
    def _checked_title(payload: Any) -> str:
        title = payload.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ConfluenceHttpError(400, "Title is required for a published page.")
        if len(title) > MAX_TITLE:
            raise ConfluenceHttpError(400, "Title cannot be longer than 255 characters.")
        return title

    def _page_create(
        self, account: str, _: Any, query: dict[str, list[str]], payload: Any
    ) -> Answer:
        if not isinstance(payload, dict) or not payload.get("spaceId"):
            raise ConfluenceHttpError(400, "spaceId is required.")
        space = self._spaces.get(str(payload["spaceId"]))
        if space is None or not self._may(account, space, ("read", "space")):
            raise ConfluenceHttpError(404, "Not Found")
        if not self._may(account, space, ("create", "page")):
            raise ConfluenceHttpError(404, "Not Found")  # v2 documents 404 for a missing permission
        if payload.get("status", "current") != "current":
            raise ConfluenceHttpError(400, "Only published (current) pages are imitated.")
        title = self._checked_title(payload)
        value = self._storage_value(payload)
        parent_id = payload.get("parentId")
        if parent_id is None and (query.get("root-level") or ["false"])[0] != "true":
            parent_id = space.homepage_id
        if parent_id is not None:
            parent = self._pages.get(str(parent_id))
            if parent is None or parent.space is not space or parent.status != "current":
                raise ConfluenceHttpError(
                    404, "The parent ID specified does not exist, or user does not have permissions"
                )
        if self._title_taken(space, title):
            raise ConfluenceHttpError(400, DUPLICATE_TITLE)
        page = self._new_page(
            space, title, value, str(parent_id) if parent_id else None, account, ""
        )
        return 200, self._page_json(page, "storage"), {}

    def _page_get(
        self, account: str, match: re.Match[str], query: dict[str, list[str]], _: Any
    ) -> Answer:
        page = self._readable_page(account, match["id"])
        body_format = _body_format(query, ("storage", "atlas_doc_format", "view"))
        statuses = {s for value in query.get("status", []) for s in value.split(",") if s}
        if page.status != "current" and page.status not in statuses:
            raise ConfluenceHttpError(404, "Not Found")
        wanted = query.get("version")
        version = None
        if wanted:
            number = _int(query, "version", 0, 1, 10**9)
            if number > len(page.versions):
                raise ConfluenceHttpError(404, "Not Found")
            version = page.versions[number - 1]
        data = self._page_json(page, body_format, version)
        meta = {"hasMore": False, "cursor": None}
        if _flag(query, "include-labels"):
            labels = [{"id": i, "name": n, "prefix": p} for i, p, n in page.labels[:50]]
            data["labels"] = {"results": labels, "meta": meta, "_links": {}}
        if _flag(query, "include-properties"):
            props = [self._property_json(p) for p in list(page.properties.values())[:50]]
            data["properties"] = {"results": props, "meta": meta, "_links": {}}
        return 200, data, {}

    def _page_update(self, account: str, match: re.Match[str], _: Any, payload: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        self._check_edit(account, page)
        if not isinstance(payload, dict):
            raise ConfluenceHttpError(400, "A page update needs a JSON object.")
        missing = [k for k in ("id", "status", "title", "body", "version") if k not in payload]
        if missing:
            raise ConfluenceHttpError(400, f"Missing required fields: {', '.join(missing)}")
        if str(payload["id"]) != page.id:
            raise ConfluenceHttpError(400, "The id in the body does not match the path.")
        race = next((r for r in self._races if r[3] in (None, page.id)), None)
        if race is not None:
            self._races.remove(race)
            racer, notes, message, _ = race
            raced = page.current.number + 1
            page.versions.append(
                FakeVersion(raced, page.current.title, page.current.body + notes, racer, message)
            )
            self._index(page)
        version = payload.get("version")
        number = version.get("number") if isinstance(version, dict) else None
        if not isinstance(number, int) or number != page.current.number + 1:
            raise ConfluenceHttpError(
                409,
                "Version must be incremented when updating a page. "
                f"Current Version: [{page.current.number}]. Provided version: [{number}]",
            )
        title = self._checked_title(payload)
        value = self._storage_value(payload)
        if title != page.current.title and self._title_taken(page.space, title, but=page.id):
            raise ConfluenceHttpError(400, DUPLICATE_TITLE)
        saved = version.get("message") if isinstance(version, dict) else None
        page.versions.append(FakeVersion(number, title, value, account, str(saved or "")))
        if payload.get("status") == "current" and page.status == "archived":
            page.status = "current"
        self._index(page)
        return 200, self._page_json(page, "storage"), {}

    def _page_delete(self, account: str, match: re.Match[str], *_: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        if not self._may(account, page.space, ("delete", "page")):
            raise ConfluenceHttpError(403, "You do not have permission to delete this page.")
        page.status = "trashed"
        self._index(page)
        return 204, None, {}

    def _page_versions(
        self, account: str, match: re.Match[str], query: dict[str, list[str]], _: Any
    ) -> Answer:
        page = self._readable_page(account, match["id"])
        body_format = _body_format(query, ("storage", "atlas_doc_format"))
        ordered = list(page.versions)
        if (query.get("sort") or ["modified-date"])[0] == "-modified-date":
            ordered.reverse()
        items = []
        for version in ordered:
            entry = self._version_json(version)
            shown: JsonDict = {"id": page.id, "title": version.title}
            if body_format == "storage":
                shown["body"] = {"storage": {"representation": "storage", "value": version.body}}
            entry["page"] = shown
            items.append(entry)
        return self._page_of(items, query, f"/wiki/api/v2/pages/{page.id}/versions")

    def _page_labels(
        self, account: str, match: re.Match[str], query: dict[str, list[str]], _: Any
    ) -> Answer:
        page = self._readable_page(account, match["id"])
        prefix = _first(query, "prefix")
        items = [
            {"id": label_id, "name": name, "prefix": pre}
            for label_id, pre, name in page.labels
            if prefix is None or pre == prefix
        ]
        return self._page_of(items, query, f"/wiki/api/v2/pages/{page.id}/labels")

    def _page_operations(self, account: str, match: re.Match[str], *_: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        operations = [{"operation": "read", "targetType": "page"}]
        try:
            self._check_edit(account, page)
            operations.append({"operation": "update", "targetType": "page"})
        except ConfluenceHttpError:
            pass
        if self._may(account, page.space, ("delete", "page")):
            operations.append({"operation": "delete", "targetType": "page"})
        return 200, {"operations": operations}, {}

    # -- content properties -----------------------------------------------------------------------

    def _properties_list(
        self, account: str, match: re.Match[str], query: dict[str, list[str]], _: Any
    ) -> Answer:
        page = self._readable_page(account, match["id"])
        key = _first(query, "key")
        items = [
            self._property_json(p) for p in page.properties.values() if key is None or p.key == key
        ]
        return self._page_of(items, query, f"/wiki/api/v2/pages/{page.id}/properties")

    @staticmethod
    def _checked_value(payload: Any) -> Any:
        if (
            not isinstance(payload, dict)
            or not isinstance(payload.get("key"), str)
            or not payload["key"]
        ):
            raise ConfluenceHttpError(400, "A content property needs a key.")
        if len(payload["key"]) > 255:
            raise ConfluenceHttpError(
                400, "The key of a content property is limited to 255 characters."
            )
        if "value" not in payload:
            raise ConfluenceHttpError(400, "A content property needs a value.")
        if len(json.dumps(payload["value"]).encode()) > MAX_PROPERTY_BYTES:
            raise ConfluenceHttpError(400, "The value of a content property is limited to 32 KB.")
        return payload["value"]

    def _property_create(self, account: str, match: re.Match[str], _: Any, payload: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        self._check_edit(account, page)
        value = self._checked_value(payload)
        key = payload["key"]
        if key in page.properties:
            raise ConfluenceHttpError(
                409, f"Cannot add a property with key '{key}' as one already exists."
            )
        prop = FakeProperty(str(next(self._property_ids)), key, value, [(1, account, _now())])
        page.properties[key] = prop
        return 200, self._property_json(prop), {}

    def _find_property(self, page: FakePage, property_id: str) -> FakeProperty:
        for prop in page.properties.values():
            if prop.id == property_id:
                return prop
        raise ConfluenceHttpError(404, "Not Found")

    def _property_get(self, account: str, match: re.Match[str], *_: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        return 200, self._property_json(self._find_property(page, match["pid"])), {}

    def _property_update(self, account: str, match: re.Match[str], _: Any, payload: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        self._check_edit(account, page)
        prop = self._find_property(page, match["pid"])
        value = self._checked_value(payload)
        if payload["key"] != prop.key:
            raise ConfluenceHttpError(400, "The key of a content property cannot change.")
        version = payload.get("version")
        number = version.get("number") if isinstance(version, dict) else None
        current = prop.versions[-1][0]
        if number != current + 1:
            raise ConfluenceHttpError(
                409,
                f"Version must be incremented on update. Current version is: {current}",
            )
        prop.value = value
        prop.versions.append((number, account, _now()))
        return 200, self._property_json(prop), {}

    def _property_delete(self, account: str, match: re.Match[str], *_: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        self._check_edit(account, page)
        prop = self._find_property(page, match["pid"])
        del page.properties[prop.key]
        return 204, None, {}

    # -- v1: users, labels, search ------------------------------------------------------------

    def _user_current(self, account: str, *_: Any) -> Answer:
        return 200, self._user_json(self._users[account]), {}

    def _user_get(self, _: str, __: Any, query: dict[str, list[str]], ___: Any) -> Answer:
        wanted = (query.get("accountId") or [""])[0]
        user = self._users.get(wanted)
        if user is None:
            raise ConfluenceHttpError(404, f"No user found with accountId: {wanted}")
        return 200, self._user_json(user), {}

    def _label_array(self, page: FakePage) -> JsonDict:
        results = [
            {"prefix": prefix, "name": name, "id": label_id, "label": name}
            for label_id, prefix, name in page.labels
        ]
        return {
            "results": results,
            "start": 0,
            "limit": 200,
            "size": len(results),
            "_links": {
                "base": self.url,
                "context": "/wiki",
                "self": f"{self.url}/rest/api/content/{page.id}/label",
            },
        }

    def _v1_labels(self, account: str, match: re.Match[str], *_: Any) -> Answer:
        return 200, self._label_array(self._readable_page(account, match["id"])), {}

    def _v1_add_labels(self, account: str, match: re.Match[str], _: Any, payload: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        self._check_edit(account, page)
        wanted = payload if isinstance(payload, list) else [payload]
        added: list[tuple[str, str]] = []
        for label in wanted:
            name = label.get("name") if isinstance(label, dict) else None
            prefix = label.get("prefix", "global") if isinstance(label, dict) else None
            if not isinstance(name, str) or not name:
                raise ConfluenceHttpError(400, "Label name is required.")
            if prefix not in ("global", "my", "team"):
                raise ConfluenceHttpError(400, f"Invalid label prefix: {prefix}")
            bad = sorted(set(name) & LABEL_FORBIDDEN)
            if bad or len(name) > 255:
                raise ConfluenceHttpError(
                    400, f"Label '{name}' is not valid: it contains {bad} or is too long."
                )
            added.append((str(prefix), name.lower()))  # Confluence keeps labels in lower case
        for prefix, name in added:
            if not any(n == name and p == prefix for _, p, n in page.labels):
                page.labels.append((str(next(self._label_ids)), prefix, name))
        self._index(page)
        return 200, self._label_array(page), {}

    def _v1_remove_label(
        self, account: str, match: re.Match[str], query: dict[str, list[str]], _: Any
    ) -> Answer:
        page = self._readable_page(account, match["id"])
        self._check_edit(account, page)
        name = match.groupdict().get("label") or (query.get("name") or [""])[0]
        before = len(page.labels)
        page.labels = [entry for entry in page.labels if entry[2] != name]
        if len(page.labels) == before:
            raise ConfluenceHttpError(404, f"Label {name} not found on content {page.id}")
        self._index(page)
        return 204, None, {}

    def _search(self, account: str, _: Any, query: dict[str, list[str]], __: Any) -> Answer:
        cql = (query.get("cql") or [""])[0]
        if not cql.strip():
            raise ConfluenceHttpError(400, "CQL query parameter is required.")
        clauses = _parse_cql(cql)
        limit = _int(query, "limit", 25, 1, 250)
        start = _int(query, "start", 0, 0, 10**9)
        hits = []
        for page_id in sorted(self._indexed, key=int):
            page = self._pages.get(page_id)
            if page is None or not self._may(account, page.space, ("read", "space")):
                continue
            space_key, title, status, labels = self._indexed[page_id]
            if status not in ("current",) and not any(f == "status" for f, _, _ in clauses):
                continue
            if all(self._matches(page, space_key, title, status, labels, c) for c in clauses):
                hits.append(page)
        chunk = hits[start : start + limit]
        results = [
            {
                "id": page.id,
                "type": "page",
                "status": page.status,
                "title": self._indexed[page.id][1],
                "macroRenderedOutput": {},
                "_expandable": {"container": "", "space": f"/rest/api/space/{page.space.key}"},
                "_links": {
                    "webui": self._links(page)["webui"],
                    "self": f"{self.url}/rest/api/content/{page.id}",
                    "tinyui": self._links(page)["tinyui"],
                },
            }
            for page in chunk
        ]
        links: JsonDict = {
            "base": self.url,
            "context": "/wiki",
            "self": f"{self.url}/rest/api/content/search",
        }
        if start + limit < len(hits):
            links["next"] = (
                f"/rest/api/content/search?{urlencode({'cql': cql, 'limit': limit, 'start': start + limit})}"
            )
        return (
            200,
            {
                "results": results,
                "start": start,
                "limit": limit,
                "size": len(results),
                "_links": links,
            },
            {},
        )

    def _matches(
        self,
        page: FakePage,
        space_key: str,
        title: str,
        status: str,
        labels: tuple[str, ...],
        clause: tuple[str, str, list[str]],
    ) -> bool:
        name, operator, values = clause
        prop = re.fullmatch(r"content\.property\[(?P<key>[^\]]+)\]\.(?P<path>[\w.]+)", name)
        if prop:
            if prop["key"] not in self.indexed_properties:
                raise ConfluenceHttpError(400, f"Could not parse cql : unknown field {name}")
            stored = page.properties.get(prop["key"])
            value: Any = stored.value if stored else None
            for part in prop["path"].split("."):
                value = value.get(part) if isinstance(value, dict) else None
            actual: list[str] = [] if value is None else [str(value)]
        elif name == "type":
            actual = ["page"]
        elif name in ("space", "space.key"):
            actual = [space_key]
        elif name == "title":
            actual = [title]
        elif name == "label":
            actual = list(labels)
        elif name == "status":
            actual = [status]
        elif name in ("id", "content"):
            actual = [page.id]
        elif name == "parent":
            actual = [page.parent_id or ""]
        elif name == "ancestor":
            actual = self._ancestors(page)
        elif name == "creator":
            actual = [page.author_id]
        else:
            raise ConfluenceHttpError(400, f"Could not parse cql : unknown field {name}")
        if operator == "~":
            return any(values[0].lower() in a.lower() for a in actual)
        hit = any(a == v for a in actual for v in values)
        return not hit if operator in ("!=", "not in") else hit

    def _ancestors(self, page: FakePage) -> list[str]:
        found: list[str] = []
        current = page.parent_id
        while current and current in self._pages and current not in found:
            found.append(current)
            current = self._pages[current].parent_id
        return found

    def _jira_servers(self, *_: Any) -> Answer:
        if self.jira_servers is None:
            raise ConfluenceHttpError(404, "No Jira application link is configured.")
        return 200, list(self.jira_servers), {}


# -- helpers ------------------------------------------------------------------------------------


def _int(query: dict[str, list[str]], name: str, default: int, low: int, high: int) -> int:
    raw = (query.get(name) or [str(default)])[0]
    try:
        value = int(raw)
    except ValueError:
        raise ConfluenceHttpError(400, f"{name} must be an integer") from None
    if not low <= value <= high:
        raise ConfluenceHttpError(400, f"{name} must be between {low} and {high}")
    return value


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _flag(query: dict[str, list[str]], name: str) -> bool:
    return (query.get(name) or ["false"])[0].lower() == "true"


def _body_format(query: dict[str, list[str]], allowed: tuple[str, ...]) -> str | None:
    wanted = _first(query, "body-format")
    if wanted is not None and wanted not in allowed:
        raise ConfluenceHttpError(400, f"Invalid body-format: {wanted}")
    return wanted


_CQL_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<symbol>!=|=|~|\(|\)|,)|(?P<word>[^\s=!~(),"]+))'
)


def _parse_cql(cql: str) -> list[tuple[str, str, list[str]]]:
    """``a = x AND b in (y, "z") AND c ~ w`` (AND only) into clauses; ORDER BY is ignored."""
    tokens: list[str] = []
    position = 0
    while position < len(cql) and cql[position:].strip():
        match = _CQL_TOKEN.match(cql, position)
        if match is None:
            raise ConfluenceHttpError(400, f"Could not parse cql : {cql}")
        position = match.end()
        if match["string"] is not None:
            tokens.append("\0" + re.sub(r"\\(.)", r"\1", match["string"][1:-1]))
        else:
            tokens.append(match["symbol"] or match["word"])

    def literal(token: str) -> str:
        return token[1:] if token.startswith("\0") else token

    clauses: list[tuple[str, str, list[str]]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].lower() == "order":
            break
        if clauses:
            if tokens[i].lower() != "and":
                raise ConfluenceHttpError(
                    400, f"Could not parse cql : {cql} (the fake supports AND)"
                )
            i += 1
        if i + 1 >= len(tokens):
            raise ConfluenceHttpError(400, f"Could not parse cql : {cql}")
        name = literal(tokens[i])
        operator = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
        i += 2
        if operator == "not" and i < len(tokens) and tokens[i].lower() == "in":
            operator, i = "not in", i + 1
        if operator in ("=", "!=", "~"):
            if i >= len(tokens):
                raise ConfluenceHttpError(400, f"Could not parse cql : {cql}")
            values = [literal(tokens[i])]
            i += 1
        elif operator in ("in", "not in"):
            if i >= len(tokens) or tokens[i] != "(":
                raise ConfluenceHttpError(400, f"Could not parse cql : {cql}")
            values, i = [], i + 1
            while i < len(tokens) and tokens[i] != ")":
                if tokens[i] != ",":
                    values.append(literal(tokens[i]))
                i += 1
            i += 1
        else:
            raise ConfluenceHttpError(400, f"Could not parse cql : {cql}")
        clauses.append((name, operator, values))
    return clauses


def _details_row(body: str) -> dict[str, str] | None:
    """Key/value text of the first ``details`` macro's table, as a Page Properties Report reads it."""
    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
    document = f"<!DOCTYPE fake [{_ENTITY_DTD}]><fake-root {namespaces}>{body}</fake-root>"
    root = ElementTree.fromstring(document)  # noqa: S314 - our own fake's stored, checked body
    ac = "{" + NAMESPACES["ac"] + "}"
    for macro in root.iter(f"{ac}structured-macro"):
        if macro.get(f"{ac}name") != "details":
            continue
        row: dict[str, str] = {}
        for tr in macro.iter("tr"):
            cells = [c for c in tr if c.tag in ("th", "td")]
            if len(cells) >= 2:
                key = " ".join("".join(cells[0].itertext()).split())
                row[key] = " ".join("".join(cells[1].itertext()).split())
        return row
    return None
