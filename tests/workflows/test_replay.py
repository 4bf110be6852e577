"""Saved histories of real reviews replay against today's workflow code.

A change that would break running reviews (a reordered activity, a new timer without
``workflow.patched``) fails here. Refresh the fixtures only on purpose:
``FOLLOWTHROUGH_RECORD_HISTORIES=tests/workflows/histories pytest tests/workflows/test_lifecycle.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from worker import WORKFLOWS, workflow_runner

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_saved_histories_cover_both_workflows() -> None:
    names = {p.stem.split("-lifecycle")[0] for p in HISTORIES}
    assert names == {"postmortem", "action-item"}


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_saved_history_replays_without_nondeterminism(path: Path) -> None:
    replayer = Replayer(
        workflows=WORKFLOWS,
        workflow_runner=workflow_runner(),
        data_converter=pydantic_data_converter,
    )
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
