"""The rules evaluation corpus keeps its own promises (see tests/rules/corpus/README.md).

These tests check the data, not the checks: sizes, hard-case minimums per family and split, the
id-based split, unique texts, cited sources, and that no excluded evaluation collection leaks in.
"""

from __future__ import annotations

import base64
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.rules.corpus_loader import (
    BLAME_NEGATIVE,
    BLAME_POSITIVE,
    CORPUS_DIR,
    FAMILIES,
    LAST_BATCH,
    SPLIT_BATCHES,
    SPLITS,
    SYMPTOM_NEGATIVE,
    SYMPTOM_POSITIVE,
    VAGUE_NEGATIVE,
    VAGUE_POSITIVE,
    ActionItemCase,
    BlameCase,
    Corpus,
    CorpusError,
    ProseCase,
    RootCauseCase,
    load_split,
    read_cases,
    split_for,
)

MIN_HARD_PER_FAMILY_PER_SPLIT = 10

#: Strings that would reveal an excluded collection, base64-encoded so this file does not name them.
_EXCLUDED = [
    base64.b64decode(item).decode()
    for item in (
        "bXliaW5kZXI=",
        "UG9zdEhvZy9wb3N0LW1vcnRlbXM=",
        "a3ViZXJuZXRlcy90ZXN0LWluZnJh",
        "Mmky",
        "U2hha2VzcGVhcmU=",
        "c3JlLmdvb2dsZQ==",
        "MjAxNy0wMS0zMQ==",
        "UzMgdGVhbQ==",
        "bWVzc2FnZS80MTkyNg==",
        "SG9tZWJyZXc=",
    )
]

_GITHUB_AT_COMMIT = re.compile(r"^https://github\.com/[\w.-]+/[\w.-]+/blob/[0-9a-f]{40}/\S+$")

Case = BlameCase | ActionItemCase | RootCauseCase


@pytest.fixture(scope="module")
def corpus() -> dict[str, Corpus]:
    return {split: load_split(split) for split in SPLITS}


def _labelled(part: Corpus) -> list[Case]:
    return [*part.blame, *part.action_items, *part.root_causes]


def _every_case(corpus: dict[str, Corpus]) -> list[tuple[str, Case | ProseCase]]:
    return [
        (split, case) for split, part in corpus.items() for case in (*_labelled(part), *part.prose)
    ]


def _main_text(case: Case | ProseCase) -> str:
    if isinstance(case, ActionItemCase):
        return f"{case.title} || {case.done_when}"
    if isinstance(case, RootCauseCase):
        return case.statement
    return case.text


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def test_ids_are_unique_across_both_splits(corpus: dict[str, Corpus]) -> None:
    ids = Counter(case.id for _, case in _every_case(corpus))
    assert [case_id for case_id, n in ids.items() if n > 1] == []


def test_every_line_sits_in_the_split_its_id_assigns(corpus: dict[str, Corpus]) -> None:
    misplaced = [case.id for split, case in _every_case(corpus) if split_for(case.id) != split]
    assert misplaced == []


def test_no_text_appears_twice_in_the_corpus(corpus: dict[str, Corpus]) -> None:
    texts = Counter(_norm(_main_text(case)) for _, case in _every_case(corpus))
    assert [text for text, n in texts.items() if n > 1] == []


def test_the_split_gives_about_55_percent_to_dev(corpus: dict[str, Corpus]) -> None:
    # Over the batches that are split (1, 2 and 7); batches 3 to 6 go to dev only by design.
    def count(part: Corpus) -> int:
        return sum(case.batch in SPLIT_BATCHES for case in (*_labelled(part), *part.prose))

    dev, test = count(corpus["dev"]), count(corpus["test"])
    assert 0.50 <= dev / (dev + test) <= 0.60


#: Batch 8 quotes real post-mortems at their own rate of blame (README "Batches"), so the issue's
#: label share is kept by the batches written or selected for it.
_SOURCE_RATE_BATCHES = frozenset({8})


def test_blame_file_has_700_sentences_and_40_percent_blaming(corpus: dict[str, Corpus]) -> None:
    cases = [case for part in corpus.values() for case in part.blame]
    assert len(cases) >= 700
    shared = [case for case in cases if case.batch not in _SOURCE_RATE_BATCHES]
    assert sum(case.label == "blame" for case in shared) / len(shared) >= 0.40


def test_batch_eight_is_quoted_and_in_dev_only(corpus: dict[str, Corpus]) -> None:
    eighth = {
        split: [case for case in _labelled(part) if case.batch == 8]
        for split, part in corpus.items()
    }
    assert len(eighth["dev"]) >= 250 and eighth["test"] == []
    assert all(case.verbatim for case in eighth["dev"])


def test_action_items_file_has_300_items_about_half_vague(corpus: dict[str, Corpus]) -> None:
    cases = [case for part in corpus.values() for case in part.action_items]
    assert len(cases) >= 300
    assert 0.40 <= sum(case.label == "vague" for case in cases) / len(cases) <= 0.60


