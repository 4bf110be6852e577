"""The Confluence imitation's v1 API: users, labels, CQL search; and the linked Jira sites."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from tests.fakes.confluence.model import (
    LABEL_FORBIDDEN,
    ConfluenceHttpError,
    FakePage,
    JsonDict,
)
from tests.fakes.confluence.query import int_param, parse_cql
from tests.fakes.confluence.state import ConfluenceState
from tests.fakes.http import Answer
from tests.fakes.rest import Query

__all__ = ["V1Routes"]


class V1Routes(ConfluenceState):
    """``/wiki/rest/api`` (users, labels, search) and ``/wiki/rest/jiraanywhere``."""

    def _user_current(self, account: str, *_: Any) -> Answer:
        return 200, self._user_json(self._users[account]), {}

    def _user_get(self, _: str, __: Any, query: Query, ___: Any) -> Answer:
        wanted = (query.get("accountId") or [""])[0]
        user = self._users.get(wanted)
        if user is None:
            raise ConfluenceHttpError(404, f"No user found with accountId: {wanted}")
        return 200, self._user_json(user), {}

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

    def _v1_remove_label(self, account: str, match: re.Match[str], query: Query, _: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        self._check_edit(account, page)
        name = match.groupdict().get("label") or (query.get("name") or [""])[0]
        before = len(page.labels)
        page.labels = [entry for entry in page.labels if entry[2] != name]
        if len(page.labels) == before:
            raise ConfluenceHttpError(404, f"Label {name} not found on content {page.id}")
        self._index(page)
        return 204, None, {}

    def _search(self, account: str, _: Any, query: Query, __: Any) -> Answer:
        cql = (query.get("cql") or [""])[0]
        if not cql.strip():
            raise ConfluenceHttpError(400, "CQL query parameter is required.")
        clauses = parse_cql(cql)
        limit = int_param(query, "limit", 25, 1, 250)
        start = int_param(query, "start", 0, 0, 10**9)
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
