"""The Confluence imitation's records, limits and error shapes (v2 ``errors``, v1 ``statusCode``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.fakes.rest import RouteError

__all__ = [
    "DUPLICATE_TITLE",
    "LABEL_FORBIDDEN",
    "MAX_BODY_BYTES",
    "MAX_PROPERTY_BYTES",
    "MAX_TITLE",
    "ConfluenceHttpError",
    "FakePage",
    "FakeProperty",
    "FakeSpace",
    "FakeUser",
    "FakeVersion",
    "JsonDict",
    "now",
    "v1_error",
    "v2_error",
]

JsonDict = dict[str, Any]

MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_PROPERTY_BYTES = 32 * 1024
MAX_TITLE = 255
DUPLICATE_TITLE = (
    "A page with this title already exists: A page already exists with the same TITLE in this space"
)
#: Characters Confluence refuses in a label name.
LABEL_FORBIDDEN = set(":;,.?&[]()#^*@! ")


def now() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def v2_error(status: int, title: str, detail: str | None = None) -> JsonDict:
    codes = {
        400: "INVALID_REQUEST_PARAMETER",
        401: "UNAUTHORIZED",
        403: "FORBIDDEN",
        404: "NOT_FOUND",
        409: "CONFLICT",
        413: "REQUEST_ENTITY_TOO_LARGE",
        429: "TOO_MANY_REQUESTS",
        500: "INTERNAL_SERVER_ERROR",
        503: "SERVICE_UNAVAILABLE",
    }
    return {
        "errors": [
            {"status": status, "code": codes.get(status, "ERROR"), "title": title, "detail": detail}
        ]
    }


def v1_error(status: int, message: str) -> JsonDict:
    reasons = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        409: "Conflict",
        429: "Too Many Requests",
        500: "Internal Server Error",
        503: "Service Unavailable",
    }
    return {
        "statusCode": status,
        "data": {
            "authorized": status not in (401, 403),
            "valid": True,
            "errors": [],
            "successful": False,
        },
        "message": message,
        "reason": reasons.get(status, "Error"),
    }


class ConfluenceHttpError(RouteError):
    """Raised inside a route; the handler answers in the shape of the API version asked."""

    def __init__(self, status: int, title: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, title, headers)
        self.title = title


@dataclass
class FakeUser:
    account_id: str
    email: str
    display_name: str
    api_token: str | None = None


@dataclass
class FakeSpace:
    id: str
    key: str
    name: str
    homepage_id: str
    author_id: str
    created_at: str = field(default_factory=now)
    #: account id -> operations ("read", "space"), ("create", "page")...
    grants: dict[str, set[tuple[str, str]]] = field(default_factory=dict)


@dataclass
class FakeVersion:
    number: int
    title: str
    body: str
    author_id: str
    message: str
    created_at: str = field(default_factory=now)
    minor_edit: bool = False


@dataclass
class FakeProperty:
    id: str
    key: str
    value: Any
    versions: list[tuple[int, str, str]]  # (number, author, created)


@dataclass
class FakePage:
    id: str
    space: FakeSpace
    parent_id: str | None
    status: str
    author_id: str
    created_at: str
    versions: list[FakeVersion]
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # (id, prefix, name)
    properties: dict[str, FakeProperty] = field(default_factory=dict)
    #: accounts allowed to edit when restricted; None: anyone with space permission
    edit_restricted_to: set[str] | None = None

    @property
    def current(self) -> FakeVersion:
        return self.versions[-1]
