"""A vague title, and the concrete ones that share its trigger words."""

from __future__ import annotations

import pytest

from tests.support.smart import DONE, item, vague
from workflows.codes import Code
from workflows.rules import SMART_QUESTION, lint_action_wording


@pytest.mark.parametrize(
    ("title", "done_when"),
    [
        ("Beef up monitoring for the payments service", ""),
        ("Reduce the batch size to a safe amount", ""),
        ("Set the memory limit high enough for peak", ""),
        ("Have a conversation with security about key rotation", ""),
        ("Figure out what happened with the cron job", ""),
        ("Zero data loss on failover", ""),
    ],
)
def test_vague_verbs_values_talk_and_goals_of_round_two_are_vague(
    title: str, done_when: str
) -> None:
    assert vague(title, done_when) == ["title"]


@pytest.mark.parametrize(
    ("title", "done_when"),
    [
        (
            "Improve the deploy script so it refuses to run against production without "
            "--confirm-prod",
            "Running it without the flag in CI exits non-zero",
        ),
        (
            "Write a runbook for failing over the ledger database",
            "The runbook is in the wiki and a game day follows it successfully",
        ),
        (
            "Pin the base image to debian:12.5 in all Dockerfiles",
            "The image lint job finds no unpinned base image",
        ),
    ],
)
def test_a_behaviour_to_have_or_a_place_to_look_is_concrete(title: str, done_when: str) -> None:
    assert vague(title, done_when) == []


@pytest.mark.parametrize(
    ("title", "done_when"),
    [
        (
            "Move alert routing for the search cluster to the search team's PagerDuty service",
            "Alert routing works as expected",
        ),
        ("Ask the vendor whether they can give us earlier notice of API changes", ""),
        ("Migrate the remaining services to the new logging agent, as far as practical", ""),
        ("Page when error rates exceed normal levels", "Alert rule merged"),
    ],
)
def test_hedged_talk_or_undefined_wording_found_in_batch_two_is_vague(
    title: str, done_when: str
) -> None:
    assert vague(title, done_when)


@pytest.mark.parametrize(
    ("title", "done_when"),
    [
        (
            "Translate the 'Investigating' and 'Identified' status page states into German",
            "Status page preview in de shows both translated states",
        ),
        (
            "Make the 'Best Effort' support tier visible on the pricing page",
            "Pricing page lists 'Best Effort' with its response time",
        ),
        (
            "Drop the unused 'legacy_sessions' table after a final export to the archive bucket",
            "Table absent in prod; export object present with matching row count",
        ),
    ],
)
def test_quoted_names_a_place_to_show_and_observable_states_are_concrete(
    title: str, done_when: str
) -> None:
    assert vague(title, done_when) == []


NO_CONCRETE_CHANGE = [
    item("Make alerting smarter", DONE),
    item("Write more integration tests", DONE),
    item("Harden the VPN config", DONE),
    item("Educate the team about caching", DONE),
    item("Improve monitoring", DONE),
    item("Be more careful with deploys", DONE),
    item("Communicate better during incidents", DONE),
    item("Add better logging to payments", DONE),
]


ONLY_TALK = [
    item("Discuss the paging policy", DONE),
    item("Review the runbook", DONE),
    item("Explore options for the cache", DONE),
    item("Align with the storage team on backups", DONE),
    item("Set up a meeting about deploy freezes", DONE),
    item("Consider adding a circuit breaker", DONE),
]


GOAL_WITHOUT_ACTION = [
    item("Improve deploy success rate to 99%", DONE),
    item("Halve the pages per week", DONE),
    item("Reduce alert noise", DONE),
    item("Cut checkout latency by half", DONE),
    item("Fewer incidents caused by config changes", DONE),
]


WEASEL_WORDS = [
    item("Add retries where feasible", DONE),
    item("Rotate credentials as needed", DONE),
    item("Fix the cron job ASAP", DONE),
    item("Scale the pool as needed", DONE),
]


INVESTIGATE_WITHOUT_STEP = [
    item("Look into the GC pauses", DONE),
    item("Investigate the flaky test", DONE),
    item("Look into the database", DONE),
    item("Dig into why the cache misses spiked", DONE),
]


UNDEFINED_VALUE = [
    item("Alert on too many 5xx from the load balancer", DONE),
    item("Raise the pool size to a reasonable number", DONE),
    item("Set the timeout to an appropriate value", DONE),
    item("Increase the disk size to something sensible", DONE),
    item("Lower the alert threshold to an acceptable level", DONE),
]


@pytest.mark.parametrize(("title", "done_when"), NO_CONCRETE_CHANGE)
def test_a_change_with_no_concrete_object_or_mechanism_is_vague(title: str, done_when: str) -> None:
    assert "title" in vague(title, done_when)


@pytest.mark.parametrize(("title", "done_when"), ONLY_TALK)
def test_an_item_that_only_asks_for_talk_is_vague(title: str, done_when: str) -> None:
    assert "title" in vague(title, done_when)


