"""The Jira imitation's state and how it shows it: users, projects, issues, the changes and webhook
bodies the UI helpers make, and the JSON shapes of its answers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
from collections.abc import Callable
from typing import Any

from tests.fakes.http import Answer
from tests.fakes.jira.model import (
    CATEGORIES,
    ISSUE_TYPES,
    PRIORITIES,
    STATUSES,
    FakeIssue,
    FakeProject,
    FakeUser,
    JiraHttpError,
    JsonDict,
    change_item,
    error_body,
    jira_time,
    millis,
    now,
    select_fields,
)
from tests.fakes.rest import Query, RestImitation

__all__ = ["JiraState"]


class JiraState(RestImitation):
    """What a Jira site holds, its registries and its answer shapes; the routes (``search``,
    ``issues``) and the site (``site``) build on it."""

    unauthorised_message = "Client must be authenticated to access this resource."
    bad_json_message = "Unexpected character in the JSON body."

    def __init__(self, email: str, api_token: str, deployment_type: str) -> None:
        super().__init__("FakeJira/1.0", always={"X-Arequestid": "fake"})
        self.email = email
        self.api_token = api_token
        self.deployment_type = deployment_type
        self.create_count = 0
        self.deny_create = False  # answer POST /issue with 403 (no "Create issues" permission)
        self.drop_next_create_response = False  # create, then close the connection unanswered
        self.events: list[bytes] = []  # webhook bodies produced by the test-side helpers
        self._users: dict[str, FakeUser] = {}
        self._projects: dict[str, FakeProject] = {}
        self._issues: dict[int, FakeIssue] = {}
        self._ids = itertools.count(10000)
        self._project_ids = itertools.count(10000)
        self._changelog_ids = itertools.count(10100)
        self._comment_ids = itertools.count(10200)
        self._link_ids = itertools.count(10300)
        self._webhook_ids = itertools.count(1)
        self._key_counters: dict[str, itertools.count[int]] = {}
        self.bot = self.add_user(email, "Followthrough Bot")

    @property
    def url(self) -> str:
        return self._http.origin

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

    # -- the prologue's questions ------------------------------------------------------------

    def _caller(self, authorization: str) -> str | None:
        """The bot's account for its Basic ``email:api-token`` header, None otherwise."""
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(value.strip()).decode()
        except ValueError:
            return None
        if hmac.compare_digest(decoded, f"{self.email}:{self.api_token}"):
            return self.bot.account_id
        return None

    def _error(self, path: str, status: int, message: str, headers: dict[str, str]) -> Answer:
        return status, error_body(message), headers

    def _call(
        self,
        route: Callable[..., Answer | None],
        caller: str,
        match: re.Match[str],
        query: Query,
        payload: Any,
    ) -> Answer | None:
        """Jira's routes act as the bot; they take the match, the query and the payload."""
        return route(match, query, payload)

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
            404, error_body("Issue does not exist or you do not have permission to see it.")
        )

    def _user_by_email(self, email: str) -> FakeUser:
        for user in self._users.values():
            if user.email.lower() == email.lower():
                return user
        raise KeyError(email)

    def _set_status(self, issue: FakeIssue, status: str) -> list[JsonDict]:
        if status not in STATUSES:
            raise JiraHttpError(400, error_body(f"Status '{status}' does not exist."))
        old = issue.status
        issue.status = status
        issue.updated = now()
        items = [change_item("status", STATUSES[old][0], old, STATUSES[status][0], status)]
        was_done = STATUSES[old][1] == "done"
        now_done = STATUSES[status][1] == "done"
        if now_done and not was_done:
            issue.resolution_date = issue.updated
            items.insert(0, change_item("resolution", None, None, "10000", "Done"))
        elif was_done and not now_done:
            issue.resolution_date = None
            items.insert(0, change_item("resolution", "10000", "Done", None, None))
        return items

    def _add_comment(self, issue: FakeIssue, text: str, author: FakeUser) -> JsonDict:
        comment_id = str(next(self._comment_ids))
        stamp = jira_time(now())
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
        body: JsonDict = {"timestamp": millis(), "webhookEvent": event}
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
            "resolutiondate": jira_time(issue.resolution_date) if issue.resolution_date else None,
            "issuetype": self._issue_type_json(issue.issue_type),
            "project": self._project_json(issue.project),
            "created": jira_time(issue.created),
            "updated": jira_time(issue.updated),
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
            "fields": select_fields(all_fields, wanted),
        }
