"""The Confluence imitation's v2 spaces and pages: list, create, read, update (version + 1, the
race), delete, versions, labels and operations."""

from __future__ import annotations

import re
from typing import Any

from tests.fakes.confluence.model import (
    DUPLICATE_TITLE,
    MAX_TITLE,
    ConfluenceHttpError,
    FakeVersion,
    JsonDict,
)
from tests.fakes.confluence.query import body_format_param, first_param, flag_param, int_param
from tests.fakes.confluence.state import ConfluenceState
from tests.fakes.confluence.storage import storage_problem
from tests.fakes.http import Answer
from tests.fakes.rest import Query

__all__ = ["PageRoutes"]


class PageRoutes(ConfluenceState):
    """``/wiki/api/v2/spaces`` and ``/wiki/api/v2/pages``."""

    def _spaces_list(self, account: str, _: Any, query: Query, __: Any) -> Answer:
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

    def _space_get(self, account: str, match: re.Match[str], *_: Any) -> Answer:
        return 200, self._space_json(self._visible_space(account, match["id"])), {}

    def _space_operations(self, account: str, match: re.Match[str], *_: Any) -> Answer:
        space = self._visible_space(account, match["id"])
        operations = [
            {"operation": op, "targetType": target}
            for op, target in sorted(space.grants.get(account, set()))
        ]
        return 200, {"operations": operations}, {}

    def _pages_list(self, account: str, _: Any, query: Query, __: Any) -> Answer:
        spaces = {s for value in query.get("space-id", []) for s in value.split(",") if s}
        statuses = {s for value in query.get("status", []) for s in value.split(",") if s}
        statuses = statuses or {"current", "archived"}
        title = first_param(query, "title")
        body_format = body_format_param(query, ("storage", "atlas_doc_format"))
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

    def _page_create(self, account: str, _: Any, query: Query, payload: Any) -> Answer:
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

    def _page_get(self, account: str, match: re.Match[str], query: Query, _: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        body_format = body_format_param(query, ("storage", "atlas_doc_format", "view"))
        statuses = {s for value in query.get("status", []) for s in value.split(",") if s}
        if page.status != "current" and page.status not in statuses:
            raise ConfluenceHttpError(404, "Not Found")
        wanted = query.get("version")
        version = None
        if wanted:
            number = int_param(query, "version", 0, 1, 10**9)
            if number > len(page.versions):
                raise ConfluenceHttpError(404, "Not Found")
            version = page.versions[number - 1]
        data = self._page_json(page, body_format, version)
        meta = {"hasMore": False, "cursor": None}
        if flag_param(query, "include-labels"):
            labels = [{"id": i, "name": n, "prefix": p} for i, p, n in page.labels[:50]]
            data["labels"] = {"results": labels, "meta": meta, "_links": {}}
        if flag_param(query, "include-properties"):
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

    def _page_versions(self, account: str, match: re.Match[str], query: Query, _: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        body_format = body_format_param(query, ("storage", "atlas_doc_format"))
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

    def _page_labels(self, account: str, match: re.Match[str], query: Query, _: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        prefix = first_param(query, "prefix")
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
