"""A person's act and the harm it did, and the acts that did none."""

from __future__ import annotations

import pytest

from tests.support.blame import flagged

ACT_THEN_HARM = [
    "Wojciech pushed a config that disabled TLS on the edge nodes.",
    "The DBA ran the reindex, which saturated the disks.",
    "Iyer deleted the feature branch that production was still deploying from.",
    "The QA lead signed off on a build that had never run the migration.",
    "Our platform team let the certificate expire.",
    "Rahul's refactor introduced the race condition that corrupted the counters.",
    "The on-call manually edited the load balancer config, which dropped half the traffic.",
]


@pytest.mark.parametrize("text", ACT_THEN_HARM)
def test_a_persons_act_followed_by_the_harm_it_did_is_blame(text: str) -> None:
    assert flagged(text)


ACT_THEN_RELIEF = [
    "Kwame deployed a patch that stopped the errors.",
    "Tomas pushed the config, and the error rate dropped to zero.",
    "Yusuf disabled the cron job that had filled the disk.",
    "The on-call engineer killed the runaway query that had locked the table.",
    "Mehmet set the flag that disables the old code path.",
    "Priya restarted the worker, which cleared the backlog.",
    "The autoscaler removed the nodes that held the primary shards.",
]


@pytest.mark.parametrize("text", ACT_THEN_RELIEF)
def test_an_act_that_relieved_a_failure_or_a_property_of_its_object_is_not_blame(
    text: str,
) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Carlos deleted the production database.",
        "With Niamh on the bridge instead of the new hire, this would have been a short blip.",
        "The backup was overwritten when Marek restored onto the live volume.",
    ],
)
def test_destroying_something_live_a_swap_of_people_or_a_restore_that_lost_data_is_blame(
    text: str,
) -> None:
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "The DBA dropped the temporary production table after the export.",
        "Kenji deleted the stale production pods.",
        "The errors stopped when Lars rolled back.",
    ],
)
def test_removing_disposable_things_or_a_rollback_that_ended_errors_is_not_blame(
    text: str,
) -> None:
    assert flagged(text) == []
