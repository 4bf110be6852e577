"""Root cause or symptom: a root cause must be a condition of the system someone can change."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.support.properties import SETTINGS, assert_spans_index, names, texts
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


@SETTINGS
@given(statement=texts, symptom=st.one_of(st.none(), texts), responders=names)
def test_lint_root_cause_never_raises_and_gives_at_most_one_finding(
    statement: str, symptom: str | None, responders: list[str]
) -> None:
    findings = lint_root_cause(statement, symptom, responders, "rc")
    assert len(findings) <= 1
    assert_spans_index(statement, findings, "rc")
    assert all(f.kind == "symptom" for f in findings)