def test_root_causes_file_has_200_statements_about_half_symptoms(
    corpus: dict[str, Corpus],
) -> None:
    cases = [case for part in corpus.values() for case in part.root_causes]
    assert len(cases) >= 200
    assert 0.40 <= sum(case.label == "symptom" for case in cases) / len(cases) <= 0.60


def test_prose_file_has_500_real_sentences(corpus: dict[str, Corpus]) -> None:
    assert sum(len(part.prose) for part in corpus.values()) >= 500


@pytest.mark.parametrize(
    ("file", "family"),
    sorted((name, family) for name, (pos, neg) in FAMILIES.items() for family in pos | neg),
)
@pytest.mark.parametrize("split", SPLITS)
def test_every_family_has_ten_hard_cases_in_each_split(
    corpus: dict[str, Corpus], file: str, family: str, split: str
) -> None:
    part = corpus[split]
    by_file: dict[str, list[Case]] = {
        "blame.jsonl": list(part.blame),
        "action_items.jsonl": list(part.action_items),
        "root_causes.jsonl": list(part.root_causes),
    }
    cases = by_file[file]
    hard = sum(case.family == family and case.hard for case in cases)
    assert hard >= MIN_HARD_PER_FAMILY_PER_SPLIT


def test_families_are_the_issues_lists_plus_malicious_actor() -> None:
    assert len(BLAME_POSITIVE) == 6 and len(BLAME_NEGATIVE) == 11
    assert "malicious_actor" in BLAME_NEGATIVE
    assert len(VAGUE_POSITIVE) == 7 and len(VAGUE_NEGATIVE) == 4
    assert len(SYMPTOM_POSITIVE) == 4 and len(SYMPTOM_NEGATIVE) == 7


def test_at_least_a_third_of_labelled_lines_are_verbatim(corpus: dict[str, Corpus]) -> None:
    # Over the whole corpus, every batch counted, the written dev-only ones included.
    cases = [case for part in corpus.values() for case in _labelled(part)]
    assert sum(case.verbatim for case in cases) / len(cases) >= 1 / 3


def test_every_quoted_line_cites_a_file_at_a_commit(corpus: dict[str, Corpus]) -> None:
    sources = {case.source for _, case in _every_case(corpus) if case.source != "written"}
    assert [source for source in sources if not _GITHUB_AT_COMMIT.match(source)] == []


def test_no_corpus_file_probe_or_benchmark_names_an_excluded_collection() -> None:
    # Probes are tuned and trained on after their clean score, so they keep out the excluded
    # collections too, retellings included (the AWS summary and Homebrew's disclosures).
    folders = [CORPUS_DIR, CORPUS_DIR.parent / "probes", CORPUS_DIR.parents[2] / "benchmarks"]
    paths = [path for folder in folders if folder.exists() for path in folder.rglob("*")]
    hits = [
        (path.name, needle)
        for path in paths
        if path.is_file()
        for needle in _EXCLUDED
        if needle.casefold() in path.read_text(encoding="utf-8", errors="replace").casefold()
    ]
    assert hits == []


def test_loader_names_the_file_and_line_of_a_bad_line(tmp_path: Path) -> None:
    good = {
        "id": "blame-credit-n001",
        "text": "Thanks to Ana for the rollback.",
        "responders": ["Ana"],
        "label": "ok",
        "family": "credit",
        "hard": False,
        "source": "written",
    }
    path = tmp_path / "blame.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, "label": "blame"}) + "\n")
    with pytest.raises(CorpusError, match=r"(?s)blame\.jsonl:2: .*implies label 'ok'"):
        read_cases(path, BlameCase)


def test_loader_rejects_an_id_that_disagrees_with_the_hard_flag(tmp_path: Path) -> None:
    line = {
        "id": "item-plain_concrete-h001",
        "title": "Set statement_timeout to 30s on the reporting role",
        "done_when": "SHOW statement_timeout returns 30s",
        "label": "ok",
        "family": "plain_concrete",
        "hard": False,
        "source": "written",
    }
    path = tmp_path / "action_items.jsonl"
    path.write_text(json.dumps(line) + "\n")
    with pytest.raises(CorpusError, match="disagrees with hard=False"):
        read_cases(path, ActionItemCase)


def test_split_for_gives_11_of_every_20_ordinals_to_dev() -> None:
    splits = [split_for(f"cause-tool_gap-h{n:03d}") for n in range(1, 41)]
    assert splits.count("dev") == 22
    assert splits[0] == "dev"


def _stratum(case_id: str) -> tuple[str, int]:
    stem, ordinal = re.match(r"^(.*?)(\d+)$", case_id).groups()  # type: ignore[union-attr]
    return stem, int(ordinal)


