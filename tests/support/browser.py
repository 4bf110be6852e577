"""Headless Chromium for the browser tests: one launcher, and the app served for it.

Playwright drives Debian's ``/usr/bin/chromium`` (never its own browser download), always with the
same flags: no sandbox (containers), no GPU, and nothing that calls home. A browser test module
calls :func:`need_chromium` first, so it is skipped where Chromium is not installed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.support.ports import free_port

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "WAIT_MS",
    "chromium",
    "need_chromium",
    "new_context",
    "new_page",
    "served",
]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
#: How long a step may wait for the page (the workflows answer asynchronously, on a shared CPU).
WAIT_MS = 30_000


def need_chromium() -> None:
    """Skip the calling test module when ``/usr/bin/chromium`` is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(
            "/usr/bin/chromium not installed (apt-get install chromium); browser tests need it",
            allow_module_level=True,
        )


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Headless Chromium, closed on leaving."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            await browser.close()


async def new_context(browser: Browser) -> BrowserContext:
    """A fresh context (its own cookies), waiting up to :data:`WAIT_MS` on every step."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    return context


async def new_page(browser: Browser) -> Page:
    """A page in a fresh context (close it with ``page.context.close()``)."""
    context = await new_context(browser)
    return await context.new_page()


@asynccontextmanager
async def served(app: FastAPI, port: int | None = None) -> AsyncIterator[str]:
    """``app`` served by uvicorn on 127.0.0.1 (on ``port``, default a free one); yields its base
    URL."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started or task.done():
            break
        await asyncio.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
