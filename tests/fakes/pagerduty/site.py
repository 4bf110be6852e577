"""``FakePagerDuty``: the account a test starts (a context manager, or start()/stop()) and the
controls a test uses: injected failures, forgetting requests, the queries seen."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from pathlib import Path
from typing import Any

from tests.fakes.http import Failure, Startable
from tests.fakes.pagerduty.api import PagerDutyApi
from tests.fakes.pagerduty.model import error_body

__all__ = ["FakePagerDuty"]


class FakePagerDuty(PagerDutyApi, Startable):
    """PagerDuty REST API v2 on ``https://127.0.0.1:<port>``; see the package docstring.

    ``FakePagerDuty(token, seed=7, clock=None)``: ``seed`` makes ids and names repeatable;
    ``clock`` is "now" for incidents added without ``created_at`` (the wall clock by default).
    """

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakePagerDuty:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    @property
    def ca_file(self) -> Path:
        return self._server.ca_file

    # -- test controls ------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        count: int | None = 1,
        headers: Mapping[str, str] | None = None,
        *,
        body: Mapping[str, Any] | None = None,
        path: str | None = None,
        skip: int = 0,
    ) -> None:
        """Answer the next ``count`` requests (None: all, until cleared) with ``status``.

        429 carries ``ratelimit-limit/-remaining/-reset`` (reset 1 s) and code 2020 unless
        ``headers``/``body`` say otherwise; ``headers`` entries with value ``""`` are dropped.
        ``path``: only requests whose path starts with it fail; ``skip``: let that many matching
        requests through first.
        """
        if status == 429:
            merged = {"ratelimit-limit": "960", "ratelimit-remaining": "0", "ratelimit-reset": "1"}
            default_body = error_body("Rate Limit Exceeded", 2020)
        else:
            merged = {}
            default_body = error_body(HTTPStatus(status).phrase)
        merged.update(headers or {})
        with self._lock:
            self._failures.add(
                Failure(
                    status,
                    {k: v for k, v in merged.items() if v != ""},
                    None,
                    path,
                    count,
                    skip,
                    False,
                    body=dict(body) if body is not None else default_body,
                )
            )

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()

    def reset(self) -> None:
        """Forget requests seen and pending failures; keep incidents and users."""
        with self._lock:
            self._failures.clear()
            self.requests.clear()
            self.request_headers.clear()

    def requests_to(self, path: str) -> list[dict[str, str]]:
        """Queries of the GET requests seen for exactly ``path``."""
        with self._lock:
            return [query for method, seen, query in self.requests if seen == path]
