"""A Jira Cloud imitation over plain HTTP on 127.0.0.1 that the unmodified ``jira`` client accepts.

Shapes follow the Jira Cloud platform REST API v2 (the version the ``jira`` package calls):
``serverInfo`` with ``deploymentType: Cloud``, ``/search/jql`` with ``nextPageToken`` paging and
``fields`` defaulting to the id only, id-based ``self`` URLs, nested objects carrying ``self``
where the real API has them, ``{"errorMessages": [...], "errors": {...}}`` error bodies, 429/503
with ``Retry-After``. Search is immediately consistent (real Jira's is eventually consistent);
``reconcileIssues`` is accepted and ignored.

Test-side helpers imitate what people do in the Jira UI (``transition``, ``edit``, ``comment_on``,
``delete_issue``) and return the webhook body Jira would send for it; ``webhook_headers`` signs a
body like a Jira admin webhook with a secret.

    with FakeJira() as fake:
        fake.add_user("ana@example.com", "Ana Lima")
        tracker = JiraTracker(fake.url, fake.email, fake.api_token, "OPS")
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import itertools
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from tests.fakes.http import Failure, Failures, LocalServer

JsonDict = dict[str, Any]

STATUSES: dict[str, tuple[str, str]] = {  # name -> (status id, category key)
    "To Do": ("10000", "new"),
    "In Progress": ("3", "indeterminate"),
    "Done": ("10001", "done"),
}
CATEGORIES: dict[str, tuple[int, str, str]] = {  # key -> (id, name, colour)
    "new": (2, "To Do", "blue-gray"),
    "indeterminate": (4, "In Progress", "yellow"),
    "done": (3, "Done", "green"),
}
TRANSITIONS: list[tuple[str, str]] = [("11", "To Do"), ("21", "In Progress"), ("31", "Done")]
PRIORITIES: dict[str, str] = {"Highest": "1", "High": "2", "Medium": "3", "Low": "4", "Lowest": "5"}
ISSUE_TYPES: dict[str, str] = {"Task": "10002", "Bug": "10004", "Story": "10001"}
FIELDS: list[tuple[str, str, list[str]]] = [  # id, name, JQL clause names
    ("issuekey", "Key", ["id", "issue", "issuekey", "key"]),
    ("summary", "Summary", ["summary"]),
    ("description", "Description", ["description"]),
    ("duedate", "Due date", ["due", "duedate"]),
    ("priority", "Priority", ["priority"]),
    ("labels", "Labels", ["labels"]),
    ("assignee", "Assignee", ["assignee"]),
    ("reporter", "Reporter", ["reporter"]),
    ("status", "Status", ["status"]),
    ("statusCategory", "Status Category", ["statusCategory"]),
    ("resolution", "Resolution", ["resolution"]),
    ("resolutiondate", "Resolved", ["resolutiondate", "resolved"]),
    ("issuetype", "Issue Type", ["issuetype", "type"]),
    ("project", "Project", ["project"]),
    ("created", "Created", ["created", "createdDate"]),
    ("updated", "Updated", ["updated", "updatedDate"]),
    ("comment", "Comment", ["comment"]),
]
SETTABLE = {"project", "issuetype", "summary", "description", "duedate", "priority", "labels"}
SETTABLE |= {"assignee"}


def _now() -> datetime:
    return datetime.now(UTC)


def _jira_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _errors(*messages: str, **errors: str) -> JsonDict:
    return {"errorMessages": list(messages), "errors": dict(errors)}


class JiraHttpError(Exception):
    """Raised inside a route to answer with Jira's error shape."""

    def __init__(self, status: int, body: JsonDict, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


@dataclass
class FakeUser:
    account_id: str
    email: str
    display_name: str
    active: bool = True
    email_visible: bool = True


@dataclass
class FakeProject:
    id: str
    key: str
    name: str


@dataclass
class FakeIssue:
    id: int
    key: str
    project: FakeProject
    issue_type: str
    summary: str
    description: str | None
    duedate: str | None
    priority: str
    labels: list[str]
    assignee: str | None  # accountId
    reporter: str
    status: str = "To Do"
    created: datetime = field(default_factory=_now)
    updated: datetime = field(default_factory=_now)
    resolution_date: datetime | None = None
    comments: list[JsonDict] = field(default_factory=list)
    remote_links: list[JsonDict] = field(default_factory=list)


class FakeJira:
    """A Jira Cloud site on ``http://127.0.0.1:<port>``; a context manager, or start()/stop()."""

    def __init__(
        self,
        email: str = "followthrough-bot@example.com",
        api_token: str = "fake-jira-api-token-3f9c",  # noqa: S107 - a test credential
        projects: tuple[str, ...] = ("OPS",),
        deployment_type: str = "Cloud",
    ) -> None:
        self.email = email
        self.api_token = api_token
        self.deployment_type = deployment_type
        self.requests: list[tuple[str, str]] = []
        self.create_count = 0
        self.deny_create = False  # answer POST /issue with 403 (no "Create issues" permission)
        self.drop_next_create_response = False  # create, then close the connection unanswered
        self.events: list[bytes] = []  # webhook bodies produced by the test-side helpers
        self._lock = threading.RLock()
        self._users: dict[str, FakeUser] = {}
        self._projects: dict[str, FakeProject] = {}
        self._issues: dict[int, FakeIssue] = {}
        self._failures = Failures()
        self._ids = itertools.count(10000)
        self._project_ids = itertools.count(10000)
        self._changelog_ids = itertools.count(10100)
        self._comment_ids = itertools.count(10200)
        self._link_ids = itertools.count(10300)
        self._webhook_ids = itertools.count(1)
        self._key_counters: dict[str, itertools.count[int]] = {}
        self._http = LocalServer(self.handle, "FakeJira/1.0", always={"X-Arequestid": "fake"})
        self.bot = self.add_user(email, "Followthrough Bot")
        for key in projects:
            self.add_project(key)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeJira:
        self._http.start()
        return self

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> FakeJira:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return self._http.origin

    # -- registries and fault injection ------------------------------------------------------

    def add_user(
        self, email: str, name: str, *, email_visible: bool = True, active: bool = True
    ) -> FakeUser:
        """A person with an Atlassian account; ``email_visible=False`` imitates strict privacy."""
        account_id = hashlib.sha1(email.lower().encode()).hexdigest()[:24]  # noqa: S324
        user = FakeUser(account_id, email, name, active=active, email_visible=email_visible)
        with self._lock:
            self._users[account_id] = user
        return user

    def add_project(self, key: str, name: str | None = None) -> FakeProject:
        project = FakeProject(str(next(self._project_ids)), key, name or f"{key.title()} project")
        with self._lock:
            self._projects[key] = project
            self._key_counters[key] = itertools.count(1)
        return project

    def fail_next(
        self,
        status: int,
        count: int = 1,
        headers: dict[str, str] | None = None,
        *,
        body: JsonDict | None = None,
        method: str | None = None,
        path: str | None = None,
        after: int = 0,
        processed: bool = False,
    ) -> None:
        """Answer the next ``count`` matching requests with ``status`` (429, 503...).

        ``method`` and ``path`` (a path prefix such as ``/rest/api/2/issue``) narrow which requests
        fail; the others pass untouched. ``after`` lets that many matching requests through first.
        ``processed=True`` carries the request out before failing the answer (a proxy's 503 after
        Jira did the work); by default the failure happens before anything changes.
        """
        default = {
            429: _errors("Rate limit exceeded."),
            503: _errors("Service Unavailable"),
        }.get(status, _errors(f"Injected failure {status}"))
        with self._lock:
            self._failures.add(
                Failure(
                    status,
                    dict(headers or {}),
                    method,
                    path,
                    count,
                    after,
                    processed,
                    body=body or default,
                )
            )

    # -- inspection --------------------------------------------------------------------------

    def issue(self, key: str) -> JsonDict:
        """The issue as ``GET /rest/api/2/issue/{key}`` shows it."""
        with self._lock:
            return self._issue_json(self._find(key), None)

    def issue_keys(self) -> list[str]:
        with self._lock:
            return [issue.key for issue in self._issues.values()]

    def comments(self, key: str) -> list[str]:
        with self._lock:
            return [str(comment["body"]) for comment in self._find(key).comments]

    def remote_links(self, key: str) -> list[JsonDict]:
        with self._lock:
            return [dict(link) for link in self._find(key).remote_links]

    def count(self, method: str, path_prefix: str) -> int:
        """How many requests matched ``method`` and the path prefix."""
        return sum(1 for m, p in self.requests if m == method and p.startswith(path_prefix))

    # -- what people do in the Jira UI, with the webhook Jira would send -----------------------

    def add_issue(
        self,
        summary: str,
        labels: tuple[str, ...] = (),
        *,
        project: str = "OPS",
        assignee: str | None = None,
        status: str = "To Do",
    ) -> str:
        """Create an issue directly (no request, no webhook) and return its key."""
        with self._lock:
            owner = self._user_by_email(assignee).account_id if assignee else None
            issue = FakeIssue(
                id=next(self._ids),
                key=f"{project}-{next(self._key_counters[project])}",
                project=self._projects[project],
                issue_type="Task",
                summary=summary,
                description=None,
                duedate=None,
                priority="Medium",
                labels=list(labels),
                assignee=owner,
                reporter=self.bot.account_id,
                status=status,
            )
            self._issues[issue.id] = issue
            return issue.key

    def transition(self, key: str, status: str, *, by: str | None = None) -> bytes:
        """Move the issue to ``status`` (To Do, In Progress, Done): a jira:issue_updated body."""
        with self._lock:
            issue = self._find(key)
            items = self._set_status(issue, status)
            return self._event(
                "jira:issue_updated", issue, by, changelog=items, type_name="issue_generic"
            )

    def edit(self, key: str, *, by: str | None = None, **changes: Any) -> bytes:
        """Change plain fields (summary, description, duedate, labels): jira:issue_updated."""
        with self._lock:
            issue = self._find(key)
            items: list[JsonDict] = []
            for name, value in changes.items():
                before = getattr(issue, name)
                setattr(issue, name, value)
                text = " ".join(value) if isinstance(value, list) else value
                old = " ".join(before) if isinstance(before, list) else before
                items.append(_change_item(name, None, old, None, text))
            issue.updated = _now()
            return self._event(
                "jira:issue_updated", issue, by, changelog=items, type_name="issue_updated"
            )

    def comment_on(self, key: str, text: str, *, by: str | None = None) -> bytes:
        """Add a comment as a person: the ``comment_created`` webhook body."""
        with self._lock:
            issue = self._find(key)
            author = self._user_by_email(by) if by else self.bot
            comment = self._add_comment(issue, text, author)
            body = {
                "timestamp": _millis(),
                "webhookEvent": "comment_created",
                "comment": comment,
                "issue": self._issue_json(issue, ["summary", "status", "labels", "issuetype"]),
            }
            return self._record(body)

    def comment_update_event(self, key: str, text: str, *, by: str | None = None) -> bytes:
        """The legacy flavour: jira:issue_updated with ``issue_commented`` and no changelog."""
        with self._lock:
            issue = self._find(key)
            author = self._user_by_email(by) if by else self.bot
            comment = self._add_comment(issue, text, author)
            body = json.loads(self._event("jira:issue_updated", issue, by, None, "issue_commented"))
            body["comment"] = comment
            self.events.pop()
            return self._record(body)

    def delete_issue(self, key: str, *, by: str | None = None) -> bytes:
        """Delete the issue: the ``jira:issue_deleted`` body (no changelog)."""
        with self._lock:
            issue = self._find(key)
            body = json.loads(self._event("jira:issue_deleted", issue, by, None, None))
            self.events.pop()
            del self._issues[issue.id]
            return self._record(body)

    def webhook_headers(
        self, body: bytes, secret: str, identifier: str | None = None
    ) -> dict[str, str]:
        """Headers of a Jira Cloud admin webhook delivery signed with ``secret``."""
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return {
            "X-Hub-Signature": f"sha256={digest}",
            "X-Atlassian-Webhook-Identifier": identifier or str(next(self._webhook_ids)),
            "X-Atlassian-Webhook-Flow": "Primary",
            "User-Agent": "Atlassian Webhook HTTP Client",
            "Content-Type": "application/json; charset=utf-8",
        }

    def deliver_to(
        self, url: str, secret: str, body: bytes | None = None, identifier: str | None = None
    ) -> requests.Response:
        """POST ``body`` (default: the latest event) to ``url`` the way Jira does."""
        payload = body if body is not None else self.events[-1]
        headers = self.webhook_headers(payload, secret, identifier)
        return requests.post(url, data=payload, headers=headers, timeout=10)

    # -- internals shared by routes and helpers -------------------------------------------------

    def _find(self, key_or_id: str) -> FakeIssue:
        if key_or_id.isdigit():
            found = self._issues.get(int(key_or_id))
            if found is not None:
                return found
        for issue in self._issues.values():
            if issue.key.upper() == key_or_id.upper():
                return issue
        raise JiraHttpError(
            404, _errors("Issue does not exist or you do not have permission to see it.")
        )

    def _user_by_email(self, email: str) -> FakeUser:
        for user in self._users.values():
            if user.email.lower() == email.lower():
                return user
        raise KeyError(email)

    def _set_status(self, issue: FakeIssue, status: str) -> list[JsonDict]:
        if status not in STATUSES:
            raise JiraHttpError(400, _errors(f"Status '{status}' does not exist."))
        old = issue.status
        issue.status = status
        issue.updated = _now()
        items = [_change_item("status", STATUSES[old][0], old, STATUSES[status][0], status)]
        was_done = STATUSES[old][1] == "done"
        now_done = STATUSES[status][1] == "done"
        if now_done and not was_done:
            issue.resolution_date = issue.updated
            items.insert(0, _change_item("resolution", None, None, "10000", "Done"))
        elif was_done and not now_done:
            issue.resolution_date = None
            items.insert(0, _change_item("resolution", "10000", "Done", None, None))
        return items

    def _add_comment(self, issue: FakeIssue, text: str, author: FakeUser) -> JsonDict:
        comment_id = str(next(self._comment_ids))
        stamp = _jira_time(_now())
        comment = {
            "self": f"{self.url}/rest/api/2/issue/{issue.id}/comment/{comment_id}",
            "id": comment_id,
            "author": self._user_json(author),
            "body": text,
            "updateAuthor": self._user_json(author),
            "created": stamp,
            "updated": stamp,
            "jsdPublic": True,
        }
        issue.comments.append(comment)
        return comment

    def _event(
        self,
        event: str,
        issue: FakeIssue,
        by: str | None,
        changelog: list[JsonDict] | None,
        type_name: str | None,
    ) -> bytes:
        actor = self._user_by_email(by) if by else self._actor(issue)
        body: JsonDict = {"timestamp": _millis(), "webhookEvent": event}
        if type_name is not None:
            body["issue_event_type_name"] = type_name
        body["user"] = self._user_json(actor)
        body["issue"] = self._issue_json(issue, None)
        if changelog is not None:
            body["changelog"] = {"id": str(next(self._changelog_ids)), "items": changelog}
        return self._record(body)

    def _actor(self, issue: FakeIssue) -> FakeUser:
        if issue.assignee and issue.assignee in self._users:
            return self._users[issue.assignee]
        return self.bot

    def _record(self, body: JsonDict) -> bytes:
        raw = json.dumps(body).encode()
        self.events.append(raw)
        return raw

    def _user_json(self, user: FakeUser) -> JsonDict:
        avatar = f"https://avatar-management.example/{user.account_id}"
        data: JsonDict = {
            "self": f"{self.url}/rest/api/2/user?accountId={user.account_id}",
            "accountId": user.account_id,
            "avatarUrls": {size: f"{avatar}/{size}" for size in ("48x48", "24x24", "16x16")},
            "displayName": user.display_name,
            "active": user.active,
            "timeZone": "Etc/UTC",
            "accountType": "atlassian",
        }
        if user.email_visible:
            data["emailAddress"] = user.email
        if self.deployment_type != "Cloud":  # Server/Data Center users have a name and a key
            data["name"] = data["key"] = user.email.split("@")[0]
        return data

    def _status_json(self, name: str) -> JsonDict:
        status_id, category = STATUSES[name]
        category_id, category_name, colour = CATEGORIES[category]
        return {
            "self": f"{self.url}/rest/api/2/status/{status_id}",
            "description": "",
            "iconUrl": f"{self.url}/images/icons/statuses/generic.png",
            "name": name,
            "id": status_id,
            "statusCategory": {
                "self": f"{self.url}/rest/api/2/statuscategory/{category_id}",
                "id": category_id,
                "key": category,
                "colorName": colour,
                "name": category_name,
            },
        }

    def _project_json(self, project: FakeProject, *, issue_types: bool = False) -> JsonDict:
        data: JsonDict = {
            "self": f"{self.url}/rest/api/2/project/{project.id}",
            "id": project.id,
            "key": project.key,
            "name": project.name,
            "projectTypeKey": "software",
            "simplified": False,
        }
        if issue_types:
            data["issueTypes"] = [self._issue_type_json(name) for name in ISSUE_TYPES]
        return data

    def _issue_type_json(self, name: str) -> JsonDict:
        type_id = ISSUE_TYPES[name]
        return {
            "self": f"{self.url}/rest/api/2/issuetype/{type_id}",
            "id": type_id,
            "description": f"A {name.lower()}.",
            "iconUrl": f"{self.url}/images/icons/issuetypes/{name.lower()}.svg",
            "name": name,
            "subtask": False,
            "hierarchyLevel": 0,
        }

    def _issue_json(self, issue: FakeIssue, wanted: list[str] | None) -> JsonDict:
        priority_id = PRIORITIES[issue.priority]
        resolution = (
            {
                "self": f"{self.url}/rest/api/2/resolution/10000",
                "id": "10000",
                "description": "Work has been completed on this issue.",
                "name": "Done",
            }
            if STATUSES[issue.status][1] == "done"
            else None
        )
        all_fields: JsonDict = {
            "summary": issue.summary,
            "description": issue.description,
            "duedate": issue.duedate,
            "priority": {
                "self": f"{self.url}/rest/api/2/priority/{priority_id}",
                "iconUrl": f"{self.url}/images/icons/priorities/{issue.priority.lower()}.svg",
                "name": issue.priority,
                "id": priority_id,
            },
            "labels": list(issue.labels),
            "assignee": (
                self._user_json(self._users[issue.assignee])
                if issue.assignee in self._users
                else None
            ),
            "reporter": self._user_json(self._users[issue.reporter]),
            "status": self._status_json(issue.status),
            "statusCategory": self._status_json(issue.status)["statusCategory"],
            "resolution": resolution,
            "resolutiondate": _jira_time(issue.resolution_date) if issue.resolution_date else None,
            "issuetype": self._issue_type_json(issue.issue_type),
            "project": self._project_json(issue.project),
            "created": _jira_time(issue.created),
            "updated": _jira_time(issue.updated),
            "comment": {
                "comments": list(issue.comments),
                "self": f"{self.url}/rest/api/2/issue/{issue.id}/comment",
                "maxResults": len(issue.comments),
                "total": len(issue.comments),
                "startAt": 0,
            },
        }
        return {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,"
            "versionedRepresentations",
            "id": str(issue.id),
            "self": f"{self.url}/rest/api/2/issue/{issue.id}",
            "key": issue.key,
            "fields": _select_fields(all_fields, wanted),
        }

    # -- request handling ------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]] | None:
        """Answer one request: (status, json or None, headers), or None to drop the connection."""
        parts = urlsplit(target)
        path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        with self._lock:
            self.requests.append((method, path))
            failure = self._failures.take(method, path)
            if failure is not None:
                if failure.processed:
                    self._answer(method, path, query, headers, body)
                return failure.status, failure.body, failure.headers
            return self._answer(method, path, query, headers, body)

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
    ) -> tuple[int, Any, dict[str, str]] | None:
        with self._lock:
            if not self._authorised(headers.get("authorization", "")):
                return 401, _errors("Client must be authenticated to access this resource."), {}
            payload: Any = None
            if body:
                try:
                    payload = json.loads(body)
                except ValueError:
                    return 400, _errors("Unexpected character in the JSON body."), {}
            try:
                for route_method, pattern, handler in self._routes():
                    if route_method != method:
                        continue
                    match = re.fullmatch(pattern, path)
                    if match:
                        answer: tuple[int, Any, dict[str, str]] | None = handler(
                            match, query, payload
                        )
                        return answer
            except JiraHttpError as exc:
                return exc.status, exc.body, exc.headers
            return 404, _errors(f"No resource at {method} {path}"), {}

    def _authorised(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value.strip()).decode()
        except ValueError:
            return False
        return hmac.compare_digest(decoded, f"{self.email}:{self.api_token}")

    def _routes(
        self,
    ) -> list[tuple[str, str, Callable[[re.Match[str], dict[str, list[str]], Any], Any]]]:
        api = r"/rest/api/(?:2|latest)"
        issue = rf"{api}/issue/(?P<key>[^/]+)"
        return [
            ("GET", rf"{api}/serverInfo", self._server_info),
            ("GET", rf"{api}/field", self._fields),
            ("GET", rf"{api}/project/(?P<key>[^/]+)", self._project),
            ("GET", rf"{api}/user/search", self._user_search),
            ("GET", rf"{api}/search/jql", self._search),
            ("POST", rf"{api}/search/jql", self._search),
            ("GET", rf"{api}/search", self._search_classic),
            ("POST", rf"{api}/search", self._search_classic),
            ("POST", rf"{api}/issue", self._create),
            ("GET", rf"{issue}/remotelink", self._get_links),
            ("POST", rf"{issue}/remotelink", self._add_link),
            ("GET", rf"{issue}/comment", self._get_comments),
            ("POST", rf"{issue}/comment", self._post_comment),
            ("GET", rf"{issue}/transitions", self._get_transitions),
            ("POST", rf"{issue}/transitions", self._do_transition),
            ("GET", issue, self._get_issue),
            ("PUT", issue, self._put_issue),
            ("DELETE", issue, self._delete_issue),
            ("GET", r"/rest/applinks/latest/listApplicationlinks", lambda *_: (200, [], {})),
        ]

    def _server_info(self, *_: Any) -> tuple[int, Any, dict[str, str]]:
        return (
            200,
            {
                "baseUrl": self.url,
                "displayUrl": self.url,
                "version": "1001.0.0-SNAPSHOT",
                "versionNumbers": [1001, 0, 0],
                "deploymentType": self.deployment_type,
                "buildNumber": 100282,
                "buildDate": "2025-01-01T00:00:00.000+0000",
                "serverTime": _jira_time(_now()),
                "scmInfo": "0" * 40,
                "serverTitle": "Jira",
                "defaultLocale": {"locale": "en_US"},
                "serverTimeZone": "Etc/UTC",
            },
            {},
        )

    def _fields(self, *_: Any) -> tuple[int, Any, dict[str, str]]:
        return (
            200,
            [
                {
                    "id": field_id,
                    "key": field_id,
                    "name": name,
                    "custom": False,
                    "orderable": True,
                    "navigable": True,
                    "searchable": True,
                    "clauseNames": clauses,
                }
                for field_id, name, clauses in FIELDS
            ],
            {},
        )

    def _project(self, match: re.Match[str], query: dict[str, list[str]], _: Any) -> Any:
        key = match["key"]
        for project in self._projects.values():
            if key in (project.key, project.id):
                wants_types = "issueTypes" in ",".join(query.get("expand", []))
                return 200, self._project_json(project, issue_types=wants_types), {}
        raise JiraHttpError(404, _errors(f"No project could be found with key '{key}'."))

    def _user_search(self, _: re.Match[str], query: dict[str, list[str]], __: Any) -> Any:
        text = (query.get("query") or query.get("username") or [""])[0].strip().lower()
        if not text:
            raise JiraHttpError(400, _errors("The query parameter must be provided."))
        start = int((query.get("startAt") or ["0"])[0])
        limit = int((query.get("maxResults") or ["50"])[0])
        include_inactive = (query.get("includeInactive") or ["false"])[0].lower() == "true"
        found = [
            self._user_json(user)
            for user in self._users.values()
            if (user.active or include_inactive)
            and (
                user.email.lower().startswith(text)
                or any(word.lower().startswith(text) for word in user.display_name.split())
            )
        ]
        return 200, found[start : start + limit], {}

    def _search_classic(
        self, match: re.Match[str], query: dict[str, list[str]], payload: Any
    ) -> Any:
        """``/search``: gone from Cloud (410); Jira Server/Data Center still pages with startAt."""
        if self.deployment_type != "Cloud":
            start = int((query.get("startAt") or ["0"])[0])
            limit = int((query.get("maxResults") or ["50"])[0])
            status, page, headers = self._search(match, {**query, "maxResults": ["5000"]}, payload)
            issues = page["issues"]
            result = {"expand": "schema,names", "startAt": start, "maxResults": limit}
            result |= {"total": len(issues), "issues": issues[start : start + limit]}
            return status, result, headers
        return (
            410,
            _errors(
                "The requested API has been removed. Please migrate to the /rest/api/3/search/jql "
                "API. A full migration guideline is available at "
                "https://developer.atlassian.com/changelog/#CHANGE-2046"
            ),
            {},
        )

    def _search(self, _: re.Match[str], query: dict[str, list[str]], payload: Any) -> Any:
        if isinstance(payload, dict):  # POST: a JSON body
            jql = str(payload.get("jql") or "")
            fields = payload.get("fields")
            wanted = [str(f) for f in fields] if isinstance(fields, list) else None
            limit = int(payload.get("maxResults") or 50)
            token = payload.get("nextPageToken")
        else:
            jql = (query.get("jql") or [""])[0]
            raw_fields = [part for value in query.get("fields", []) for part in value.split(",")]
            wanted = [part.strip() for part in raw_fields if part.strip()] or None
            limit = int((query.get("maxResults") or ["50"])[0])
            tokens = query.get("nextPageToken")
            token = tokens[0] if tokens else None
        if not jql.strip():
            raise JiraHttpError(
                400,
                _errors(
                    "Unbounded JQL queries are not allowed here. "
                    "Please add a search restriction to your query."
                ),
            )
        clauses, order = _parse_jql(jql)
        matches = [issue for issue in self._issues.values() if self._matches(issue, clauses)]
        for field_name, descending in reversed(order):
            matches.sort(key=functools.partial(_sort_key, name=field_name), reverse=descending)
        start = _decode_token(token) if token else 0
        limit = max(1, min(limit, 5000))
        page = matches[start : start + limit]
        result: JsonDict = {"issues": [self._search_json(issue, wanted) for issue in page]}
        if start + limit < len(matches):
            result["nextPageToken"] = _encode_token(start + limit)
            result["isLast"] = False
        else:
            result["isLast"] = True
        return 200, result, {}

    def _search_json(self, issue: FakeIssue, wanted: list[str] | None) -> JsonDict:
        if wanted is None or wanted == ["id"]:
            return {"id": str(issue.id)}  # /search/jql returns only ids unless fields are asked for
        return self._issue_json(issue, wanted)

    def _matches(self, issue: FakeIssue, clauses: list[tuple[str, str, list[str]]]) -> bool:
        for name, operator, values in clauses:
            if name == "project":
                for value in values:
                    if value not in self._projects and not any(
                        p.id == value for p in self._projects.values()
                    ):
                        raise JiraHttpError(
                            400,
                            _errors(f"The value '{value}' does not exist for the field 'project'."),
                        )
                actual = [issue.project.key, issue.project.id]
            elif name == "labels":
                actual = list(issue.labels)
            elif name in ("key", "issuekey", "issue"):
                actual = [issue.key, str(issue.id)]
            elif name == "id":
                actual = [str(issue.id)]
            elif name == "status":
                actual = [issue.status.lower()]
                values = [value.lower() for value in values]
            elif name == "statusCategory":
                category = STATUSES[issue.status][1]
                actual = [category, CATEGORIES[category][1].lower()]
                values = [value.lower() for value in values]
            elif name == "assignee":
                actual = [issue.assignee or "EMPTY"]
            else:
                raise JiraHttpError(
                    400,
                    _errors(
                        f"Field '{name}' does not exist or you do not have permission to view it."
                    ),
                )
            hit = any(value in actual for value in values)
            if hit != (operator in ("=", "in")):
                return False
        return True

    def _create(self, _: re.Match[str], __: Any, payload: Any) -> Any:
        fields = (payload or {}).get("fields") if isinstance(payload, dict) else None
        if not isinstance(fields, dict):
            raise JiraHttpError(400, _errors("Issue fields are required."))
        project = self._project_from(fields.get("project"))
        if project is None:
            raise JiraHttpError(400, _errors(project="valid project is required"))
        if self.deny_create:
            raise JiraHttpError(
                403, _errors("You do not have permission to create issues in this project.")
            )
        issue_type = self._issue_type_from(fields.get("issuetype"))
        if issue_type is None:
            raise JiraHttpError(400, _errors(issuetype="valid issue type is required"))
        values = self._validate_fields(fields, creating=True)
        issue = FakeIssue(
            id=next(self._ids),
            key=f"{project.key}-{next(self._key_counters[project.key])}",
            project=project,
            issue_type=issue_type,
            summary=values["summary"],
            description=values.get("description"),
            duedate=values.get("duedate"),
            priority=values.get("priority", "Medium"),
            labels=values.get("labels", []),
            assignee=values.get("assignee"),
            reporter=self.bot.account_id,
        )
        self._issues[issue.id] = issue
        self.create_count += 1
        if self.drop_next_create_response:
            self.drop_next_create_response = False
            return None
        answer = {
            "id": str(issue.id),
            "key": issue.key,
            "self": f"{self.url}/rest/api/2/issue/{issue.id}",
        }
        return 201, answer, {}

    def _project_from(self, value: Any) -> FakeProject | None:
        if not isinstance(value, dict):
            return None
        for project in self._projects.values():
            if value.get("key") == project.key or str(value.get("id")) == project.id:
                return project
        return None

    @staticmethod
    def _issue_type_from(value: Any) -> str | None:
        if not isinstance(value, dict):
            return None
        for name, type_id in ISSUE_TYPES.items():
            if value.get("name") == name or str(value.get("id")) == type_id:
                return name
        return None

    def _validate_fields(self, fields: JsonDict, *, creating: bool) -> JsonDict:
        """Check settable fields the way Jira does; answer 400 with every field error at once."""
        errors: dict[str, str] = {}
        values: JsonDict = {}
        for name in fields:
            if name not in SETTABLE:
                errors[name] = (
                    f"Field '{name}' cannot be set. "
                    "It is not on the appropriate screen, or unknown."
                )
        summary = fields.get("summary")
        if "summary" in fields or creating:
            if not isinstance(summary, str) or not summary.strip():
                errors["summary"] = "You must specify a summary of the issue."
            elif len(summary) > 255:
                errors["summary"] = "Summary must be less than 255 characters."
            else:
                values["summary"] = summary
        if "description" in fields:
            values["description"] = fields["description"]
        if fields.get("duedate") is not None:
            try:
                values["duedate"] = date.fromisoformat(str(fields["duedate"])).isoformat()
            except ValueError:
                errors["duedate"] = f"Error parsing date string: {fields['duedate']}"
        if "priority" in fields:
            priority = fields["priority"]
            priority_name = next(
                (
                    n
                    for n, i in PRIORITIES.items()
                    if isinstance(priority, dict)
                    and (priority.get("name") == n or str(priority.get("id")) == i)
                ),
                None,
            )
            if priority_name is None:
                errors["priority"] = "The priority selected is invalid."
            else:
                values["priority"] = priority_name
        if "labels" in fields:
            labels = fields["labels"]
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                errors["labels"] = "The labels must be a list of strings."
            else:
                for label in labels:
                    if " " in label:
                        errors["labels"] = f"The label '{label}' contains spaces which is invalid."
                    elif len(label) > 255:
                        errors["labels"] = "The label must not exceed 255 characters."
                values["labels"] = list(dict.fromkeys(labels))
        if "assignee" in fields:
            assignee = fields["assignee"]
            if assignee is None:
                values["assignee"] = None
            elif (account := self._assignee_account(assignee)) is not None:
                values["assignee"] = account
            else:
                errors["assignee"] = (
                    "Specified user does not exist or you do not have required permissions"
                )
        if errors:
            raise JiraHttpError(400, _errors(**errors))
        return values

    def _assignee_account(self, value: Any) -> str | None:
        """The accountId named by ``{"accountId"}`` (Cloud) or ``{"name"}`` (Server/DC)."""
        if not isinstance(value, dict):
            return None
        for user in self._users.values():
            if not user.active:
                continue
            if value.get("accountId") == user.account_id:
                return user.account_id
            server = self.deployment_type != "Cloud"
            if server and value.get("name") == user.email.split("@")[0]:
                return user.account_id
        return None

    def _get_issue(self, match: re.Match[str], query: dict[str, list[str]], _: Any) -> Any:
        issue = self._find(match["key"])
        raw = [part for value in query.get("fields", []) for part in value.split(",")]
        wanted = [part.strip() for part in raw if part.strip()] or None
        return 200, self._issue_json(issue, wanted), {}

    def _put_issue(self, match: re.Match[str], _: Any, payload: Any) -> Any:
        issue = self._find(match["key"])
        payload = payload if isinstance(payload, dict) else {}
        fields = dict(payload.get("fields") or {})
        for name, operations in (payload.get("update") or {}).items():
            if name != "labels":
                raise JiraHttpError(400, _errors(**{name: f"Field '{name}' cannot be updated."}))
            labels = list(fields.get("labels", issue.labels))
            for operation in operations:
                if "add" in operation:
                    labels.append(operation["add"])
                if "remove" in operation:
                    labels = [x for x in labels if x != operation["remove"]]
                if "set" in operation:
                    labels = list(operation["set"])
            fields["labels"] = labels
        values = self._validate_fields(fields, creating=False)
        for name, value in values.items():
            setattr(issue, name, value)
        issue.updated = _now()
        return 204, None, {}

    def _delete_issue(self, match: re.Match[str], *_: Any) -> Any:
        issue = self._find(match["key"])
        del self._issues[issue.id]
        return 204, None, {}

    def _get_links(self, match: re.Match[str], *_: Any) -> Any:
        return 200, list(self._find(match["key"]).remote_links), {}

    def _add_link(self, match: re.Match[str], _: Any, payload: Any) -> Any:
        issue = self._find(match["key"])
        link_object = payload.get("object") if isinstance(payload, dict) else None
        if not isinstance(link_object, dict) or not link_object.get("url"):
            raise JiraHttpError(400, _errors(url="'url' is required."))
        if not link_object.get("title"):
            raise JiraHttpError(400, _errors(title="'title' is required."))
        global_id = payload.get("globalId")
        for link in issue.remote_links:
            if global_id and link.get("globalId") == global_id:
                link["object"] = link_object
                return 200, {"id": link["id"], "self": link["self"]}, {}
        link_id = next(self._link_ids)
        link = {
            "id": link_id,
            "self": f"{self.url}/rest/api/2/issue/{issue.key}/remotelink/{link_id}",
            "object": link_object,
        }
        if global_id:
            link["globalId"] = global_id
        issue.remote_links.append(link)
        return 201, {"id": link_id, "self": link["self"]}, {}

    def _get_comments(self, match: re.Match[str], *_: Any) -> Any:
        comments = list(self._find(match["key"]).comments)
        page = {"startAt": 0, "maxResults": len(comments), "total": len(comments)}
        return 200, {**page, "comments": comments}, {}

    def _post_comment(self, match: re.Match[str], _: Any, payload: Any) -> Any:
        issue = self._find(match["key"])
        text = payload.get("body") if isinstance(payload, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise JiraHttpError(400, _errors(comment="Comment body can not be empty!"))
        return 201, self._add_comment(issue, text, self.bot), {}

    def _get_transitions(self, match: re.Match[str], *_: Any) -> Any:
        self._find(match["key"])
        transitions = [
            {
                "id": transition_id,
                "name": name,
                "to": self._status_json(name),
                "hasScreen": False,
                "isGlobal": True,
                "isInitial": False,
                "isAvailable": True,
                "isConditional": False,
                "isLooped": False,
            }
            for transition_id, name in TRANSITIONS
        ]
        return 200, {"expand": "transitions", "transitions": transitions}, {}

    def _do_transition(self, match: re.Match[str], _: Any, payload: Any) -> Any:
        issue = self._find(match["key"])
        wanted = str(((payload or {}).get("transition") or {}).get("id", ""))
        for transition_id, status in TRANSITIONS:
            if transition_id == wanted:
                self._set_status(issue, status)
                return 204, None, {}
        raise JiraHttpError(400, _errors(f"Transition id '{wanted}' is not valid for this issue."))


# -- helpers ------------------------------------------------------------------------------------


def _millis() -> int:
    return int(_now().timestamp() * 1000)


def _change_item(
    name: str, from_id: str | None, from_text: Any, to_id: str | None, to_text: Any
) -> JsonDict:
    return {
        "field": name,
        "fieldtype": "jira",
        "fieldId": name,
        "from": from_id,
        "fromString": from_text,
        "to": to_id,
        "toString": to_text,
    }


def _select_fields(all_fields: JsonDict, wanted: list[str] | None) -> JsonDict:
    if wanted is None or "*all" in wanted or "*navigable" in wanted:
        excluded = {name[1:] for name in wanted or [] if name.startswith("-")}
        return {k: v for k, v in all_fields.items() if k not in excluded}
    return {k: v for k, v in all_fields.items() if k in wanted}


def _encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"fake-jira:{offset}".encode()).decode()


