"""The blame check's learned reading (workflows/rules/blame/model.py): where it adds a finding the
rules do not make, that the finding shows its span and reason, and where it must stay silent."""

from __future__ import annotations

from tests.rules.train_blame import main as train_blame
from workflows.rules.blameless import lint_text

# A sentence no rule reads as blame (no trigger word, no failure verb after the subject), though
# it presents a team's act as the cause: the model's words ("shipped ... on a Friday evening").
MISSED_BY_RULES = "The payments team shipped the schema change on a Friday evening and went home."


def test_the_model_flags_a_team_as_the_cause_that_no_rule_reads() -> None:
    assert lint_text(MISSED_BY_RULES, learned=False) == []
    assert len(lint_text(MISSED_BY_RULES)) == 1


def test_a_model_finding_names_its_span_and_says_why() -> None:
    (finding,) = lint_text(MISSED_BY_RULES, field="five_whys.symptom")
    assert MISSED_BY_RULES[finding.start : finding.end] == finding.text
    assert "team" in finding.text
    assert finding.field == "five_whys.symptom"
    assert finding.message and finding.hint


def test_the_model_adds_nothing_where_no_person_is_there_to_blame() -> None:
    text = "The schema change shipped on a Friday evening and the migration job went home early."
    assert lint_text(text) == []


def test_the_model_adds_nothing_to_a_denied_blame() -> None:
    assert lint_text("Nobody shipped the schema change carelessly; the pipeline had no gate.") == []


def test_the_committed_weights_are_what_the_seeded_trainer_writes() -> None:
    assert train_blame(["--check"]) == 0
