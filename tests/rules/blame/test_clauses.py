"""Where a counterfactual's modal stands (``workflows.rules.blame.clauses``)."""

from __future__ import annotations

from workflows.rules.blame.clauses import after_condition, knowing_subject
from workflows.rules.text import Token, split


def _tokens(text: str) -> list[Token]:
    return split(text)[0].tokens


def _at(toks: list[Token], word: str) -> int:
    return next(k for k, t in enumerate(toks) if t.low == word)


def test_a_modal_after_a_condition_about_a_tool_follows_a_condition() -> None:
    toks = _tokens("If the dashboard had shown the lag, the on-call would have waited.")
    assert after_condition(toks, _at(toks, "would"))


def test_a_modal_after_a_condition_about_care_does_not() -> None:
    toks = _tokens("If the on-call had been more careful, she would have waited.")
    assert not after_condition(toks, _at(toks, "would"))


def test_an_alert_as_a_noun_is_no_care_word() -> None:
    toks = _tokens("Had the alert routed to the secondary, someone would have responded.")
    assert after_condition(toks, _at(toks, "would"))


def test_a_subject_who_knew_is_a_better_informed_person() -> None:
    toks = _tokens("An SRE who knew the legacy stack would have restarted the right service.")
    assert knowing_subject(toks, _at(toks, "would"))


def test_a_plain_subject_is_not() -> None:
    toks = _tokens("The SRE on call would have restarted the right service.")
    assert not knowing_subject(toks, _at(toks, "would"))
