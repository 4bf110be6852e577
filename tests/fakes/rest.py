"""What the REST imitations (Confluence, Jira) share: the request prologue and the lifecycle.

Every request is recorded, then meets the injected failures (carried out first when the failure
is ``processed``, answered with nothing when it is a ``drop``), then is authenticated (401 in the
imitation's error shape otherwise), has its JSON body read (413 over ``max_body``, 400 when it is
not JSON) and goes to the first route whose method and path pattern match. A :class:`RouteError`
raised in a route answers in the imitation's error shape; no matching route answers 404.

A subclass names its routes (``_routes``), who a request comes from (``_caller``) and its error
shape (``_error``); the words of its prologue answers are class attributes.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from tests.fakes.http import Answer, Failures, LocalServer, Startable

__all__ = ["Query", "RestImitation", "Route", "RouteError", "injected_message"]

Query = dict[str, list[str]]
#: (method, path pattern matched in full, route); the route is called through ``_call``.
Route = tuple[str, str, Callable[..., Answer | None]]


def injected_message(status: int) -> str:
    """The words of an injected failure's error body (both sites say the same)."""
    return {429: "Rate limit exceeded.", 503: "Service Unavailable"}.get(
        status, f"Injected failure {status}"
    )


class RouteError(Exception):
    """Raised inside a route: answer ``status`` with ``body``, or with ``message`` in the
    imitation's error shape when there is no body."""

    def __init__(
        self,
        status: int,
        message: str = "",
        headers: dict[str, str] | None = None,
        *,
        body: Any = None,
    ) -> None:
        super().__init__(message or status)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.body = body


class RestImitation(Startable):
    """A REST site on ``127.0.0.1``: lifecycle, request log, failures and the request prologue."""

    #: The answer to a request without valid credentials: message and extra headers.
    unauthorised_message = "Unauthorised."
    unauthorised_headers: dict[str, str] = {}
    #: Bodies over this many bytes answer 413 (None: no limit).
    max_body: int | None = None
    too_large_message = "Request entity too large."
    bad_json_message = "The request body is not JSON."

    def __init__(self, name: str, *, tls: bool = False, always: dict[str, str] | None = None):
        self.requests: list[tuple[str, str]] = []
        self.request_bodies: list[tuple[str, str, bytes]] = []
        self._lock = threading.RLock()
        self._failures = Failures()
        self._http = LocalServer(self.handle, name, tls=tls, always=always)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        self._http.start()
        return self

    def stop(self) -> None:
        self._http.stop()

    @property
    def ca_file(self) -> Path | None:
        """The throwaway CA a TLS site's certificate is issued by (None over plain HTTP)."""
        return self._http.ca_file

    def count(self, method: str, path_prefix: str) -> int:
        """How many requests matched ``method`` and the path prefix."""
        return sum(1 for m, p in self.requests if m == method and p.startswith(path_prefix))

    # -- what a site supplies ----------------------------------------------------------------

    def _routes(self) -> list[Route]:
        raise NotImplementedError

    def _caller(self, authorization: str) -> str | None:
        """The account the ``Authorization`` header names; None answers 401."""
        raise NotImplementedError

    def _error(self, path: str, status: int, message: str, headers: dict[str, str]) -> Answer:
        """``message`` in the site's error shape for ``path``."""
        raise NotImplementedError

    def _call(
        self,
        route: Callable[..., Answer | None],
        caller: str,
        match: re.Match[str],
        query: Query,
        payload: Any,
    ) -> Answer | None:
        """Call one route; a site whose routes do not ask who calls overrides this."""
        return route(caller, match, query, payload)

    def _no_route(self, method: str, path: str) -> str:
        return f"No resource at {method} {path}"

    # -- the prologue ------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> Answer | None:
        """Answer one request: (status, json or None, headers), or None to drop the connection."""
        parts = urlsplit(target)
        path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        with self._lock:
            self.requests.append((method, path))
            if body:
                self.request_bodies.append((method, path, body))
            failure = self._failures.take(method, path)
            if failure is None:
                return self._answer(method, path, query, headers, body)
            if failure.processed:
                self._answer(method, path, query, headers, body)
            if failure.drop:
                return None
            if failure.body is not None:
                return failure.status, failure.body, failure.headers
            return self._error(
                path, failure.status, injected_message(failure.status), failure.headers
            )

    def _answer(
        self, method: str, path: str, query: Query, headers: dict[str, str], body: bytes
    ) -> Answer | None:
        caller = self._caller(headers.get("authorization", ""))
        if caller is None:
            return self._error(
                path, 401, self.unauthorised_message, dict(self.unauthorised_headers)
            )
        payload: Any = None
        if body:
            if self.max_body is not None and len(body) > self.max_body:
                return self._error(path, 413, self.too_large_message, {})
            try:
                payload = json.loads(body)
            except ValueError:
                return self._error(path, 400, self.bad_json_message, {})
        try:
            for route_method, pattern, route in self._routes():
                if route_method != method:
                    continue
                match = re.fullmatch(pattern, path)
                if match:
                    return self._call(route, caller, match, query, payload)
        except RouteError as exc:
            if exc.body is not None:
                return exc.status, exc.body, exc.headers
            return self._error(path, exc.status, exc.message, exc.headers)
        return self._error(path, 404, self._no_route(method, path), {})
