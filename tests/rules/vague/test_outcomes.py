"""A quality or a target in place of a change, and a condition with no threshold
(``workflows.rules.vague.outcomes``), with the concrete items that share their words."""

from __future__ import annotations

import pytest

from tests.support.smart import vague


@pytest.mark.parametrize(
    "title",
    ["Add resilience to the checkout service", "Bring more visibility into the batch jobs"],
)
def test_a_quality_as_the_object_of_a_giving_verb_is_vague(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_a_quality_that_modifies_a_thing_is_concrete() -> None:
    assert vague("Add security headers to the nginx config", "curl -I shows HSTS") == []


@pytest.mark.parametrize("title", ["99.99% uptime for the auth API", "p99 under 300 ms for search"])
def test_a_verbless_target_for_a_metric_is_a_goal(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_a_setting_with_a_number_and_a_verb_is_concrete() -> None:
    assert vague("Set the search timeout to 300 ms", "the config shows timeout=300ms") == []


def test_a_condition_on_a_trend_with_no_threshold_is_undefined() -> None:
    assert vague("Page the storage on-call when replication lags", "") == ["title"]


def test_a_condition_on_a_trend_with_a_threshold_is_concrete() -> None:
    assert (
        vague(
            "Page the storage on-call when replication lags by more than 60 s",
            "a staging lag test pages the on-call",
        )
        == []
    )


@pytest.mark.parametrize(
    ("title", "done_when"),
    [
        (
            "harden ssh on bastions: disable password auth and root login",
            "sshd -T on each bastion shows passwordauthentication no",
        ),
        (
            "Consider the freeze calendar in the deploy pipeline: block merges when freeze=true",
            "a merge during a test freeze is rejected",
        ),
    ],
)
def test_a_vague_verb_whose_change_follows_a_colon_is_concrete(title: str, done_when: str) -> None:
    assert vague(title, done_when) == []


def test_a_vague_verb_followed_by_a_colon_and_more_vagueness_stays_vague() -> None:
    assert vague("Harden the VPN: make it more robust", "") == ["title"]


def test_a_condition_on_a_state_with_no_value_is_undefined() -> None:
    assert vague("Alert when latency is elevated", "a synthetic slow request pages") == ["title"]


def test_a_vague_verb_after_in_the_process_of_is_read_as_the_action() -> None:
    title = "We're still in the process of hardening against these types of issues"
    assert vague(title, "") == ["title"]


def test_kicking_off_a_conversation_is_a_discussion() -> None:
    assert vague("Kick off a conversation about ownership of the billing cron", "") == ["title"]


def test_a_done_when_that_says_the_titles_thing_works_restates_it() -> None:
    assert vague("Set up alerting on conntrack usage", "alerting works") == ["done_when"]


def test_raising_a_topic_at_a_meeting_is_a_discussion() -> None:
    assert vague("Raise at next ops review", "") == ["title"]


def test_root_causing_without_a_step_is_an_investigation() -> None:
    assert vague("Root-cause the intermittent DNS timeouts", "") == ["title"]


def test_we_may_is_a_hedge() -> None:
    assert vague("I may put together a small tool to check the port forwards", "") == ["title"]


def test_may_as_a_permission_inside_a_concrete_item_is_not() -> None:
    title = "Allow the release job to deploy only if the canary may be promoted by its own check"
    assert vague(title, "a failing canary blocks the release job in staging") == []
