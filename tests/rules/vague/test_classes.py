"""The kinds of vague title that vague_4's clean batch showed the rules missing, each in several
wordings, and the concrete titles that share their surface cues.

vague_4 missed lines one at a time; each kind below is the general sentence shape behind one of
those misses, written in new words so that a rule for the kind, not for the probe line, is tested.
"""

from __future__ import annotations

import pytest

from tests.support.smart import vague


@pytest.mark.parametrize(
    "title",
    [
        "Don't lean on the shared Redis so much",
        "Avoid relying too heavily on the CDN cache",
        "Rely less on manual failover",
        "Use feature flags more sparingly",
        "Stop depending so heavily on the vendor's status page",
    ],
)
def test_a_lesson_that_only_says_how_much_to_rely_on_something_is_vague(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Stop reading the session token from localStorage and read it from an HttpOnly cookie",
        "Do not cache auth responses in the CDN (Cache-Control: private)",
        "Avoid relying on the CDN cache for /api/session by setting Cache-Control: no-store",
    ],
)
def test_a_prohibition_of_a_named_act_is_not_vague(title: str) -> None:
    assert vague(title, "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Make the nightly build less brittle",
        "make the import job less fragile",
        "Make the search cluster more fault tolerant",
        "Make deploys less error-prone",
        "Make the failover less scary for on-call",
    ],
)
def test_make_something_less_or_more_of_a_quality_is_vague(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Make the deploy bot retry a failed Slack post 3 times with 2 s backoff",
        "Make the billing job idempotent by keying writes on the invoice id",
        "Make the less-used replicas read-only",
    ],
)
def test_make_with_a_named_behaviour_is_not_vague(title: str) -> None:
    assert vague(title, "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Set the export timeout to something more forgiving",
        "Raise the connection cap at something sensible for peak",
        "Lower the log retention to some sensible figure",
        "Put the rate limit at a level that makes sense",
        "Move the backup window to a more realistic slot",
    ],
)
def test_a_setting_moved_to_an_indefinite_value_is_vague(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Fewer than 5 pages a week for the payments rota",
        "At most one failed deploy per month",
        "Less than 0.1% of webhooks retried by the end of June",
        "No more than 2 minutes of write downtime per failover",
        "Under 3 manual restarts of the queue workers per quarter",
    ],
)
def test_a_quantified_state_with_no_action_is_a_goal(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Alert when more than 1 in 1000 checkout requests fail over 10 minutes",
        "Fail the deploy when fewer than 3 replicas are healthy",
        "Limit the queue workers to 3 automatic restarts per hour",
    ],
)
def test_a_quantity_as_the_condition_of_an_action_is_not_a_goal(title: str) -> None:
    assert vague(title, "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Get checkout latency back to baseline",
        "Bring error rates back down to normal",
        "Return the queue depth to pre-incident levels",
        "Have the API back under 200 ms p99 by March",
        "Get search back to where it was before the migration",
    ],
)
def test_getting_a_measure_back_to_a_level_is_a_goal(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Roll the search cluster back to v2.3.1",
        "Bring the replica back into the pool once pg_stat_replication shows lag under 1 s",
        "Move the cron back to 02:00 UTC",
    ],
)
def test_putting_a_named_thing_back_is_not_a_goal(title: str) -> None:
    assert vague(title, "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Have a word with networking about the MTU change",
        "Speak with the vendor regarding rate limits",
        "Reach out to AWS support about the EBS stalls",
        "Talk to finance re: the reserved-instance renewal",
        "Chat with the DBAs re the vacuum schedule",
    ],
)
def test_talking_to_a_party_about_a_topic_is_discussion_only(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Ask the CDN vendor to raise our purge limit to 2000 requests per minute",
        "Email AWS support the EBS stall timestamps and volume ids from the incident",
        "Send finance the reserved-instance renewal form signed by the CTO",
    ],
)
def test_a_request_that_names_what_is_asked_is_not_discussion_only(title: str) -> None:
    assert vague(title, "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Add the failover plan to next week's ops sync agenda",
        "Put the retention question on the agenda for Thursday",
        "Bring the backup question to the architecture forum",
        "Get the paging policy onto the next all-hands agenda",
        "Take the schema ownership topic to arch review",
    ],
)
def test_putting_a_topic_on_an_agenda_is_discussion_only(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Add the failover drill to the on-call handbook's quarterly checklist",
        "Put the restore command in the runbook under 'Failover'",
        "Bring the replica on db-7 back into the pool",
    ],
)
def test_putting_a_thing_in_a_document_or_a_pool_is_not_an_agenda(title: str) -> None:
    assert vague(title, "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Get the DBAs and the app team around a table on the migration plan",
        "Get everyone on a call re: the rollout",
        "Pull SRE and product into a meeting about the SLOs",
        "Get security and support in a room to go over the disclosure process",
    ],
)
def test_getting_people_together_is_discussion_only(title: str) -> None:
    assert vague(title, "") == ["title"]


def test_getting_a_team_to_make_a_named_change_is_not_discussion_only() -> None:
    assert vague("Get the DBA team to add a NOT NULL constraint on orders.customer_id", "") == []


@pytest.mark.parametrize(
    "title",
    [
        "Lock down the staging cluster",
        "Iron out the kinks in the deploy flow",
        "Firm up the on-call handover",
        "Smooth out the release process",
    ],
)
def test_a_phrasal_verb_of_improvement_with_no_mechanism_is_vague(title: str) -> None:
    assert vague(title, "") == ["title"]


@pytest.mark.parametrize(
    "title",
    [
        "Lock down SSH on the bastions by setting PasswordAuthentication no",
        "Rely less on manual failover by adding Patroni with a 10 s leader TTL",
    ],
)
def test_a_vague_phrase_followed_by_its_mechanism_is_not_vague(title: str) -> None:
    assert vague(title, "") == []
