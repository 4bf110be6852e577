"""The Jira imitation's workflow, fields and records, its time format and its error shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.fakes.rest import RouteError

__all__ = [
    "CATEGORIES",
    "FIELDS",
    "ISSUE_TYPES",
    "PRIORITIES",
    "SETTABLE",
    "STATUSES",
    "TRANSITIONS",
    "FakeIssue",
    "FakeProject",
    "FakeUser",
    "JiraHttpError",
    "JsonDict",
    "change_item",
    "error_body",
    "jira_time",
    "millis",
    "now",
    "select_fields",
]

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


def now() -> datetime:
    return datetime.now(UTC)


def jira_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def error_body(*messages: str, **errors: str) -> JsonDict:
    return {"errorMessages": list(messages), "errors": dict(errors)}


class JiraHttpError(RouteError):
    """Raised inside a route to answer with Jira's error shape."""

    def __init__(self, status: int, body: JsonDict, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, headers=headers, body=body)


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
    created: datetime = field(default_factory=now)
    updated: datetime = field(default_factory=now)
    resolution_date: datetime | None = None
    comments: list[JsonDict] = field(default_factory=list)
    remote_links: list[JsonDict] = field(default_factory=list)


def millis() -> int:
    return int(now().timestamp() * 1000)


def change_item(
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


def select_fields(all_fields: JsonDict, wanted: list[str] | None) -> JsonDict:
    if wanted is None or "*all" in wanted or "*navigable" in wanted:
        excluded = {name[1:] for name in wanted or [] if name.startswith("-")}
        return {k: v for k, v in all_fields.items() if k not in excluded}
    return {k: v for k, v in all_fields.items() if k in wanted}
