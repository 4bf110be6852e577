"""The Jira imitation's issues: create (with Jira's field checks), read, edit, delete, remote links,
comments and transitions."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tests.fakes.jira.model import (
    ISSUE_TYPES,
    PRIORITIES,
    SETTABLE,
    TRANSITIONS,
    FakeIssue,
    FakeProject,
    JiraHttpError,
    JsonDict,
    error_body,
    now,
)
from tests.fakes.jira.state import JiraState
from tests.fakes.rest import Query

__all__ = ["IssueRoutes"]


class IssueRoutes(JiraState):
    """``/rest/api/2/issue`` and what hangs off an issue."""

    def _create(self, _: re.Match[str], __: Any, payload: Any) -> Any:
        fields = (payload or {}).get("fields") if isinstance(payload, dict) else None
        if not isinstance(fields, dict):
            raise JiraHttpError(400, error_body("Issue fields are required."))
        project = self._project_from(fields.get("project"))
        if project is None:
            raise JiraHttpError(400, error_body(project="valid project is required"))
        if self.deny_create:
            raise JiraHttpError(
                403, error_body("You do not have permission to create issues in this project.")
            )
        issue_type = self._issue_type_from(fields.get("issuetype"))
        if issue_type is None:
            raise JiraHttpError(400, error_body(issuetype="valid issue type is required"))
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
            raise JiraHttpError(400, error_body(**errors))
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

    def _get_issue(self, match: re.Match[str], query: Query, _: Any) -> Any:
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
                raise JiraHttpError(400, error_body(**{name: f"Field '{name}' cannot be updated."}))
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
        issue.updated = now()
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
            raise JiraHttpError(400, error_body(url="'url' is required."))
        if not link_object.get("title"):
            raise JiraHttpError(400, error_body(title="'title' is required."))
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
            raise JiraHttpError(400, error_body(comment="Comment body can not be empty!"))
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
        raise JiraHttpError(
            400, error_body(f"Transition id '{wanted}' is not valid for this issue.")
        )
