"""The families of blame: each says what it found and asks its own question."""

from __future__ import annotations

from tests.support.rules import RESPONDERS
from workflows.rules import ONE_MORE_WHY, lint_text


def test_hints_differ_by_family() -> None:
    text = "Alice broke it; human error; he should have waited; careless; his fault"
    findings = lint_text(text, RESPONDERS)
    assert len(findings) == 5
    assert len({f.hint for f in findings}) == 5


def test_counterfactual_hint_asks_what_made_the_decision_look_right() -> None:
    (finding,) = lint_text("They should have known")
    assert "look right at the time" in finding.hint


def test_human_error_hint_asks_one_more_why() -> None:
    (finding,) = lint_text("human error")
    assert finding.hint.startswith(ONE_MORE_WHY)
