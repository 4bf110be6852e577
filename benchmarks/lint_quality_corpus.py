"""The labelled corpus as the lint benchmark reads it: one :class:`Case` per line of
``tests/rules/corpus/<split>/``, through the corpus's own loader when it sits beside the corpus
(``tests/rules/corpus_loader.py``, which validates every line), else straight from the JSON Lines
files of another checkout (``--corpus`` or ``FOLLOWTHROUGH_LINT_CORPUS``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS_ENV = "FOLLOWTHROUGH_LINT_CORPUS"


@dataclass
class Case:
    """One labelled example, whatever the file it came from."""

    check: str  # blame | vague | symptom | prose
    text: str
    positive: bool
    family: str
    done_when: str | None = None
    symptom: str | None = None
    responders: list[str] = field(default_factory=list)
    source: str = ""
    hard: bool = False


def corpus_dir(option: str | None, split: str) -> Path:
    """``<root>/tests/rules/corpus/<split>`` for a repository root, or ``<corpus>/<split>``."""
    base = Path(option or os.environ.get(CORPUS_ENV) or ROOT)
    for candidate in (base / "tests" / "rules" / "corpus" / split, base / split):
        if candidate.is_dir():
            return candidate
    raise SystemExit(
        f"no corpus split {split!r} under {base} (looked for tests/rules/corpus/{split} and "
        f"{split}/); set --corpus or {CORPUS_ENV}"
    )


def _loader(folder: Path) -> ModuleType | None:
    """The corpus's own loader (``tests/rules/corpus_loader.py`` beside the corpus), if any."""
    path = folder.parent.parent / "corpus_loader.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("_lint_corpus_loader", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: not JSON: {exc}") from None
            if isinstance(row, dict):
                yield row


def _get(row: dict[str, Any], *names: str, default: Any = None) -> Any:
    for name in names:
        if name in row and row[name] is not None:
            return row[name]
    return default


_POSITIVE_WORDS = {"blame", "blaming", "vague", "symptom", "yes", "true", "positive", "1", "bad"}


def _label(row: dict[str, Any], *names: str) -> bool:
    value = _get(row, *names, "label", "positive", "flag", "expected")
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        return value.strip().casefold() in _POSITIVE_WORDS
    raise SystemExit(f"no label in corpus row {row!r}")


def _responders(row: dict[str, Any]) -> list[str]:
    value = _get(row, "responders", "names", default=[])
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _case(check: str, row: dict[str, Any]) -> Case:
    family = str(_get(row, "family", "category", default="(none)"))
    source = str(_get(row, "source", "url", default=""))
    if check == "vague":
        return Case(
            check,
            str(_get(row, "title", "text", default="")),
            _label(row, "vague", "is_vague"),
            family,
            done_when=_get(row, "done_when", "done"),
            responders=_responders(row),
            source=source,
        )
    if check == "symptom":
        return Case(
            check,
            str(_get(row, "statement", "root_cause", "text", default="")),
            _label(row, "is_symptom", "symptom_label"),
            family,
            symptom=_get(row, "symptom", "observed"),
            responders=_responders(row),
            source=source,
        )
    positive = False if check == "prose" else _label(row, "blame", "is_blame")
    if check == "prose" and any(k in row for k in ("label", "blame", "is_blame")):
        positive = _label(row, "blame", "is_blame")
    return Case(
        check,
        str(_get(row, "text", "sentence", default="")),
        positive,
        family,
        responders=_responders(row),
        source=source,
    )


FILES = {
    "blame": "blame.jsonl",
    "vague": "action_items.jsonl",
    "symptom": "root_causes.jsonl",
    "prose": "prose.jsonl",
}


def load(folder: Path, batch: int | None = None) -> list[Case]:
    """Every case of the split: through the corpus's own loader (``load_split``, which validates
    every line) when it sits beside the corpus, else straight from the JSON Lines files.
    ``batch`` keeps one batch only (a line without a ``batch`` field is batch 1); default all."""
    loader = _loader(folder)
    load_split = getattr(loader, "load_split", None) if loader is not None else None
    if callable(load_split):
        if batch is None:
            return _from_loader(load_split(folder.name, folder.parent))
        return _from_loader(load_split(folder.name, folder.parent, batch=batch))
    cases: list[Case] = []
    for check, name in FILES.items():
        cases.extend(
            _case(check, row)
            for row in _rows(folder / name)
            if batch is None or row.get("batch", 1) == batch
        )
    return cases


def _from_loader(corpus: Any) -> list[Case]:
    cases = [
        Case(
            "blame",
            c.text,
            c.label == "blame",
            c.family,
            responders=list(c.responders),
            source=c.source,
            hard=c.hard,
        )
        for c in corpus.blame
    ]
    # The corpus README: "a quoted action item keeps its title; the sources give no done-when, so
    # done_when is "" and the label judges the title alone". Some quoted lines carry their note in
    # done_when; the title alone is judged for them too, and the count is printed.
    cases += [
        Case(
            "vague",
            c.title,
            c.label == "vague",
            c.family,
            done_when=(c.done_when or None) if c.source == "written" else None,
            source=c.source,
            hard=c.hard,
        )
        for c in corpus.action_items
    ]
    ignored = sum(1 for c in corpus.action_items if c.source != "written" and c.done_when)
    if ignored:
        print(
            f"note: {ignored} quoted action items have a done_when, which the corpus README says "
            "they lack; their title alone is judged"
        )
    cases += [
        Case(
            "symptom",
            c.statement,
            c.label == "symptom",
            c.family,
            symptom=c.symptom,
            source=c.source,
            hard=c.hard,
        )
        for c in corpus.root_causes
    ]
    cases += [
        Case("prose", c.text, c.label == "blame", f"prose_{c.label}", source=c.source)
        for c in corpus.prose
    ]
    return cases
