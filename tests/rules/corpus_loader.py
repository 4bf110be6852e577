"""Typed loader for the rules evaluation corpus (``tests/rules/corpus/``).

The corpus is data, not code: four JSON Lines files per split (``dev``, ``test``), one labelled
case per line. This module reads one split, validates every line with pydantic and says which
file and line is wrong when one is. ``benchmarks/lint_quality.py`` reads the ``test`` split
through it; the checks themselves are tuned on ``dev`` only (see ``corpus/README.md``).

The split is a property of the id, so it never changes once a line is written: an id is
``<kind>-<family>-<h|n><NNN>`` (``h`` for a hard case), and within each stratum (kind, family,
hard) the ``NNN``-th line goes to ``dev`` when ``floor((11 * NNN + 9) / 20)`` steps up from
``floor((11 * (NNN - 1) + 9) / 20)``: 11 of every 20 lines (55 %) go to ``dev``, the first of each
stratum among them, and every stratum is spread evenly over both splits. Prose ids are ``prose-<label>-<NNN>``, stratified by label.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Split = Literal["dev", "test"]

CORPUS_DIR = Path(__file__).parent / "corpus"
SPLITS: tuple[Split, ...] = ("dev", "test")
FILES = ("blame.jsonl", "action_items.jsonl", "root_causes.jsonl", "prose.jsonl")

#: Longest text a case may hold; the lint endpoint refuses more than 10,000 characters.
MAX_TEXT = 2_000
#: Batches of the corpus (README, "Batches"): 1 is the first corpus, 2 the second, independent one,
#: 3 to 6 dev-only ones (4 partly and 6 wholly quoted) to measure generalisation before tuning on them,
#: 7 a wholly quoted one split over dev and test like 1 and 2, 8 a wholly quoted dev-only one.
LAST_BATCH = 8
#: Batches split over dev and test by ``split_for``; the others (3 to 6 and 8) sit in dev only.
SPLIT_BATCHES: frozenset[int] = frozenset({1, 2, 7})

#: Longest file the loader reads, so a runaway write fails loudly instead of eating memory.
MAX_FILE_BYTES = 5_000_000

BlamePositive = Literal[
    "agent_name_or_role",
    "judgement_and_should_have",
    "counterfactual_person",
    "passive_human_agent",
    "human_error",
    "sarcasm_disclaimer_self_collective_insinuation",
]
BlameNegative = Literal[
    "facts_about_people",
    "credit",
    "decision_conditions",
    "should_plan_policy_expected",
    "counterfactual_system",
    "negation_quotation",
    "blameless_process",
    "technical_sense",
    "system_subject",
    "name_as_ordinary_word",
    "malicious_actor",
]
VaguePositive = Literal[
    "vague_change",
    "unmeasurable_or_restated_done_when",
    "discussion_only",
    "goal_without_action",
    "weasel_words",
    "investigate_without_step",
    "undefined_value",
]
VagueNegative = Literal[
    "trigger_word_with_concrete_change",
    "quoted_status_name",
    "required_status_check",
    "plain_concrete",
]
SymptomPositive = Literal["observable_effect", "restates_symptom", "proximate_trigger", "person"]
SymptomNegative = Literal[
    "process_gap",
    "tool_gap",
    "test_gap",
    "limit_gap",
    "documentation_gap",
    "role_gap",
    "environment_gap",
]

BLAME_POSITIVE: frozenset[str] = frozenset(get_args(BlamePositive))
BLAME_NEGATIVE: frozenset[str] = frozenset(get_args(BlameNegative))
VAGUE_POSITIVE: frozenset[str] = frozenset(get_args(VaguePositive))
VAGUE_NEGATIVE: frozenset[str] = frozenset(get_args(VagueNegative))
SYMPTOM_POSITIVE: frozenset[str] = frozenset(get_args(SymptomPositive))
SYMPTOM_NEGATIVE: frozenset[str] = frozenset(get_args(SymptomNegative))

#: Families per file, positive first: the label a family implies is fixed.
FAMILIES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "blame.jsonl": (BLAME_POSITIVE, BLAME_NEGATIVE),
    "action_items.jsonl": (VAGUE_POSITIVE, VAGUE_NEGATIVE),
    "root_causes.jsonl": (SYMPTOM_POSITIVE, SYMPTOM_NEGATIVE),
}

#: A probe batch's ids (``tests/rules/probes/``) may start with ``probe<N>-``, so that a probe line
#: is never taken for a corpus line of the same stratum; corpus ids never do (``test_corpus``).
_CASE_ID = re.compile(r"^(?:probe\d+-)?(blame|item|cause)-([a-z_]+)-([hn])(\d{3,4})$")
_PROSE_ID = re.compile(r"^prose-(blame|ok)-(\d{3,4})$")

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Source = Annotated[
    str,
    Field(
        min_length=1,
        max_length=500,
        description='URL of the public post-mortem the text is quoted from, or "written".',
    ),
]
Note = Annotated[str, Field(max_length=400, description="Why the label, when it is not obvious.")]
Batch = Annotated[
    int,
    Field(
        ge=1,
        le=LAST_BATCH,
        description="Which independent batch of writing and quoting the line came from (1 if absent).",
    ),
]


class CorpusError(ValueError):
    """A corpus line that does not parse or validate; the message names the file and line."""


class _Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Stable id; encodes kind, family, hardness and the split.")
    hard: bool = Field(description="Ordinary text where trigger words mislead (see README).")
    source: Source
    note: Note | None = None
    batch: Batch = 1

    @property
    def verbatim(self) -> bool:
        """True when the text is quoted from a public post-mortem rather than written."""
        return self.source != "written"

    def _check_id(self, kind: str, family: str) -> None:
        match = _CASE_ID.match(self.id)
        if match is None:
            raise ValueError(f"id {self.id!r} is not <kind>-<family>-<h|n><NNN>")
        if match.group(1) != kind:
            raise ValueError(f"id {self.id!r} does not start with {kind!r}")
        if match.group(2) != family:
            raise ValueError(f"id {self.id!r} does not name its family {family!r}")
        if (match.group(3) == "h") != self.hard:
            raise ValueError(f"id {self.id!r} disagrees with hard={self.hard}")


class BlameCase(_Case):
    """A sentence a facilitator might write, labelled blame or ok."""

    text: Text = Field(description="The sentence as the linter would receive it.")
    responders: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=20, description="Names of the incident's responders."
    )
    label: Literal["blame", "ok"]
    family: BlamePositive | BlameNegative

    @model_validator(mode="after")
    def _consistent(self) -> BlameCase:
        self._check_id("blame", self.family)
        expected = "blame" if self.family in BLAME_POSITIVE else "ok"
        if self.label != expected:
            raise ValueError(f"family {self.family!r} implies label {expected!r}")
        return self


class ActionItemCase(_Case):
    """An action item (title and done-when), labelled vague or ok."""

    title: Text
    done_when: Annotated[str, Field(max_length=MAX_TEXT)] = Field(
        description='The done-when criterion; "" when the source gave none.'
    )
    label: Literal["vague", "ok"]
    family: VaguePositive | VagueNegative

    @model_validator(mode="after")
    def _consistent(self) -> ActionItemCase:
        self._check_id("item", self.family)
        expected = "vague" if self.family in VAGUE_POSITIVE else "ok"
        if self.label != expected:
            raise ValueError(f"family {self.family!r} implies label {expected!r}")
        return self


class RootCauseCase(_Case):
    """A root-cause statement with the symptom it explains, labelled symptom or ok."""

    statement: Text
    symptom: Text
    label: Literal["symptom", "ok"]
    family: SymptomPositive | SymptomNegative

    @model_validator(mode="after")
    def _consistent(self) -> RootCauseCase:
        self._check_id("cause", self.family)
        expected = "symptom" if self.family in SYMPTOM_POSITIVE else "ok"
        if self.label != expected:
            raise ValueError(f"family {self.family!r} implies label {expected!r}")
        return self


class ProseCase(BaseModel):
    """A real post-mortem sentence, verbatim, for the false-alarm rate of the blame check."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: Text
    label: Literal["blame", "ok"]
    source: Source
    note: Note | None = None
    batch: Batch = 1

    @model_validator(mode="after")
    def _consistent(self) -> ProseCase:
        match = _PROSE_ID.match(self.id)
        if match is None or match.group(1) != self.label:
            raise ValueError(f"id {self.id!r} is not prose-{self.label}-<NNN>")
        if self.source == "written":
            raise ValueError("prose is quoted from public post-mortems, never written")
        return self


