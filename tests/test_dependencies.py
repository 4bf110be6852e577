"""What the running code imports is installed by ``pip install .`` alone.

The README's first command installs the project without its test extras; a module that imports a
library only a test dependency brings in works under pytest and fails at start-up on a fresh
machine (``httpx`` did, for the sign-in client). This reads every import of the rooms and
``worker.py`` and checks that its distribution is a declared dependency or one of theirs.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
RUNNING = ["workflows", "activities", "connectors", "api", "followthrough"]
OURS = {*RUNNING, "worker", "tests", "benchmarks"}


def _name(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def installed_by_the_project() -> set[str]:
    """The declared dependencies and, transitively, theirs (without extras)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    todo = [Requirement(r).name for r in pyproject["project"]["dependencies"]]
    seen: set[str] = set()
    while todo:
        dist = _name(todo.pop())
        if dist in seen:
            continue
        seen.add(dist)
        try:
            reqs = requires(dist) or []
        except PackageNotFoundError:
            continue
        for line in reqs:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_every_library_the_running_code_imports_is_installed_with_the_project() -> None:
    files = [p for room in RUNNING for p in (ROOT / room).rglob("*.py")] + [ROOT / "worker.py"]
    imported = set().union(*(top_level_imports(p) for p in files))
    providers = packages_distributions()
    allowed = installed_by_the_project()
    missing = {
        f"{module} (from {', '.join(sorted(providers[module]))})"
        for module in imported - OURS - set(sys.stdlib_module_names)
        if module in providers and not {_name(d) for d in providers[module]} & allowed
    }
    assert not missing, f"imported but not installed by `pip install .`: {sorted(missing)}"
