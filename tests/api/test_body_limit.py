"""api.body_limit: a body over the limit answers 413 before a route reads it in full; webhooks
keep their own limit. A bare app behind the middleware, called in process, and the real app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import httpx
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from temporalio.client import Client

from api.app import create_app
from api.body_limit import BodyLimit
from followthrough.settings import Settings
from workflows.policy import Policy

LIMIT = 100


def limited() -> tuple[httpx.AsyncClient, list[int]]:
    """A client of an app that echoes the body's size (and records every body it read)."""
    app = FastAPI()
    read: list[int] = []

    @app.post("/api/echo")
    @app.post("/webhooks/echo")
    async def echo(request: Request) -> dict[str, int]:
        body = await request.body()
        read.append(len(body))
        return {"bytes": len(body)}

    transport = httpx.ASGITransport(app=BodyLimit(app, limit=LIMIT))
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:9"), read


async def chunks(size: int, chunk: int = 30) -> AsyncIterator[bytes]:
    for start in range(0, size, chunk):
        yield b"x" * min(chunk, size - start)


async def test_a_body_within_the_limit_reaches_the_route() -> None:
    client, read = limited()
    async with client:
        answer = await client.post("/api/echo", content=b"x" * LIMIT)

    assert answer.json() == {"bytes": LIMIT}
    assert read == [LIMIT]


async def test_a_declared_length_over_the_limit_answers_413_without_calling_the_route() -> None:
    client, read = limited()
    async with client:
        answer = await client.post("/api/echo", content=b"x" * (LIMIT + 1))

    assert answer.status_code == 413
    assert answer.json()["errors"][0]["code"] == "payload_too_large"
    assert read == []


async def test_a_streamed_body_over_the_limit_answers_413_and_the_route_never_has_it() -> None:
    client, read = limited()
    async with client:
        answer = await client.post("/api/echo", content=chunks(LIMIT * 3))

    assert answer.status_code == 413
    assert answer.json()["errors"][0]["code"] == "payload_too_large"
    assert read == []


async def test_a_streamed_body_within_the_limit_reaches_the_route() -> None:
    client, read = limited()
    async with client:
        answer = await client.post("/api/echo", content=chunks(LIMIT))

    assert answer.json() == {"bytes": LIMIT}
    assert read == [LIMIT]


async def test_a_webhook_body_is_left_to_the_webhooks_own_limit() -> None:
    client, read = limited()
    async with client:
        answer = await client.post("/webhooks/echo", content=b"x" * (LIMIT * 3))

    assert answer.json() == {"bytes": LIMIT * 3}
    assert read == [LIMIT * 3]


def test_the_apps_form_posts_answer_413_over_one_megabyte_before_any_route(
    tmp_path: Path,
) -> None:
    # No Temporal client: the middleware answers before a route would need one.
    app = create_app(
        Settings(data_dir=tmp_path, api_token="limit-token"), cast(Client, None), Policy()
    )

    answer = TestClient(app).post(
        "/reviews/PANY/went-well",
        content=b"text=" + b"x" * 1_000_001,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert answer.status_code == 413
    assert answer.json()["errors"][0]["code"] == "payload_too_large"
