"""Each room says what it holds and what it offers: its ``__init__`` lists every module (and
nothing else it does not define), every module declares ``__all__``, and code in the rooms
imports from another module only what that module offers. The room table is DESIGN.md's."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ["workflows", "activities", "connectors", "api", "followthrough"]
PACKAGES = [*ROOMS, "api.pages"]


def modules_of(package: str) -> set[str]:
    folder = ROOT.joinpath(*package.split("."))
    return {
        p.stem if p.is_file() else p.name
        for p in folder.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()
    }


def every_module() -> list[str]:
    found = ["worker"]
    for room in ROOMS:
        for path in sorted(ROOT.joinpath(room).rglob("*.py")):
            # Alembic loads migration scripts itself (they only run inside a migration).
            if path.name == "__init__.py" or "migrations" in path.parts:
                continue
            found.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


def defined_in(source: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_a_room_lists_every_module_it_holds(package: str) -> None:
    offered = set(importlib.import_module(package).__all__)
    init = ROOT.joinpath(*package.split("."), "__init__.py")
    assert offered - defined_in(init) == modules_of(package)


@pytest.mark.parametrize("package", PACKAGES)
def test_a_star_import_of_a_room_gives_exactly_what_it_offers(package: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from {package} import *", namespace)  # noqa: S102 - our own package, fixed names
    namespace.pop("__builtins__")
    assert set(namespace) == set(importlib.import_module(package).__all__)


@pytest.mark.parametrize("name", every_module())
def test_every_module_declares_what_it_offers(name: str) -> None:
    module = importlib.import_module(name)
    offered = getattr(module, "__all__", None)
    assert offered is not None, f"{name} has no __all__"
    assert [n for n in offered if not hasattr(module, n)] == []


def test_the_rooms_import_from_our_modules_only_what_they_offer() -> None:
    sources = [ROOT / "worker.py"] + [
        p for room in ROOMS for p in ROOT.joinpath(room).rglob("*.py")
    ]
    ours = set(every_module()) | set(PACKAGES)
    wrong: list[str] = []
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.module not in ours:
                continue
            offered = set(importlib.import_module(node.module).__all__)
            for alias in node.names:
                if alias.name not in offered:
                    wrong.append(f"{source.relative_to(ROOT)}: {node.module}.{alias.name}")
    assert wrong == []


#: What each room may import of ours (and temporalio), from DESIGN.md's room table.
MAY_IMPORT = {
    "workflows": {"workflows", "temporalio"},
    "activities": {"activities", "workflows", "connectors", "temporalio"},
    "connectors": {"connectors"},
    "api": {"api", "workflows", "connectors", "followthrough", "temporalio"},
}


@pytest.mark.parametrize("room", sorted(MAY_IMPORT))
def test_imports_point_one_way(room: str) -> None:
    guarded = {*ROOMS, "worker", "temporalio"}
    wrong: list[str] = []
    for source in ROOT.joinpath(room).rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                top = name.split(".")[0]
                if top in guarded and top not in MAY_IMPORT[room]:
                    wrong.append(f"{source.relative_to(ROOT)} imports {name}")
    assert wrong == []
