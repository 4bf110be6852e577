"""The Jira imitation's site metadata and search: serverInfo, fields, projects, users, JQL search
(``/search/jql`` with page tokens; ``/search`` gone from Cloud, paged on Server)."""

from __future__ import annotations

import functools
import re
from typing import Any

from tests.fakes.http import Answer
from tests.fakes.jira.jql import decode_token, encode_token, parse_jql, sort_key
from tests.fakes.jira.model import (
    CATEGORIES,
    FIELDS,
    STATUSES,
    FakeIssue,
    JiraHttpError,
    JsonDict,
    error_body,
    jira_time,
    now,
)
from tests.fakes.jira.state import JiraState
from tests.fakes.rest import Query

__all__ = ["SearchRoutes"]


class SearchRoutes(JiraState):
    """``serverInfo``, ``field``, ``project``, ``user/search``, ``search`` and ``search/jql``."""

    def _server_info(self, *_: Any) -> Answer:
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
                "serverTime": jira_time(now()),
                "scmInfo": "0" * 40,
                "serverTitle": "Jira",
                "defaultLocale": {"locale": "en_US"},
                "serverTimeZone": "Etc/UTC",
            },
            {},
        )

    def _fields(self, *_: Any) -> Answer:
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

    def _project(self, match: re.Match[str], query: Query, _: Any) -> Any:
        key = match["key"]
        for project in self._projects.values():
            if key in (project.key, project.id):
                wants_types = "issueTypes" in ",".join(query.get("expand", []))
                return 200, self._project_json(project, issue_types=wants_types), {}
        raise JiraHttpError(404, error_body(f"No project could be found with key '{key}'."))

    def _user_search(self, _: re.Match[str], query: Query, __: Any) -> Any:
        text = (query.get("query") or query.get("username") or [""])[0].strip().lower()
        if not text:
            raise JiraHttpError(400, error_body("The query parameter must be provided."))
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

    def _search_classic(self, match: re.Match[str], query: Query, payload: Any) -> Any:
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
            error_body(
                "The requested API has been removed. Please migrate to the /rest/api/3/search/jql "
                "API. A full migration guideline is available at "
                "https://developer.atlassian.com/changelog/#CHANGE-2046"
            ),
            {},
        )

    def _search(self, _: re.Match[str], query: Query, payload: Any) -> Any:
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
                error_body(
                    "Unbounded JQL queries are not allowed here. "
                    "Please add a search restriction to your query."
                ),
            )
        clauses, order = parse_jql(jql)
        matches = [issue for issue in self._issues.values() if self._matches(issue, clauses)]
        for field_name, descending in reversed(order):
            matches.sort(key=functools.partial(sort_key, name=field_name), reverse=descending)
        start = decode_token(token) if token else 0
        limit = max(1, min(limit, 5000))
        page = matches[start : start + limit]
        result: JsonDict = {"issues": [self._search_json(issue, wanted) for issue in page]}
        if start + limit < len(matches):
            result["nextPageToken"] = encode_token(start + limit)
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
                            error_body(
                                f"The value '{value}' does not exist for the field 'project'."
                            ),
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
                    error_body(
                        f"Field '{name}' does not exist or you do not have permission to view it."
                    ),
                )
            hit = any(value in actual for value in values)
            if hit != (operator in ("=", "in")):
                return False
        return True
