"""One text as typed: the entry point the API, the command and the pages share."""

from __future__ import annotations

import builtins
from typing import Any

import pytest

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