@pytest.mark.parametrize(("title", "done_when"), GOAL_WITHOUT_ACTION)
def test_a_goal_with_no_action_is_vague(title: str, done_when: str) -> None:
    assert "title" in vague(title, done_when)


@pytest.mark.parametrize(("title", "done_when"), WEASEL_WORDS)
def test_weasel_words_are_vague(title: str, done_when: str) -> None:
    assert "title" in vague(title, done_when)


@pytest.mark.parametrize(("title", "done_when"), INVESTIGATE_WITHOUT_STEP)
def test_look_into_without_a_concrete_step_is_vague(title: str, done_when: str) -> None:
    assert "title" in vague(title, done_when)


@pytest.mark.parametrize(("title", "done_when"), UNDEFINED_VALUE)
def test_a_target_with_an_undefined_value_is_vague(title: str, done_when: str) -> None:
    assert "title" in vague(title, done_when)


QUOTED_AND_REQUIRED = [
    item(
        "Make the lint job a required status check on every repository",
        "The org ruleset shows lint as required for all repositories",
    ),
    item(
        'Add a "Needs review" status to the change workflow',
        'Changes in "Needs review" cannot be deployed',
    ),
    item(
        "Make the deploy job a required status check on main",
        "A pull request without a green deploy job cannot merge",
    ),
    item(
        'Rename the "Investigate" column on the incident board to "Triage"',
        'The board shows a "Triage" column and no "Investigate" column',
    ),
]


@pytest.mark.parametrize(("title", "done_when"), QUOTED_AND_REQUIRED)
def test_quoted_status_names_and_a_required_check_are_not_vague(title: str, done_when: str) -> None:
    assert vague(title, done_when) == []


def test_a_vague_title_finding_names_its_span_and_asks_the_smart_question() -> None:
    (finding,) = lint_action_wording("Look into the database")
    assert (finding.text, finding.code, finding.kind, finding.field) == (
        "Look into",
        Code.TITLE_VAGUE,
        "vague",
        "title",
    )
    assert finding.hint.startswith(SMART_QUESTION)
    assert '"Look into"' in finding.message


@pytest.mark.parametrize(
    "title",
    [
        "Make sure the release script checks the tag signature before pushing",
        "Ensure the sync job exits non-zero when the source API returns 5xx",
    ],
)
def test_ensure_that_names_the_behaviour_of_a_named_thing_is_not_vague(title: str) -> None:
    assert vague(title, "") == []


def test_ensure_of_a_generic_thing_doing_something_stays_vague() -> None:
    assert vague("Ensure alerting covers every important path", "") == ["title"]


def test_ensure_after_a_concrete_act_is_its_purpose() -> None:
    assert vague("Pin the Helm chart to 4.2.1 to ensure the same release everywhere", "") == []


def test_make_sure_an_act_is_done_is_not_vague() -> None:
    assert vague("Make sure we've rotated every deploy key before the cutover", "") == []


def test_keep_a_number_of_things_is_a_retention_not_a_watch() -> None:
    assert vague("Keep 14 nightly snapshots of the orders volume", "") == []


def test_keep_an_eye_on_a_thing_with_no_threshold_stays_vague() -> None:
    assert vague("Keep watching the orders volume", "") == ["title"]


