"""The Confluence imitation's state and how it shows it: users, spaces, pages, the search index,
the permission checks every route makes, and the JSON shapes of its answers."""

from __future__ import annotations

import base64
import hmac
import itertools
from urllib.parse import quote, urlencode

from tests.fakes.confluence.model import (
    MAX_BODY_BYTES,
    ConfluenceHttpError,
    FakePage,
    FakeProperty,
    FakeSpace,
    FakeUser,
    FakeVersion,
    JsonDict,
    now,
    v1_error,
    v2_error,
)
from tests.fakes.confluence.query import int_param
from tests.fakes.http import Answer
from tests.fakes.rest import Query, RestImitation

__all__ = ["ConfluenceState"]


class ConfluenceState(RestImitation):
    """What a Confluence site holds, its permission checks and its answer shapes; the routes
    (``pages``, ``properties``, ``v1``) and the site (``site``) build on it."""

    unauthorised_message = "Unauthorized; scope does not match"
    unauthorised_headers = {"WWW-Authenticate": 'Basic realm="protected-area"'}
    max_body = MAX_BODY_BYTES
    too_large_message = "Request entity too large (over 5 MB)."
    bad_json_message = "Unable to parse the request body as JSON."

    def __init__(
        self, *, tls: bool, jira_servers: list[JsonDict] | None, lagging_search: bool
    ) -> None:
        super().__init__("FakeConfluence", tls=tls, always={"Atl-Traceid": "fake"})
        self.tls = tls
        #: What ``/rest/jiraanywhere/1.0/servers`` lists; None answers 404 (no Jira linked).
        self.jira_servers = jira_servers
        #: When True, CQL sees only what ``reindex()`` has indexed (Confluence search lags writes).
        self.lagging_search = lagging_search
        #: Content property keys CQL may query (what a Connect/Forge index key declares).
        self.indexed_properties: set[str] = set()
        self._users: dict[str, FakeUser] = {}
        self._spaces: dict[str, FakeSpace] = {}
        self._pages: dict[str, FakePage] = {}
        # (account, body suffix, message, page id or None for any page)
        self._races: list[tuple[str, str, str, str | None]] = []
        self._indexed: dict[str, tuple[str, str, str, tuple[str, ...]]] = {}
        self._ids = itertools.count(65537)
        self._label_ids = itertools.count(90001)
        self._property_ids = itertools.count(70001)

    @property
    def site(self) -> str:
        return self._http.origin

    @property
    def url(self) -> str:
        """The base URL people configure: ``<site>/wiki``."""
        return f"{self.site}/wiki"

    # -- the prologue's questions ------------------------------------------------------------

    def _caller(self, authorization: str) -> str | None:
        """The account of a Basic ``email:api-token`` header, None when it names nobody."""
        scheme, _, value = authorization.partition(" ")
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
                return user.account_id
        return None

    def _error(self, path: str, status: int, message: str, headers: dict[str, str]) -> Answer:
        """v1's error body under ``/wiki/rest/``, v2's elsewhere."""
        v1 = path.startswith("/wiki/rest/")
        return status, v1_error(status, message) if v1 else v2_error(status, message), headers

    def _no_route(self, method: str, path: str) -> str:
        return f"null for uri: {path}"

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
            created_at=now(),
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

    # -- paging ---------------------------------------------------------------------------------

    def _page_of(self, items: list[JsonDict], query: Query, path: str) -> Answer:
        limit = int_param(query, "limit", 25, 1, 250)
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

    def _visible_space(self, account: str, space_id: str) -> FakeSpace:
        space = self._spaces.get(space_id)
        if space is None or not self._may(account, space, ("read", "space")):
            raise ConfluenceHttpError(404, "Not Found")
        return space

    def _find_property(self, page: FakePage, property_id: str) -> FakeProperty:
        for prop in page.properties.values():
            if prop.id == property_id:
                return prop
        raise ConfluenceHttpError(404, "Not Found")

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
