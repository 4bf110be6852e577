"""The Confluence imitation's v2 content properties (32 KB values, version + 1 on update)."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.fakes.confluence.model import (
    MAX_PROPERTY_BYTES,
    ConfluenceHttpError,
    FakeProperty,
    now,
)
from tests.fakes.confluence.query import first_param
from tests.fakes.confluence.state import ConfluenceState
from tests.fakes.http import Answer
from tests.fakes.rest import Query

__all__ = ["PropertyRoutes"]


class PropertyRoutes(ConfluenceState):
    """``/wiki/api/v2/pages/{id}/properties``."""

    def _properties_list(self, account: str, match: re.Match[str], query: Query, _: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        key = first_param(query, "key")
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
        prop = FakeProperty(str(next(self._property_ids)), key, value, [(1, account, now())])
        page.properties[key] = prop
        return 200, self._property_json(prop), {}

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
        prop.versions.append((number, account, now()))
        return 200, self._property_json(prop), {}

    def _property_delete(self, account: str, match: re.Match[str], *_: Any) -> Answer:
        page = self._readable_page(account, match["id"])
        self._check_edit(account, page)
        prop = self._find_property(page, match["pid"])
        del page.properties[prop.key]
        return 204, None, {}
