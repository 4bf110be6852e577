"""Sentences as real post-mortems write them (corpus batch 8): responders' fixes narrated in the
passive, and log lines pasted into the text."""

from __future__ import annotations

import pytest

from tests.support.blame import blamed, flagged


@pytest.mark.parametrize(
    "text",
    [
        "The deploy was rolled back by Tomas at 14:20.",
        "The change was rolled back by the on-call engineer.",
    ],
)
def test_a_rollback_narrated_in_the_passive_is_a_fact(text: str) -> None:
    assert flagged(text) == []


def test_a_change_rolled_out_by_a_person_still_reads_as_shipped_by_them() -> None:
    assert blamed("The schema change was pushed to prod by Yevgenia.")


@pytest.mark.parametrize(
    "text",
    [
        "ERROR: user admin failed to authenticate (code 401)",
        "[FATAL] user deploy failed to log in",
        "2022-03-21 21:26:21 ERROR: the operator failed to reconcile",
    ],
)
def test_a_log_line_is_a_program_speaking(text: str) -> None:
    assert flagged(text) == []


def test_a_log_level_in_ordinary_case_opens_prose() -> None:
    assert blamed("Error: the engineer failed to check the replica before the failover.")


@pytest.mark.parametrize(
    "text",
    [
        "The on-call did not escalate because the alert was marked low severity.",
        "Tomas did not check the replica because the runbook said to skip it.",
        "The on-call did not fail over, as the runbook said to wait.",
    ],
)
def test_an_omission_whose_reason_is_a_condition_of_the_system_is_a_decision_condition(
    text: str,
) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The on-call did not escalate because they were busy.",
        "Tomas did not check the replica because he forgot.",
        "The on-call did not escalate.",
    ],
)
def test_an_omission_with_a_reason_about_a_person_or_none_is_still_blame(text: str) -> None:
    assert blamed(text)
