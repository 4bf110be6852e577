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
