"""The kinds of sentence blame_5 showed the rules missing (round 4), each with near negatives:
a past decision judged as a bad idea, "worth their salt", a team's "error" ("Ops error"), self-
misjudgement ("I underestimated…")."""

from __future__ import annotations

import pytest

from tests.support.blame import blamed, flagged


@pytest.mark.parametrize(
    "text",
    [
        "This was a bad idea.",
        "Removing it was a dumb idea.",
        "Skipping the canary was a terrible call.",
        "Disabling the vacuum job was a really poor decision on my part.",
    ],
)
def test_a_past_decision_judged_a_bad_idea_is_blame(text: str) -> None:
    assert blamed(text)


@pytest.mark.parametrize(
    "text",
    [
        "It is a bad idea to deploy on Fridays without a rollback plan.",
        "This was a good idea in hindsight.",
    ],
)
def test_advice_or_praise_about_an_idea_is_not(text: str) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Any SRE worth their salt would have noticed the cert expiry warning a week out.",
        "No DBA worth his salt would run a migration without a backup.",
    ],
)
def test_worth_their_salt_judges_a_person(text: str) -> None:
    assert blamed(text)


def test_a_system_worth_its_salt_is_a_requirement() -> None:
    assert flagged("Any alerting system worth its salt pages on certificate expiry.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Ops error caused client data deletion on SaaS multiple products.",
        "Root cause: sysadmin error.",
    ],
)
def test_a_teams_error_is_human_error(text: str) -> None:
    assert blamed(text)


def test_an_error_dashboard_named_for_a_team_is_not() -> None:
    assert flagged("Ops errors dashboard showed a spike at 14:02.") == []


@pytest.mark.parametrize(
    "text",
    [
        "I underestimated the issue at first and tried to keep the site up while I fixed it.",
        "We badly underestimated how long the backfill would take.",
    ],
)
def test_self_misjudgement_is_self_blame(text: str) -> None:
    assert blamed(text)


def test_a_query_planner_underestimating_is_a_system_fact() -> None:
    assert flagged("The query planner underestimated the row count and chose a nested loop.") == []


@pytest.mark.parametrize(
    "text",
    [
        "I wasn't really thinking it would fill up anytime soon.",
        "We weren't expecting the replica to lag.",
    ],
)
def test_a_negated_expectation_is_the_condition_behind_a_decision(text: str) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The on-call didn't think to check the replica.",
        "We clearly didn't think the failover through.",
    ],
)
def test_not_thinking_to_act_is_still_an_omission(text: str) -> None:
    assert blamed(text)


def test_a_duty_acted_on_with_the_wrong_input_is_not_a_duty_left_undone() -> None:
    text = "Support was meant to close the stale tickets, but received the live export instead."
    assert flagged(text) == []


def test_a_duty_left_undone_is_still_blame() -> None:
    assert blamed("Ravi was supposed to rotate the keys but never did.")


@pytest.mark.parametrize(
    "text",
    [
        "At 16:40 the storage on-call detached the wrong EBS volume from db-7.",
        "The DBA on duty restored the wrong snapshot onto the primary.",
        "Kenji restored the wrong backup onto db-2.",
    ],
)
def test_a_person_acting_on_the_wrong_thing_is_blame_whatever_the_verb(text: str) -> None:
    assert blamed(text)


@pytest.mark.parametrize(
    "text",
    [
        "The load balancer routed the wrong tenant to the old pool.",
        "The replica replayed the wrong WAL segment after the restart.",
    ],
)
def test_a_system_acting_on_the_wrong_thing_is_not(text: str) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Siobhán's hotfix to the rate limiter went straight to all regions and blocked logins.",
        "Siobhán pushed the rate limits straight to all regions.",
    ],
)
def test_a_persons_change_sent_straight_to_the_whole_estate_is_blame(text: str) -> None:
    assert blamed(text)


@pytest.mark.parametrize(
    "text",
    [
        "Siobhán's hotfix went straight to production and restored the logins.",
        "The config went straight to every region because the pipeline has no canary stage.",
        "Siobhán pushed the fix straight to all regions to stop the errors.",
    ],
)
def test_a_fix_or_an_unowned_change_sent_straight_out_is_not(text: str) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "The DNS TTL was raised to 24 hours by the networking team the week before, so the bad "
        "record stayed cached long after the rollback.",
        "The connection limit was lowered by the platform team on Monday, so the workers starved "
        "once traffic peaked.",
        "The flag was flipped by the growth team on Friday, so checkout broke for every Safari user.",
    ],
)
def test_a_passive_act_by_a_team_with_a_failure_as_its_consequence_is_blame(text: str) -> None:
    assert blamed(text)


@pytest.mark.parametrize(
    "text",
    [
        "The rollout was paused by Priya at 14:20, so the error rate fell within minutes.",
        "The DNS TTL was lowered to 60 seconds by the networking team during the incident, so the "
        "fix propagated quickly.",
        "The replica was promoted by Marta at 03:10, so writes failed for only two minutes.",
    ],
)
def test_a_passive_act_whose_consequence_mends_is_a_fact(text: str) -> None:
    assert flagged(text) == []
