"""The worker's sandbox passes the pure ``workflows`` package through (worker.PASSTHROUGH_PACKAGES):
imported once per process, not once per run, and held to what makes that safe."""

from __future__ import annotations

import ast
import sys
import uuid
from pathlib import Path

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

import workflows.postmortem
from tests.support.per_run_probe import ClockProbe, ModuleProbe
from worker import PASSTHROUGH_PACKAGES, workflow_runner

ROOT = Path(__file__).resolve().parents[1]
#: What a passed-through package may import besides the standard library.
ALLOWED_PACKAGES = {"pydantic", "temporalio", "workflows"}
#: Standard-library modules with clocks, randomness, processes, threads or I/O.
FORBIDDEN_MODULES = {
    "os",
    "pathlib",
    "random",
    "secrets",
    "socket",
    "subprocess",
    "threading",
    "time",
    "urllib",
    "uuid",
}
#: Calls that read the wall clock or open files, by the name they are called through.
FORBIDDEN_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("", "open")}


def _sources() -> list[Path]:
    return sorted(p for package in PASSTHROUGH_PACKAGES for p in (ROOT / package).rglob("*.py"))


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names - {"__future__"}


def _call_name(node: ast.Call) -> tuple[str, str]:
    func = node.func
    if isinstance(func, ast.Name):
        return "", func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id, func.attr
    return "?", "?"


def test_the_passed_through_packages_import_only_the_standard_library_pydantic_and_temporalio() -> (
    None
):
    for source in _sources():
        imported = _imported(ast.parse(source.read_text(encoding="utf-8")))
        outside = imported - sys.stdlib_module_names - ALLOWED_PACKAGES
        assert not outside, f"{source.relative_to(ROOT)} imports {sorted(outside)}"
        forbidden = imported & FORBIDDEN_MODULES
        assert not forbidden, f"{source.relative_to(ROOT)} imports {sorted(forbidden)}"


def test_the_passed_through_packages_never_read_the_clock_or_open_a_file() -> None:
    for source in _sources():
        tree = ast.parse(source.read_text(encoding="utf-8"))
        calls = {_call_name(n) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        found = calls & FORBIDDEN_CALLS
        assert not found, f"{source.relative_to(ROOT)} calls {sorted(found)}"


async def test_a_run_gets_the_workflow_module_the_process_imported(
    time_env: WorkflowEnvironment,
) -> None:
    queue = f"per-run-{uuid.uuid4()}"
    async with Worker(
        time_env.client,
        task_queue=queue,
        workflows=[ModuleProbe],
        workflow_runner=workflow_runner(),
    ):
        seen = [
            await time_env.client.execute_workflow(
                ModuleProbe.run, id=f"{queue}-{n}", task_queue=queue
            )
            for n in range(2)
        ]
    assert seen == [id(workflows.postmortem)] * 2


async def test_the_sandbox_still_refuses_the_wall_clock_in_workflow_code(
    time_env: WorkflowEnvironment,
) -> None:
    queue = f"per-run-{uuid.uuid4()}"
    async with Worker(
        time_env.client, task_queue=queue, workflows=[ClockProbe], workflow_runner=workflow_runner()
    ):
        answer = await time_env.client.execute_workflow(
            ClockProbe.run, id=f"{queue}-clock", task_queue=queue
        )
    assert answer == "refused"
