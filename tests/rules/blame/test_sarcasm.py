"""Sarcasm and disclaimers: praise or a disclaimer aimed at a person, for a failure."""

from __future__ import annotations

import pytest

from tests.support.blame import blamed, flagged, positive, spans
from workflows.codes import Code
from workflows.rules import lint_text


@pytest.mark.parametrize(("text", "span"), positive("sarcasm"))
def test_sarcasm_aimed_at_a_person_or_team_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(("text", "span"), positive("disclaimer"))
def test_a_disclaimer_followed_by_blame_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


@pytest.mark.parametrize(
    "text",
    [
        "Another flawless deploy from the mobile team, only three hours of downtime.",
        "Thanks to Raj for his creative interpretation of the runbook.",
        "Perfect timing from the platform team: the upgrade landed during peak.",
    ],
)
def test_praise_words_with_a_failure_are_sarcasm(text: str) -> None:
    (finding,) = lint_text(text)
    assert finding.code == Code.BLAME_SARCASM


def test_praise_words_for_a_recovery_are_credit() -> None:
    assert flagged("Thanks to Raj for the flawless failover.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Always a pleasure when the payments team tests in production.",
        "Love it when ops reboots the cluster at peak.",
        "Nothing says teamwork like the network team changing the firewall without telling anyone.",
    ],
)
def test_feigned_delight_at_a_teams_risky_act_is_sarcasm(text: str) -> None:
    (finding,) = lint_text(text)
    assert finding.code == Code.BLAME_SARCASM


@pytest.mark.parametrize(
    "text",
    ["Always a pleasure to work with the payments team.", "We love it when the team ships a fix."],
)
def test_plain_delight_is_not_sarcasm(text: str) -> None:
    assert flagged(text) == []


def test_no_blame_intended_then_a_group_that_never_tested_is_a_disclaimer() -> None:
    text = "No blame intended, but backend clearly never tested the failover."
    assert [f.text for f in lint_text(text, learned=False)] == ["No blame intended"]


def test_no_blame_intended_then_a_system_that_never_checked_is_not_blame() -> None:
    text = "No blame intended, but the pipeline never checked the config."
    assert lint_text(text, learned=False) == []


def test_no_blame_intended_with_no_but_is_not_a_disclaimer() -> None:
    text = "No blame is intended here: the failover was never tested, the tooling had no test mode."
    assert lint_text(text, learned=False) == []
