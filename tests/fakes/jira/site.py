"""``FakeJira``: the site a test starts, with what people do in the Jira UI (and the webhook Jira
would send for it), fault injection and inspection; its routes come from ``search`` and ``issues``."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import requests

from tests.fakes.http import Failure
from tests.fakes.jira.issues import IssueRoutes
from tests.fakes.jira.model import FakeIssue, JsonDict, change_item, millis, now
from tests.fakes.jira.search import SearchRoutes
from tests.fakes.rest import Route

__all__ = ["FakeJira"]


class FakeJira(SearchRoutes, IssueRoutes):
    """A Jira Cloud site on ``http://127.0.0.1:<port>``; a context manager, or start()/stop()."""

    def __init__(
        self,
        email: str = "followthrough-bot@example.com",
        api_token: str = "fake-jira-api-token-3f9c",  # noqa: S107 - a test credential
        projects: tuple[str, ...] = ("OPS",),
        deployment_type: str = "Cloud",
    ) -> None:
        super().__init__(email, api_token, deployment_type)
        for key in projects:
            self.add_project(key)

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
        Jira did the work); by default the failure happens before anything changes. ``body``
        replaces the usual ``{"errorMessages": ["Rate limit exceeded."], "errors": {}}``.
        """
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
                    body=body or None,  # None: the injected failure's usual body
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
                items.append(change_item(name, None, old, None, text))
            issue.updated = now()
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
                "timestamp": millis(),
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

    def _routes(self) -> list[Route]:
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
