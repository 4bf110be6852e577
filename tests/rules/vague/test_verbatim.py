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


@pytest.mark.parametrize(
    "title",
    [
        "The bastion config should be hardened.",
        "Alert routing needs to be improved.",
        "Our backup policy must be carefully reviewed.",
    ],
)
def test_a_vague_verb_in_the_passive_names_no_change(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_a_vague_passive_with_a_way_is_concrete() -> None:
    title = "The bastion config should be hardened by setting PermitRootLogin no."
    assert vague(title, "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Agree a sensible order of failover steps",
        "Trim audit log retention to the bare minimum",
        "Deploy keys should give minimal access",
        "Hand the cleanup to someone on the platform team",
        "Give the alert rules some love",
        "Increase the memory of the ingest VMs",
    ],
)
def test_a_value_or_owner_left_to_the_reader_is_undefined(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Continue to publish container images to the internal registry",
        "Tag each release (ensuring the lock files are pinned to exact versions).",
        "All DNS records to be managed by Terraform in the infra-dns repo.",
        "If you need to reach a private host, use ssh -J bastion.",
    ],
)
def test_shapes_around_a_concrete_act_are_not_vague(title: str) -> None:
    assert vague(title, "") == []


def test_a_ticket_id_or_a_date_is_no_value() -> None:
    assert vague("INC-912 follow-up: make the search alerting smarter", "") == ["title"]
    assert vague("Improve reliability of the mailer (after the 2026-01-09 outage)", "") == ["title"]


def test_a_hedge_that_is_a_whole_aside_hedges_the_item() -> None:
    assert vague("Turn off link previews in the support chat (where feasible)", "") == ["title"]


def test_talk_done_by_a_concrete_act_is_not_vague() -> None:
    title = "Align log retention with the policy by setting the bucket lifecycle to 30 days"
    assert vague(title, "The lifecycle rule shows 30 days on logs-prod") == []


@pytest.mark.parametrize(
    "title",
    [
        "Post on the status page within minutes of a confirmed outage",
        "Escalate to the secondary within a few minutes",
        "Rotate the deploy keys periodically",
        "Run the restore drill at regular intervals",
    ],
)
def test_a_time_with_no_number_leaves_the_value_undefined(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_a_time_with_a_number_is_concrete() -> None:
    assert vague("Post on the status page within 10 minutes of a confirmed outage", "") == []


def test_a_prohibition_of_qualities_forbids_no_act() -> None:
    assert vague("Never trade safety for speed", "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Find some time with the DBAs to go over the vacuum settings",
        "Raise this at the next reliability guild",
        "Run the new escalation policy past the support leads",
    ],
)
def test_asking_for_time_or_a_hearing_is_talk(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_ensure_a_named_thing_has_a_value_asserts_a_behaviour() -> None:
    title = "Ensure every backup job in ops-backup has a retention of at most 30 days"
    assert vague(title, "The backup lint fails on a job with 31 days of retention") == []


def test_a_vague_verb_spelled_out_as_a_refusal_is_concrete() -> None:
    title = "Consider replica lag in the failover script: refuse to promote a replica 30 s behind"
    assert vague(title, "A drill with a 45 s lagging replica is refused") == []


def test_an_announced_aim_is_read_from_its_verb() -> None:
    assert vague("Our goal is to halve the time to detect replica failures.", "") == ["title"]
    assert vague("Our goal is to add a replica-lag alert at 30 s on orders-db.", "") == []


def test_a_thin_passive_on_a_kind_of_thing_names_no_change() -> None:
    assert vague("The runbooks will be updated.", "") == ["title"]


def test_a_thin_passive_on_a_named_thing_is_concrete() -> None:
    assert vague("The orders-db failover runbook will be updated with the promote step.", "") == []


def test_work_under_way_is_a_hedge() -> None:
    assert vague("Work is under way to tidy the alert rules.", "") == ["title"]


def test_a_value_left_tbd_is_a_hedge() -> None:
    assert vague("Set the export timeout to TBD", "") == ["title"]


def test_tbd_named_as_a_value_in_a_check_is_not_a_hedge() -> None:
    title = "Replace the 'TBD' owner on open follow-ups with the team's default owner"
    assert vague(title, "No open follow-up has owner TBD") == []


@pytest.mark.parametrize(
    "title",
    [
        "Add retries to the mailer when we have capacity",
        "Move the cron jobs to Kubernetes down the line",
        "It would be nice to shard the sessions table",
        "Upgrade the ingress controller soon",
        "Keep in mind the rate limits of the SMS provider",
    ],
)
def test_a_hedge_on_when_or_whether_is_vague(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_as_soon_as_names_a_trigger_not_a_hedge() -> None:
    assert vague("Roll back the canary as soon as its error rate alert fires", "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Take a look at the paging setup",
        "Give some thought to the deploy freeze",
        "Work towards a more stable release train",
        "Push for better vendor SLAs",
    ],
)
def test_idioms_of_looking_thinking_and_striving_name_no_change(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_taking_a_look_by_a_concrete_step_is_not_vague() -> None:
    title = "Take a look at the GC pauses on search-3 by capturing a heap profile in the load test"
    assert vague(title, "The heap profile is attached to INC-88") == []


@pytest.mark.parametrize(
    "title",
    [
        "Raise the worker pool on ingest-2 to an agreed number",
        "Set the client timeout to a less aggressive value",
        "Lower the alert on queue depth to a level the team is happy with",
    ],
)
def test_an_indefinite_value_with_no_number_is_undefined(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_an_indefinite_value_with_a_number_is_concrete() -> None:
    assert vague("Set the retry count on the mailer to a number below 5", "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Ping the CDN vendor about the purge limits",
        "Start a thread in #platform about the VPN rollout",
        "Ask the DBA team for feedback on the vacuum settings",
    ],
)
def test_asking_around_with_no_output_is_talk(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_reaching_out_to_affected_users_is_an_act() -> None:
    title = "Post a maintenance notice and reach out to owners of the affected pipelines"
    assert vague(title, "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Decrease the time to restore",
        "Shorten the incident response time",
        "Speed up incident response",
    ],
)
def test_a_metric_pushed_with_no_action_is_a_goal(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_speeding_up_by_a_concrete_change_is_not_a_goal() -> None:
    assert vague("Speed up the nightly export by running it on 4 workers in parallel", "") == []


def test_a_review_named_as_a_noun_with_no_output_is_talk() -> None:
    assert vague("A review of our paging strategy", "") == ["title"]
    assert vague("An audit of the VPN firewall rules", "") == ["title"]


def test_a_review_named_as_a_noun_with_what_it_does_is_not_talk() -> None:
    assert vague("A review of the IAM roles that removes unused admin rights", "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Every schema migration should be reviewed by a DBA before it is merged",
        "The bastion sshd config should be hardened with PasswordAuthentication no",
        "Route the alert to the appropriate rotation using the service tag in PagerDuty",
        "Grant the deploy role the minimum permissions it needs: ecr:PutImage only",
    ],
)
def test_new_shapes_leave_concrete_items_alone(title: str) -> None:
    assert vague(title, "") == []
