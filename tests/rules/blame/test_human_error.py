"""Human error: an act done at the wrong moment, in the wrong way or unfinished."""

from __future__ import annotations

import pytest

from tests.support.blame import flagged


@pytest.mark.parametrize(
    "text",
    [
        "The release manager merged the branch before CI had finished.",
        "Mariana removed the feature flag before the old clients had upgraded.",
        "The operator restarted the primary instead of the standby.",
    ],
)
def test_an_act_before_what_it_had_to_wait_for_or_instead_of_the_right_one_is_blame(
    text: str,
) -> None:
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "Kwame deployed the fix before the backup window.",
        "Aisha drained the node while traffic was still low.",
        "The on-call manually edited the load balancer config to drain the bad node.",
    ],
)
def test_an_act_at_a_chosen_time_or_for_a_purpose_is_not_blame(text: str) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "mehmet misrouted the traffic to the draining pool during the cut-over.",
        "The night shift operator pulled the wrong power feed in rack 14.",
        "Cause: Sipho ran the purge job with the dry-run flag removed.",
        "Someone in QA left the load generator pointed at production overnight.",
        "Nakamura Haruto restarted both brokers at once, which is what took the queue down.",
        "If Abebe had not been multitasking during the change window, it would have been obvious.",
    ],
)
def test_an_act_done_wrongly_by_its_form_is_blame(text: str) -> None:
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "Wang Fang merged the migration although the staging run had failed.",
        "The build engineer deleted the artifact cache while releases were still being cut.",
    ],
)
def test_an_act_despite_a_failure_or_during_work_in_progress_is_blame(text: str) -> None:
    assert flagged(text)
