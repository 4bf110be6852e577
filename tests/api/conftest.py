"""The API and page tests' running site: the app in process on a real Temporal dev server and worker,
one per test module (helpers that tests import are in tests/support/site.py and pages.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from tests.support.site import Site, running_site


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def site(
    dev_env: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Site]:
    async with running_site(dev_env, tmp_path_factory.mktemp("pages")) as running:
        yield running
