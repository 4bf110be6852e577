"""``FakeConfluence``: the site a test starts, with what people do in the editor, fault injection
and inspection; its routes come from ``pages``, ``properties`` and ``v1``."""

from __future__ import annotations

from typing import Any

from tests.fakes.confluence.model import FakePage, FakeSpace, FakeUser, FakeVersion, JsonDict, now
from tests.fakes.confluence.pages import PageRoutes
from tests.fakes.confluence.properties import PropertyRoutes
from tests.fakes.confluence.storage import details_row, storage_problem
from tests.fakes.confluence.v1 import V1Routes
from tests.fakes.http import Failure
from tests.fakes.rest import Route

__all__ = ["FakeConfluence"]


class FakeConfluence(PageRoutes, PropertyRoutes, V1Routes):
    """A Confluence Cloud site; a context manager, or start()/stop(). See the package docstring."""

    def __init__(
        self,
        email: str = "followthrough-bot@example.com",
        api_token: str = "fake-confluence-token-8d1e",  # noqa: S107 - a test credential
        *,
        tls: bool = False,
        jira_servers: list[JsonDict] | None = None,
        lagging_search: bool = False,
    ) -> None:
        super().__init__(tls=tls, jira_servers=jira_servers, lagging_search=lagging_search)
        self.email = email
        self.api_token = api_token
        self.bot = self.add_user(email, "Followthrough Bot", api_token=api_token)
        self.admin = self.add_user("admin@example.com", "Site Admin")

    # -- registries --------------------------------------------------------------------------

    def add_user(self, email: str, name: str, *, api_token: str | None = None) -> FakeUser:
        account_id = f"5b10{len(self._users):04d}" + "a" * 16
        user = FakeUser(account_id, email, name, api_token)
        with self._lock:
            self._users[account_id] = user
        return user

    def user_by_email(self, email: str) -> FakeUser:
        with self._lock:
            return next(u for u in self._users.values() if u.email == email)

    def add_space(
        self, key: str, name: str | None = None, *, bot_can_create: bool = True
    ) -> FakeSpace:
        """A space with a home page (by the site admin); the bot may read it and add pages."""
        with self._lock:
            space_id = str(next(self._ids))
            home = str(next(self._ids))
            space = FakeSpace(space_id, key, name or f"{key} space", home, self.admin.account_id)
            everything = {("read", "space"), ("create", "page"), ("delete", "page")}
            space.grants[self.admin.account_id] = set(everything) | {("administer", "space")}
            space.grants[self.bot.account_id] = (
                {("read", "space"), ("create", "page")} if bot_can_create else {("read", "space")}
            )
            self._spaces[space_id] = space
            stamp = now()
            self._pages[home] = FakePage(
                id=home,
                space=space,
                parent_id=None,
                status="current",
                author_id=self.admin.account_id,
                created_at=stamp,
                versions=[
                    FakeVersion(
                        1, f"{space.name} Home", "<p>Welcome.</p>", self.admin.account_id, ""
                    )
                ],
            )
            self._index(self._pages[home])
            return space

    def grant(self, space_key: str, account_id: str, *operations: tuple[str, str]) -> None:
        with self._lock:
            self._space_by_key(space_key).grants.setdefault(account_id, set()).update(operations)

    def revoke(self, space_key: str, account_id: str, *operations: tuple[str, str]) -> None:
        with self._lock:
            self._space_by_key(space_key).grants.setdefault(account_id, set()).difference_update(
                operations
            )

    def restrict_editing(self, page_id: str, *account_ids: str) -> None:
        """A page restriction: only these accounts may edit (others get 403 on update)."""
        with self._lock:
            self._pages[page_id].edit_restricted_to = set(account_ids)

    # -- fault injection ---------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        count: int = 1,
        headers: dict[str, str] | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        after: int = 0,
        processed: bool = False,
    ) -> None:
        """Answer the next ``count`` matching requests with ``status`` (429, 503...).

        ``path`` is a prefix such as ``/wiki/api/v2/pages``; ``after`` lets that many matching
        requests through first; ``processed=True`` does the work before answering with the failure
        (a gateway's 503 after Confluence saved the page).
        """
        with self._lock:
            self._failures.add(
                Failure(status, dict(headers or {}), method, path, count, after, processed)
            )

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()
            self._races.clear()

    def rate_limit(self, count: int, retry_after: str = "1", *, path: str | None = None) -> None:
        """A burst: the next ``count`` requests answer 429 with ``Retry-After``."""
        self.fail_next(429, count, {"Retry-After": retry_after}, path=path)

    def drop_next(self, method: str, path: str, *, after: int = 0) -> None:
        """Carry out the next matching request, then close the connection without answering."""
        with self._lock:
            self._failures.add(Failure(0, {}, method, path, 1, after, True, drop=True))

    def race_next_update(
        self,
        by: FakeUser,
        notes: str = "Edited while you were saving.",
        *,
        page_id: str | None = None,
    ) -> None:
        """Before the next page update lands (of ``page_id``, or of any page), ``by`` saves the
        page (adding ``notes`` at the end)."""
        with self._lock:
            self._races.append((by.account_id, f"<p>{notes}</p>", "edited in the editor", page_id))

    # -- what people do in the editor -----------------------------------------------------------

    def edit_as(
        self, user: FakeUser, page_id: str, body: str, message: str = "", title: str | None = None
    ) -> int:
        """Save a new version of the page as ``user``; returns the new version number."""
        with self._lock:
            page = self._pages[page_id]
            problem = storage_problem(body)
            assert problem is None, problem
            number = page.current.number + 1
            page.versions.append(
                FakeVersion(number, title or page.current.title, body, user.account_id, message)
            )
            self._index(page)
            return number

    def append_notes(self, user: FakeUser, page_id: str, text: str) -> int:
        """A person adds a paragraph at the end of the page (inside the Notes section)."""
        with self._lock:
            body = self._pages[page_id].current.body + f"<p>{text}</p>"
            return self.edit_as(user, page_id, body, "notes")

    def create_page_as(
        self, user: FakeUser, space_key: str, title: str, body: str = "<p>Mine.</p>"
    ) -> str:
        """A page someone made by hand, under the space's home page."""
        with self._lock:
            space = self._space_by_key(space_key)
            page = self._new_page(space, title, body, space.homepage_id, user.account_id, "")
            return page.id

    def archive(self, page_id: str) -> None:
        with self._lock:
            self._pages[page_id].status = "archived"
            self._index(self._pages[page_id])

    def reindex(self) -> None:
        """Let the search index catch up with every page (see ``lagging_search``)."""
        with self._lock:
            for page in self._pages.values():
                self._indexed[page.id] = self._snapshot(page)

    # -- inspection ----------------------------------------------------------------------------

    def pages_in(self, space_key: str, *, status: str = "current") -> list[FakePage]:
        with self._lock:
            space = self._space_by_key(space_key)
            return [
                p
                for p in self._pages.values()
                if p.space is space and p.status == status and p.id != space.homepage_id
            ]

    def page(self, page_id: str) -> FakePage:
        with self._lock:
            return self._pages[page_id]

    def body(self, page_id: str, version: int | None = None) -> str:
        with self._lock:
            page = self._pages[page_id]
            return (page.versions[version - 1] if version else page.current).body

    def label_names(self, page_id: str) -> list[str]:
        with self._lock:
            return [name for _, _, name in self._pages[page_id].labels]

    def property_value(self, page_id: str, key: str) -> Any:
        with self._lock:
            prop = self._pages[page_id].properties.get(key)
            return None if prop is None else prop.value

    def page_properties_report(self, parent_id: str, label: str) -> list[dict[str, str]]:
        """The rows a Page Properties Report on ``parent_id`` filtered by ``label`` would show.

        Each child page carrying the label contributes the first ``details`` macro's two-column
        table (``<th>`` key, ``<td>`` value, as text), plus its title under ``Title``.
        """
        with self._lock:
            rows = []
            for page in self._pages.values():
                if page.parent_id != parent_id or page.status != "current":
                    continue
                if label not in (name for _, _, name in page.labels):
                    continue
                row = details_row(page.current.body)
                if row is not None:
                    rows.append({"Title": page.current.title, **row})
            return rows

    def _routes(self) -> list[Route]:
        v2 = r"/wiki/api/v2"
        v1 = r"/wiki/rest/api"
        page = rf"{v2}/pages/(?P<id>\d+)"
        return [
            ("GET", rf"{v2}/spaces", self._spaces_list),
            ("GET", rf"{v2}/spaces/(?P<id>\d+)", self._space_get),
            ("GET", rf"{v2}/spaces/(?P<id>\d+)/operations", self._space_operations),
            ("GET", rf"{v2}/pages", self._pages_list),
            ("POST", rf"{v2}/pages", self._page_create),
            ("GET", page, self._page_get),
            ("PUT", page, self._page_update),
            ("DELETE", page, self._page_delete),
            ("GET", rf"{page}/versions", self._page_versions),
            ("GET", rf"{page}/labels", self._page_labels),
            ("GET", rf"{page}/operations", self._page_operations),
            ("GET", rf"{v2}/pages/(?P<id>\d+)/properties", self._properties_list),
            ("POST", rf"{v2}/pages/(?P<id>\d+)/properties", self._property_create),
            ("GET", rf"{v2}/pages/(?P<id>\d+)/properties/(?P<pid>\d+)", self._property_get),
            ("PUT", rf"{v2}/pages/(?P<id>\d+)/properties/(?P<pid>\d+)", self._property_update),
            ("DELETE", rf"{v2}/pages/(?P<id>\d+)/properties/(?P<pid>\d+)", self._property_delete),
            ("GET", rf"{v1}/user/current", self._user_current),
            ("GET", rf"{v1}/user", self._user_get),
            ("GET", rf"{v1}/content/search", self._search),
            ("GET", rf"{v1}/content/(?P<id>\d+)/label", self._v1_labels),
            ("POST", rf"{v1}/content/(?P<id>\d+)/label", self._v1_add_labels),
            ("DELETE", rf"{v1}/content/(?P<id>\d+)/label", self._v1_remove_label),
            ("DELETE", rf"{v1}/content/(?P<id>\d+)/label/(?P<label>[^/]+)", self._v1_remove_label),
            ("GET", r"/wiki/rest/jiraanywhere/1\.0/servers", self._jira_servers),
        ]