class Corpus(BaseModel):
    """One split of the corpus."""

    model_config = ConfigDict(frozen=True)

    split: Split
    blame: list[BlameCase]
    action_items: list[ActionItemCase]
    root_causes: list[RootCauseCase]
    prose: list[ProseCase]


def split_for(case_id: str) -> Split:
    """The split a case belongs to, from its id alone (module docstring: 55 % dev per stratum)."""
    match = _CASE_ID.match(case_id) or _PROSE_ID.match(case_id)
    if match is None:
        raise CorpusError(f"id {case_id!r} has no stratum ordinal")
    ordinal = int(match.groups()[-1])
    if ordinal < 1:
        raise CorpusError(f"id {case_id!r}: ordinals start at 1")
    return "dev" if (11 * ordinal + 9) // 20 > (11 * (ordinal - 1) + 9) // 20 else "test"


Model = TypeVar("Model", bound=BaseModel)


def read_cases(path: Path, model: type[Model]) -> list[Model]:
    """Every line of one JSON Lines file as ``model``; a bad line raises :class:`CorpusError`."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise CorpusError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
    cases: list[Model] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                raise CorpusError(f"{path}:{number}: empty line")
            try:
                cases.append(model.model_validate(json.loads(line)))
            except (json.JSONDecodeError, ValidationError) as error:
                raise CorpusError(f"{path}:{number}: {error}") from error
    return cases


def load_split(split: Split, root: Path = CORPUS_DIR, batch: int | None = None) -> Corpus:
    """Read and validate one split. Missing files count as empty.

    ``batch`` keeps only the lines of that batch (default ``None``: every line), so a rule tuned on
    batch 1 can be measured on batch 2 before anyone tunes on it.
    """
    if split not in SPLITS:
        raise CorpusError(f"unknown split {split!r}; expected one of {SPLITS}")
    if batch is not None and not 1 <= batch <= LAST_BATCH:
        raise CorpusError(f"unknown batch {batch!r}; expected 1 to {LAST_BATCH}")
    folder = root / split

    def read(name: str, model: type[Model]) -> list[Model]:
        path = folder / name
        cases = read_cases(path, model) if path.exists() else []
        return [case for case in cases if batch is None or getattr(case, "batch", 1) == batch]

    return Corpus(
        split=split,
        blame=read("blame.jsonl", BlameCase),
        action_items=read("action_items.jsonl", ActionItemCase),
        root_causes=read("root_causes.jsonl", RootCauseCase),
        prose=read("prose.jsonl", ProseCase),
    )


def counts_markdown(root: Path = CORPUS_DIR, batch: int | None = None) -> str:
    """Markdown tables of the corpus counts (per file, label, family and split), for the README;
    ``batch`` counts one batch only (default every line)."""
    parts = {split: load_split(split, root, batch) for split in SPLITS}
    lines = [
        "| File | Label | dev | test | total |",
        "|---|---|---|---|---|",
    ]
    files: list[tuple[str, str, tuple[str, str]]] = [
        ("blame.jsonl", "blame", ("blame", "ok")),
        ("action_items.jsonl", "action_items", ("vague", "ok")),
        ("root_causes.jsonl", "root_causes", ("symptom", "ok")),
        ("prose.jsonl", "prose", ("blame", "ok")),
    ]
    for name, attr, labels in files:
        for label in labels:
            row = [
                sum(case.label == label for case in getattr(parts[split], attr)) for split in SPLITS
            ]
            lines.append(f"| {name} | {label} | {row[0]} | {row[1]} | {sum(row)} |")
    lines += [
        "",
        "| File | Family | Label | dev (hard) | test (hard) | total | verbatim |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, attr, labels in files[:3]:
        positive, negative = FAMILIES[name]
        for family in [*sorted(positive), *sorted(negative)]:
            label = labels[0] if family in positive else "ok"
            cells = []
            total = verbatim = 0
            for split in SPLITS:
                cases = [c for c in getattr(parts[split], attr) if c.family == family]
                cells.append(f"{len(cases)} ({sum(c.hard for c in cases)})")
                total += len(cases)
                verbatim += sum(c.verbatim for c in cases)
            lines.append(
                f"| {name} | {family} | {label} | {cells[0]} | {cells[1]} | {total} | {verbatim} |"
            )
    labelled = [
        case
        for part in parts.values()
        for case in (*part.blame, *part.action_items, *part.root_causes)
    ]
    verbatim_total = sum(case.verbatim for case in labelled)
    prose_total = sum(len(part.prose) for part in parts.values())
    lines += [
        "",
        f"Labelled lines: {len(labelled)}, of which verbatim: {verbatim_total} "
        f"({verbatim_total / len(labelled):.0%}); prose sentences (all verbatim): {prose_total}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(counts_markdown())
    for number in range(1, LAST_BATCH + 1):
        print(f"\n### Batch {number}\n")
        print(counts_markdown(batch=number))
