"""The wording lexicon: what a vague finding suggests instead."""

from __future__ import annotations

from workflows.rules import lint_action_wording


def test_a_vague_finding_can_carry_a_concrete_suggestion() -> None:
    (finding,) = lint_action_wording("Look into the database")
    assert finding.suggestion
