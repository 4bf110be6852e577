"""One text as typed: the entry point the API, the command and the pages share."""

from __future__ import annotations

import builtins
import cProfile
import pstats
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.codes import Code
from workflows.rules import MAX_TEXT, lint, too_long

SYMPTOM = "Checkout returned HTTP 500 for 38% of requests"


def test_free_text_gets_blame_findings_only() -> None:
    findings = lint("Alice forgot to check. Look into retries.", ["Alice Example"])
    assert {f.kind for f in findings} == {"blame"}
    assert all(f.field is None for f in findings)


def test_an_action_item_gets_blame_and_vagueness_in_title_and_done_when() -> None:
    findings = lint(
        "Look into retries", ["Alice Example"], "action_item", done_when="Alice forgot nothing"
    )
    assert [(f.field, f.kind) for f in findings] == [
        ("title", "vague"),
        ("done_when", "blame"),
        ("done_when", "vague"),
    ]


def test_an_action_items_done_when_is_read_against_its_title() -> None:
    findings = lint("Harden the VPN config", [], "action_item", done_when="VPN hardened")
    assert [f.field for f in findings if f.kind == "vague"] == ["title", "done_when"]


def test_a_root_cause_gets_a_symptom_finding() -> None:
    (finding,) = lint("The payment system crashed", [], "root_cause", symptom=SYMPTOM)
    assert finding.kind == "symptom"


def test_a_root_cause_read_with_its_symptom_finds_the_restatement() -> None:
    (finding,) = lint("Checkout returned 500s", [], "root_cause", symptom=SYMPTOM)
    assert finding.code == Code.ROOT_CAUSE_RESTATES_SYMPTOM


def test_a_root_cause_that_blames_gets_the_blame_finding_not_a_second_one() -> None:
    findings = lint("The DBA forgot to check the replica", [], "root_cause", symptom=SYMPTOM)
    assert [f.kind for f in findings] == ["blame"]


def test_texts_over_the_limit_are_named_too_long() -> None:
    assert too_long("text", "x" * MAX_TEXT) is None
    message = too_long("done_when", "x" * (MAX_TEXT + 1))
    assert message is not None and "done_when" in message and "10,000" in message


def test_linting_reads_no_file_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the rules opened a file while checking a text")

    monkeypatch.setattr(builtins, "open", refuse)
    assert lint("Human error", ["Zed Example"])
    assert lint("Investigate the flaky test", ["Zed"], "action_item", "when it is fixed")
    assert lint("A bad deploy", ["Zed"], "root_cause", symptom=SYMPTOM)


# Dense trigger words of every check, the text an attacker would paste into a "went well" entry.
HOSTILE = (
    "Kudos to Alice for another outage, not blaming anyone but she forgot to check; should have "
    "known. If only they had waited: human error, careless, at fault. Look into and improve and "
    "investigate more reasonable numbers by monitoring \"quoted 'nested\" Oksana's migration "
    "dropped w/o review "
)


_RUN = iter(range(10**9))


def _fresh(text: str) -> str:
    """The text with a new number in front, so the rules' memory of recent texts never answers."""
    return f"{next(_RUN)} {text}"


def _calls(check: Callable[[str], object], text: str) -> int:
    """How many function calls one check makes: a measure of work that no load can disturb.

    The CPU time of the same doubling is a figure, not an assertion: ``python -m
    benchmarks.lint_quality_latency`` prints it."""
    profile = cProfile.Profile()
    profile.runcall(check, _fresh(text))
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


CHECKS: list[Callable[[str], object]] = [
    lambda t: lint(t, ["Alice Example", "Oksana Petrenko"]),
    lambda t: lint(t, ["Alice Example"], "action_item", done_when=t),
    lambda t: lint(t, ["Alice Example"], "root_cause", symptom=t),
]


def _hostile(size: int) -> str:
    return (HOSTILE * (size // len(HOSTILE) + 1))[:size]


@settings(max_examples=6, deadline=None)
@given(check=st.sampled_from(CHECKS), size=st.sampled_from([2_500, 5_000]))
def test_doubling_the_text_at_most_roughly_doubles_the_work(
    check: Callable[[str], object], size: int
) -> None:
    check(_hostile(2 * size))  # warm the caches (lemmas, responder names)
    assert _calls(check, _hostile(2 * size)) <= 2.3 * _calls(check, _hostile(size))