def test_each_batch_continues_the_ordinals_of_the_earlier_batches_in_every_stratum(
    corpus: dict[str, Corpus],
) -> None:
    last: dict[tuple[str, int], int] = {}
    first: dict[tuple[str, int], int] = {}
    for _, case in _every_case(corpus):
        stem, ordinal = _stratum(case.id)
        last[(stem, case.batch)] = max(last.get((stem, case.batch), 0), ordinal)
        first[(stem, case.batch)] = min(first.get((stem, case.batch), ordinal), ordinal)
    overlapping = [
        (stem, batch)
        for (stem, batch), lowest in first.items()
        for earlier in range(1, batch)
        if lowest <= last.get((stem, earlier), 0)
    ]
    assert overlapping == []


def test_batches_three_to_six_sit_in_dev_only(corpus: dict[str, Corpus]) -> None:
    test = corpus["test"]
    assert [
        case.id for case in (*_labelled(test), *test.prose) if case.batch not in SPLIT_BATCHES
    ] == []
    dev = _labelled(corpus["dev"])
    sizes = {batch: sum(case.batch == batch for case in dev) for batch in (3, 4, 5, 6)}
    assert sizes[3] >= 150 and sizes[4] >= 150 and sizes[5] >= 90 and sizes[6] >= 25


def test_batch_seven_is_quoted_and_split_over_both_parts(corpus: dict[str, Corpus]) -> None:
    seventh = {
        split: [case for case in _labelled(part) if case.batch == 7]
        for split, part in corpus.items()
    }
    assert len(seventh["dev"]) >= 100 and len(seventh["test"]) >= 100
    assert all(case.verbatim for cases in seventh.values() for case in cases)


@pytest.mark.parametrize(
    ("file", "family"),
    sorted((name, family) for name, (pos, neg) in FAMILIES.items() for family in pos | neg),
)
@pytest.mark.parametrize("split", SPLITS)
def test_batch_two_has_every_family_in_each_split(
    corpus: dict[str, Corpus], file: str, family: str, split: str
) -> None:
    part = corpus[split]
    by_file: dict[str, list[Case]] = {
        "blame.jsonl": list(part.blame),
        "action_items.jsonl": list(part.action_items),
        "root_causes.jsonl": list(part.root_causes),
    }
    second = [case for case in by_file[file] if case.batch == 2 and case.family == family]
    assert len(second) >= 5


def test_batch_two_keeps_the_label_shares_of_the_issue(corpus: dict[str, Corpus]) -> None:
    def share(cases: Sequence[Case], label: str) -> float:
        return sum(case.label == label for case in cases) / len(cases)

    second = [case for part in corpus.values() for case in _labelled(part) if case.batch == 2]
    blame = [case for case in second if isinstance(case, BlameCase)]
    items = [case for case in second if isinstance(case, ActionItemCase)]
    causes = [case for case in second if isinstance(case, RootCauseCase)]
    assert len(blame) >= 380 and share(blame, "blame") >= 0.40
    assert len(items) >= 190 and 0.40 <= share(items, "vague") <= 0.60
    assert len(causes) >= 150 and 0.40 <= share(causes, "symptom") <= 0.60


def test_batch_two_has_240_real_prose_sentences(corpus: dict[str, Corpus]) -> None:
    assert sum(case.batch == 2 for part in corpus.values() for case in part.prose) >= 240


def test_load_split_keeps_only_the_batch_asked_for() -> None:
    second = load_split("dev", batch=2)
    cases = [*_labelled(second), *second.prose]
    assert cases and {case.batch for case in cases} == {2}


def test_load_split_rejects_an_unknown_batch() -> None:
    with pytest.raises(CorpusError, match="unknown batch"):
        load_split("dev", batch=LAST_BATCH + 1)


def test_loader_rejects_a_batch_out_of_range(tmp_path: Path) -> None:
    line = {
        "id": "prose-ok-001",
        "text": "The restore finished at 04:10.",
        "label": "ok",
        "source": "https://github.com/o/r/blob/" + "0" * 40 + "/x.md",
        "batch": 0,
    }
    path = tmp_path / "prose.jsonl"
    path.write_text(json.dumps(line) + "\n")
    with pytest.raises(CorpusError, match=r"(?s)prose\.jsonl:1: .*batch"):
        read_cases(path, ProseCase)


def test_no_corpus_id_carries_a_probe_prefix(corpus: dict[str, Corpus]) -> None:
    assert [case.id for _, case in _every_case(corpus) if case.id.startswith("probe")] == []


def test_a_probe_batch_after_the_first_names_itself_in_every_id() -> None:
    probes = Path(__file__).parent / "probes"
    for path in sorted(probes.glob("blame_*.jsonl")):
        batch = path.stem.removeprefix("blame_")
        if batch == "1":
            continue  # written before probe ids had a prefix
        ids = [case.id for case in read_cases(path, BlameCase)]
        assert ids and all(case_id.startswith(f"probe{batch}-blame-") for case_id in ids), path
