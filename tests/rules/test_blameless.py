"""Blameless language: findings, their spans and order, and what a finding says."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given

from tests.support.blame import POSITIVE, spans
from tests.support.properties import SETTINGS, assert_spans_index, names, texts
from tests.support.rules import RESPONDERS
from workflows.codes import Code
from workflows.rules import BLAME_PATTERN_NAMES, lint_text


def test_every_positive_family_has_at_least_four_named_cases() -> None:
    assert all(len(cases) >= 4 for cases in POSITIVE.values())
    assert len(set(BLAME_PATTERN_NAMES)) >= 25


def test_a_responder_as_subject_is_named_in_the_message() -> None:
    (finding,) = lint_text("Bob forgot to renew the certificate", RESPONDERS)
    assert finding.code == Code.BLAME_PERSON_SUBJECT
    assert "Bob Jones, a responder," in finding.message


def test_overlapping_evidence_gives_one_finding_over_the_union() -> None:
    assert spans("The DBA forgot to run the backup.") == ["DBA forgot to"]


def test_findings_are_sorted_and_do_not_overlap() -> None:
    text = "If only they had waited; it was human error and he was careless"
    findings = lint_text(text)
    assert [f.text for f in findings] == ["If only they had waited", "human error", "careless"]


def test_findings_carry_the_field() -> None:
    (finding,) = lint_text("human error", field="five_whys.whys.1")
    assert finding.field == "five_whys.whys.1"
    assert finding.kind == "blame"


def test_empty_text_has_no_findings() -> None:
    assert lint_text("") == []
    assert lint_text(" \n\t") == []


@SETTINGS
@given(text=texts, responders=names)
def test_lint_text_never_raises_and_spans_index_the_text(text: str, responders: list[str]) -> None:
    assert_spans_index(text, lint_text(text, responders, field="f"))


@SETTINGS
@given(text=texts, responders=names)
def test_lint_text_findings_do_not_overlap(text: str, responders: list[str]) -> None:
    findings = lint_text(text, responders)
    for earlier, later in pairwise(findings):
        assert earlier.end <= later.start