def _decode_token(token: str) -> int:
    try:
        prefix, _, offset = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if prefix != "fake-jira":
            raise ValueError(token)
        return int(offset)
    except ValueError:
        raise JiraHttpError(400, _errors("The nextPageToken is invalid.")) from None


def _sort_key(issue: FakeIssue, name: str) -> Any:
    if name in ("created", "createdDate"):
        return (issue.created, issue.id)
    if name in ("updated", "updatedDate"):
        return (issue.updated, issue.id)
    if name in ("key", "issuekey", "id"):
        return issue.id
    raise JiraHttpError(400, _errors(f"Not able to sort using field '{name}'."))


_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<symbol>!=|=|\(|\)|,)|(?P<word>[^\s=!(),"]+))'
)


def _tokens(jql: str) -> Iterator[str]:
    position = 0
    while position < len(jql):
        if not jql[position:].strip():
            return
        match = _TOKEN.match(jql, position)
        if match is None:
            raise JiraHttpError(
                400, _errors(f"Error in the JQL Query: unexpected '{jql[position:]}'.")
            )
        position = match.end()
        if match["string"] is not None:
            yield "\0" + re.sub(r"\\(.)", r"\1", match["string"][1:-1])  # \0 marks a literal
        else:
            yield match["symbol"] or match["word"]


def _parse_jql(jql: str) -> tuple[list[tuple[str, str, list[str]]], list[tuple[str, bool]]]:
    """``a = x AND b in (y, z) ORDER BY created DESC`` -> clauses and ordering (AND only)."""
    tokens = list(_tokens(jql))
    clauses: list[tuple[str, str, list[str]]] = []
    order: list[tuple[str, bool]] = []

    def literal(token: str) -> str:
        return token[1:] if token.startswith("\0") else token

    def fail(reason: str) -> JiraHttpError:
        return JiraHttpError(400, _errors(f"Error in the JQL Query: {reason} (fake Jira: {jql})"))

    i = 0
    while i < len(tokens):
        word = tokens[i]
        if word.lower() == "order" and i + 1 < len(tokens) and tokens[i + 1].lower() == "by":
            i += 2
            while i < len(tokens):
                name = literal(tokens[i])
                descending = i + 1 < len(tokens) and tokens[i + 1].lower() == "desc"
                if i + 1 < len(tokens) and tokens[i + 1].lower() in ("asc", "desc"):
                    i += 1
                order.append((name, descending))
                i += 1
                if i < len(tokens) and tokens[i] == ",":
                    i += 1
            break
        if clauses:
            if word.lower() != "and":
                raise fail(f"expected AND or ORDER BY, found '{literal(word)}'")
            i += 1
        if i + 2 > len(tokens):
            raise fail("incomplete clause")
        name = literal(tokens[i])
        operator = tokens[i + 1].lower()
        i += 2
        if operator == "not" and i < len(tokens) and tokens[i].lower() == "in":
            operator, i = "not in", i + 1
        if operator in ("=", "!="):
            if i >= len(tokens):
                raise fail("a value is missing")
            values = [literal(tokens[i])]
            i += 1
        elif operator in ("in", "not in"):
            if i >= len(tokens) or tokens[i] != "(":
                raise fail("expected '(' after IN")
            values, i = [], i + 1
            while i < len(tokens) and tokens[i] != ")":
                if tokens[i] != ",":
                    values.append(literal(tokens[i]))
                i += 1
            i += 1
        else:
            raise fail(f"unsupported operator '{operator}'")
        clauses.append((name, operator, values))
    return clauses, order
