"""Passives whose act went wrong, with a person as the agent."""

from __future__ import annotations

import pytest

from tests.support.blame import blamed, flagged, positive, spans


@pytest.mark.parametrize(("text", "span"), positive("passive with a human agent"))
def test_a_passive_with_a_human_agent_is_blame(text: str, span: str | None) -> None:
    assert blamed(text)
    if span:
        assert span in spans(text)


def test_a_passive_without_a_step_names_no_agent() -> None:
    text = "Marketing emails are sent without notifying engineering, so capacity is not raised."
    assert flagged(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "At 14:05 Lars restarted the pod and it crashed again with the same OOM error.",
        "The on-call restarted the primary, which failed over to the replica as designed.",
        "The DBA killed the long-running query that was blocking writes.",
        "Mei disabled the broken health check, which stopped the restart loop.",
        "Chen restarted the service while the deploy was still running, as the runbook says.",
    ],
)
def test_timeline_facts_remedies_and_acts_by_the_runbook_are_not_blame(text: str) -> None:
    assert flagged(text) == []
