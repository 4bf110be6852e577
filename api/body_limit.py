"""The body limit of every `/api` call and form post: over :data:`workflows.limits.BODY_BYTES`, 413.

An ASGI middleware rather than a dependency: it refuses a body by its ``Content-Length`` before
reading it, and counts a chunked body as it streams, so an oversized request never reaches a route
(or Temporal) in full. Webhooks keep their own, smaller limit (:mod:`api.webhooks`).
"""

from __future__ import annotations

import contextlib
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workflows.codes import Code
from workflows.limits import BODY_BYTES

__all__ = ["BodyLimit"]

_WEBHOOKS = "/webhooks/"


class _TooLarge(Exception):
    pass


def _answer() -> tuple[dict[str, object], bytes]:
    body = json.dumps(
        {
            "errors": [
                {
                    "code": Code.PAYLOAD_TOO_LARGE,
                    "field": "",
                    "message": f"The body is over {BODY_BYTES:,} bytes.",
                    "hint": "Send less: every field has a limit (see the README's Limits).",
                }
            ]
        }
    ).encode()
    start = {
        "type": "http.response.start",
        "status": 413,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    return start, body


class BodyLimit:
    """Answer 413 ``payload_too_large`` to any body over ``limit`` bytes (webhooks excepted)."""

    def __init__(self, app: ASGIApp, limit: int = BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(_WEBHOOKS):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0
        started = refused = False

        async def counted() -> Message:
            # Over the limit mid-stream: answer 413 here, and let the app fail reading its body
            # (FastAPI turns that into a 400, which ``tracked`` then drops).
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit and not refused:
                    refused = True
                    if not started:
                        await self._refuse(send)
                    raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, counted, tracked)

    @staticmethod
    async def _refuse(send: Send) -> None:
        start, body = _answer()
        await send(start)
        await send({"type": "http.response.body", "body": body})
