"""Root cause or symptom: a root cause must be a condition of the system someone can change."""

from __future__ import annotations

from tests.support.root_cause import GAPS, SYMPTOM
from workflows.rules import lint_root_cause


def test_a_symptom_finding_has_kind_symptom_its_span_and_asks_why_once_more() -> None:
    (finding,) = lint_root_cause("A bad deploy", SYMPTOM, field="five_whys.root_causes.0.statement")
    assert finding.kind == "symptom"
    assert finding.field == "five_whys.root_causes.0.statement"
    assert finding.text == "A bad deploy"
    assert "why once more" in finding.hint.lower()
    assert "trigger" in finding.message


def test_an_empty_statement_has_no_finding() -> None:
    assert lint_root_cause("  ", SYMPTOM) == []


def test_without_a_symptom_only_the_statement_is_judged() -> None:
    assert lint_root_cause("The payment system crashed") != []
    assert lint_root_cause(GAPS["process"]) == []
