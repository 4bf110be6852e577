"""Saved histories of real reviews replay against today's workflow code.

Every file under ``histories/<version>/`` was recorded by that Followthrough version
(``python -m tests.workflows.record_histories``); running reviews of that version hold histories
like them. A change that would break them (a reordered activity, a new timer or signal without
``workflow.patched``) fails here. Old versions' folders are kept until the README says the version
is no longer supported; new paths get new histories in the current version's folder.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from api.metrics import REGISTRY
from followthrough.worker_runtime import DATA_CONVERTER, StaleActivationGuard
from tests.support.histories import HISTORIES, Facts, facts, patches, read_history
from tests.workflows.record_histories import SCENARIOS
from worker import WORKFLOWS, workflow_runner
from workflows import action_item, calls, digest, postmortem

SAVED = sorted(HISTORIES.rglob("*.json"))
OUR_ATTRIBUTES = frozenset(key.name for key in calls.SEARCH_ATTRIBUTES)


def label(path: Path) -> str:
    """``<version>/<scenario>/<workflow>``: the test id names the version that recorded it."""
    return path.relative_to(HISTORIES).with_suffix("").as_posix()


@cache
def all_facts() -> tuple[Facts, ...]:
    return tuple(facts(read_history(p)) for p in SAVED)


def refused() -> float:
    return sum(
        sample.value
        for metric in REGISTRY.collect()
        if metric.name == "followthrough_stale_activations_refused"
        for sample in metric.samples
        if sample.name.endswith("_total")
    )


@pytest.mark.parametrize("path", SAVED, ids=[label(p) for p in SAVED])
async def test_saved_history_replays_without_nondeterminism_through_the_workers_guard(
    path: Path,
) -> None:
    # Through the runner a worker uses (worker_runtime.StaleActivationGuard around the sandbox):
    # a guard that refused any activation of a recorded review would fail its next cold replay.
    before = refused()
    replayer = Replayer(
        workflows=WORKFLOWS,
        workflow_runner=StaleActivationGuard(workflow_runner()),
        data_converter=DATA_CONVERTER,
    )
    result = await replayer.replay_workflow(read_history(path), raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
    assert refused() == before


def test_every_history_sits_in_the_folder_of_the_version_that_recorded_it() -> None:
    versions = {p.relative_to(HISTORIES).parts[0] for p in SAVED}
    assert versions, "no saved histories"
    assert all(re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+|rc\d+)?", v) for v in versions), versions


def test_every_recorded_scenario_has_saved_histories() -> None:
    saved = {p.relative_to(HISTORIES).parts[1] for p in SAVED}
    missing = [s.name for s in SCENARIOS if s.name not in saved]
    assert missing == [], f"record them: python -m tests.workflows.record_histories {missing}"


def test_saved_histories_cover_every_workflow_and_its_continue_as_new() -> None:
    types = {f.workflow_type for f in all_facts()}
    continued = {f.workflow_type for f in all_facts() if f.continued_as_new}
    assert types == {w.__name__ for w in WORKFLOWS}
    assert continued >= {"PostmortemWorkflow", "ActionItemWorkflow"}


def test_saved_histories_carry_search_attribute_upserts_as_production_does() -> None:
    assert any(f.upserts and f.workflow_type == "PostmortemWorkflow" for f in all_facts())


def test_saved_histories_cover_every_signal_and_update_of_the_workflows() -> None:
    received = {name for f in all_facts() for name in f.signals | f.updates}
    # The SDK's own reading of a workflow class (what the worker registers).
    definitions = [workflow._Definition.must_from_class(w) for w in WORKFLOWS]
    declared = {name for d in definitions for name in [*d.signals, *d.updates]}
    assert declared - {None}, "no handlers found"
    assert declared <= received, sorted(n for n in declared - received if n)


def test_saved_histories_cover_every_activity_the_workflows_call() -> None:
    """A new activity (a new path, such as the review store's) comes with a recorded history."""
    called = {
        value for name, value in vars(calls).items() if name.isupper() and isinstance(value, str)
    }
    recorded = {a for f in all_facts() for a in f.activities}
    assert called, "no activity names found"
    assert called <= recorded, sorted(called - recorded)


def test_every_patch_of_the_workflows_has_a_saved_history_on_its_new_path() -> None:
    """Each ``workflow.patched`` id (a ``*_PATCH`` constant of a workflow module) is recorded in
    some saved history, so the new path replays as well as the old one."""
    ids = {
        str(value)
        for module in (postmortem, action_item, digest)
        for name, value in vars(module).items()
        if name.endswith("_PATCH")
    }
    recorded = {patch for p in SAVED for patch in patches(read_history(p))}
    assert ids, "no patch constants found"
    assert ids <= recorded, sorted(ids - recorded)


def followthrough_upserts(history: WorkflowHistory) -> list[dict[str, bytes]]:
    """The values of each upsert of Followthrough's own search attributes, in order."""
    upserts = []
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
            fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes
            ours = {k: v.data for k, v in fields.indexed_fields.items() if k in OUR_ATTRIBUTES}
            if ours:
                upserts.append(ours)
    return upserts


def upserts_by_patch() -> dict[bool, list[list[dict[str, bytes]]]]:
    """Upsert sequences of the saved review histories, split by whether the patch
    ``search-attributes-on-change`` was on in that run."""
    split: dict[bool, list[list[dict[str, bytes]]]] = {True: [], False: []}
    for path in SAVED:
        history = read_history(path)
        upserts = followthrough_upserts(history)
        if upserts or postmortem.SEARCH_ATTRIBUTES_ON_CHANGE_PATCH in patches(history):
            split[postmortem.SEARCH_ATTRIBUTES_ON_CHANGE_PATCH in patches(history)].append(upserts)
    return split


def test_reviews_recorded_since_the_patch_upsert_search_attributes_only_when_one_changes() -> None:
    patched = upserts_by_patch()[True]
    assert patched, "record: python -m tests.workflows.record_histories search-attributes-on-change"
    for upserts in patched:
        assert all(a != b for a, b in itertools.pairwise(upserts)), upserts


def test_reviews_recorded_before_the_patch_upserted_on_every_wake_up_and_still_replay() -> None:
    # The old path (an upsert per loop iteration, repeated values) is what running reviews
    # hold; the replay test above keeps them replaying with the patch in the code.
    unpatched = upserts_by_patch()[False]
    assert any(a == b for upserts in unpatched for a, b in itertools.pairwise(upserts))
