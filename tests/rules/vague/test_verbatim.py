"""Action items as real post-mortems write them (corpus batch 8): opening time adverbials and
lessons written as prohibitions."""

from __future__ import annotations

import pytest

from tests.support.smart import vague


@pytest.mark.parametrize(
    "title",
    [
        "Moving forward, we will adopt a process similar to the Geth team\u2019s silent patch policy.",
        "Going forward, the release job will require two approvals on the production branch.",
    ],
)
def test_an_opening_time_adverbial_closed_by_a_comma_is_not_a_hedge(title: str) -> None:
    assert vague(title, "") == []


def test_going_forward_without_the_comma_after_it_stays_a_hedge() -> None:
    title = "Going forward the team is going to rebuild the site deployment process"
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Do not perform a migration on both nodes in the same time slot.",
        "Never deploy database schema changes on Fridays.",
    ],
)
def test_a_prohibition_names_an_act(title: str) -> None:
    assert vague(title, "") == []


def test_a_prohibition_with_no_object_is_still_vague() -> None:
    assert vague("Do better.", "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "keep rate limit in place for 1 week, sync 1 ETH back to Ethereum Mainnet",
        "Keep the feature flag disabled until 2.4 ships",
    ],
)
def test_keep_that_holds_a_setting_is_not_a_watch(title: str) -> None:
    assert vague(title, "") == []


def test_keep_that_watches_is_still_vague() -> None:
    assert vague("Keep track of disk usage", "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Update the status page quickly when issues occur.",
        "Respond promptly to pages.",
        "Communicate status to customers in a timely manner.",
    ],
)
def test_a_speed_with_no_value_leaves_the_value_undefined(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_a_speed_given_a_value_is_concrete() -> None:
    assert vague("Page the secondary quickly, within 5 minutes of the first page.", "") == []