@pytest.mark.parametrize(
    "title",
    ["Low priority alerts for the Kafka brokers", "More chaos testing", "Know your certificates"],
)
def test_a_title_with_no_verb_in_a_verbs_place_names_no_change(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_a_title_opening_with_a_known_verb_is_read_as_an_act() -> None:
    assert vague("Route alerts for the Kafka brokers to the streaming channel", "") == []


def test_accordingly_hedges() -> None:
    assert vague("Update the retry budget accordingly", "") == ["title"]


def test_raising_test_coverage_with_no_number_is_a_goal() -> None:
    assert vague("Increase test coverage of the billing module", "") == ["title"]


def test_talk_about_a_topic_whose_clause_has_acts_stays_vague() -> None:
    assert vague("Talk to the DBAs about indexes that slow down and block writes", "") == ["title"]


def test_talk_that_goes_on_to_a_concrete_act_is_not_vague() -> None:
    assert vague("Review the cron jobs on billing-1 and delete those with no owner", "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Upgrade the ingress nodes to 1.29 when convenient",
        "Partition the audit table at some point",
        "Add a dry-run step to the migration job to the extent possible",
        "Prune the admin group from time to time",
        "Add circuit breakers to outbound calls, within reason",
    ],
)
def test_a_hedge_on_when_or_how_far_is_vague(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_at_some_point_of_a_named_step_is_a_place_not_a_hedge() -> None:
    assert vague("Restore the orders dump at some point in the 14:00 drill", "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Raise the replication outage with the vendor",
        "Check in with the storage team about IOPS",
        "Get sign-off from security for the new bastion",
        "Liaise with networking on the MTU change",
        "Form a working group on alert fatigue",
        "Ask the CDN provider about their purge SLA",
        "Walk the new on-call through the failover runbook",
    ],
)
def test_talk_with_a_party_and_no_output_is_vague(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Raise the ulimit on the ingress nodes to 65536 with the team",
        "Ask the deploy bot to post a summary to #releases after each rollout",
    ],
)
def test_a_concrete_change_that_shares_talk_words_is_not_vague(title: str) -> None:
    assert vague(title, "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Get to the bottom of the heap growth on worker-4",
        "Do a proper RCA on the resolver outage",
        "Check why the disk alert did not fire",
        "Pinpoint the source of the duplicate webhooks",
    ],
)
def test_an_investigation_asked_in_other_words_with_no_step_is_vague(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_an_investigation_asked_in_other_words_with_a_step_is_not_vague() -> None:
    assert (
        vague(
            "Check why the disk alert did not fire by replaying the 14:00 metrics into a "
            "staging Alertmanager",
            "",
        )
        == []
    )


def test_tracing_a_source_by_a_named_step_is_not_vague() -> None:
    title = "Trace the source of the duplicate webhooks by logging the delivery id on every receive"
    assert vague(title, "") == []


def test_a_target_as_a_noun_phrase_is_a_goal_even_when_its_noun_is_also_a_verb() -> None:
    assert vague("Under 4 pages per week for the search rota", "") == ["title"]


def test_a_setting_as_a_noun_phrase_with_a_number_is_not_a_goal() -> None:
    assert vague("Pages within 5 minutes of replica lag above 30 s", "") == []


def test_an_audit_that_goes_on_to_a_concrete_act_is_not_vague() -> None:
    assert vague("Audit admin users without MFA and revoke their console passwords", "") == []


def test_an_investigation_that_goes_on_to_fix_it_stays_vague() -> None:
    assert vague("Investigate the resolver outage and fix it", "") == ["title"]


def test_ensure_things_have_a_setting_enabled_names_the_state() -> None:
    assert vague("Ensure all S3 buckets have versioning enabled through an SCP", "") == []


def test_a_modifier_spelled_out_after_a_colon_is_not_vague() -> None:
    title = (
        "Better error messages in the CLI when the kubeconfig is missing: print the expected path"
    )
    assert vague(title, "") == []


def test_a_replica_count_changed_from_one_number_to_another_is_a_setting() -> None:
    assert vague("Double the replica count of the ingress controller from 2 to 4", "") == []


def test_ensure_a_named_setting_is_a_number_names_the_state() -> None:
    assert vague("Ensure that the session TTL for auth.example.com is 900 seconds", "") == []


def test_keep_a_thing_for_a_time_is_a_hold_not_a_watch() -> None:
    assert vague("Keep the blue cluster running for 24 hours after the switch", "") == []


def test_keep_a_metric_below_a_number_is_a_goal_not_a_hold() -> None:
    assert vague("Keep p95 latency of search under 300 ms", "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Set the client timeout to whatever the vendor recommends",
        "Page when the 5xx rate is above normal",
        "Alert when the log volume is close to full",
        "Scale the worker count based on load",
        "Cap the import concurrency at a safe level",
        "Make the disk alert fire earlier",
        "Make the session timeout longer",
    ],
)
def test_a_value_given_only_by_a_relation_is_undefined(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Scale the worker count based on load: 1 worker per 200 jobs in the queue",
        "Make the session timeout longer than the 30 s refresh window",
        "Add a link to what the alert means in the runbook",
    ],
)
def test_a_relation_with_a_number_or_no_setting_is_not_undefined(title: str) -> None:
    assert vague(title, "") == []


@pytest.mark.parametrize(
    "title",
    [
        "The alerting runbook needs updating",
        "Ownership of the status page needs to be clarified",
        "There should be a way to pause all deploys",
        "Need a plan for losing the primary region",
        "Someone should own the build cache",
    ],
)
def test_a_stated_need_with_no_change_is_vague(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "The alerting runbook needs updating with the drain steps for search-3",
        "This needs to be automated by adding a CronJob that runs prune.sh nightly",
        "We need to add a 10 s timeout to the geo client",
    ],
)
def test_a_stated_need_that_names_the_change_is_not_vague(title: str) -> None:
    assert vague(title, "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Raise the pool size on orders-db-2 to a reasonable number",
        "Set the S3 client timeout to an appropriate value",
        "Bump the grafana-1 disk alert to a sensible threshold",
    ],
)
def test_a_digit_inside_a_name_gives_no_value(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Raise the pool size on orders-db-2 to 40",
        "Set the S3 client timeout to 2.5 s",
        "Bump the grafana-1 disk alert to 90%",
    ],
)
def test_a_named_host_with_a_value_is_not_undefined(title: str) -> None:
    assert vague(title, "") == []
