"""SMART action items: vague wording (title and done-when read together) and the item's checks."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.support.rules import NOW, POLICY, by_code, codes, draft
from workflows.codes import Code
from workflows.policy import ActionItemPolicy, Policy
from workflows.review import ActionItemDraft, Violation
from workflows.rules import SMART_QUESTION, check_action_item, lint_action_wording

DONE = "The alert fires in staging when replica lag is forced to 60 s"


def vague(title: str, done_when: str | None = DONE) -> list[str]:
    """The fields with a vague finding."""
    return sorted({f.field or "" for f in lint_action_wording(title, done_when)})


def item(title: str, done_when: str | None) -> object:
    return pytest.param(title, done_when, id=title[:40])


# --- positive families ------------------------------------------------------------------------

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

UNMEASURABLE_DONE_WHEN = [
    item("Add a replica lag alert at 30 s", "when everyone is comfortable"),
    item("Add a replica lag alert at 30 s", "Alerting is better"),
    item("Add a replica lag alert at 30 s", "done"),
    item("Add a replica lag alert at 30 s", "The team is aware of the risk"),
    item("Add a replica lag alert at 30 s", "Hopefully no more incidents"),
]

RESTATES_TITLE = [
    item("Harden the VPN config", "VPN hardened"),
    item("Add a canary stage to the deploy pipeline", "Canary stage added to the pipeline"),
    item("Document the failover procedure", "The failover procedure is documented"),
    item("Upgrade the payments database", "Payments database upgraded"),
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


@pytest.mark.parametrize(("title", "done_when"), UNMEASURABLE_DONE_WHEN)
def test_a_concrete_title_with_an_unmeasurable_done_when_is_vague(
    title: str, done_when: str
) -> None:
    assert vague(title, done_when) == ["done_when"]


@pytest.mark.parametrize(("title", "done_when"), RESTATES_TITLE)
def test_a_done_when_that_restates_the_title_is_vague(title: str, done_when: str) -> None:
    assert "done_when" in vague(title, done_when)


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


# --- negative families ------------------------------------------------------------------------

TRIGGER_THEN_CONCRETE = [
    item("Set the client retry timeout to 2 s", DONE),
    item("Lower the CPU alert threshold to 80%", DONE),
    item(
        "Monitor disk use on the ledger hosts: page at 90% for 10 minutes",
        "A staging fill test pages the on-call",
    ),
    item(
        "Investigate the GC pauses on search-3 by capturing a heap profile during the nightly "
        "load test",
        "The heap profile is attached to INC-231",
    ),
    item(
        "Review every alert without a runbook link and add the link",
        "No alert in alerts.yaml lacks a runbook_url",
    ),
    item(
        "Improve the deploy check by failing builds whose config has no pool limit",
        "A config without a pool limit fails CI with a message naming the key",
    ),
    item(
        "Reduce checkout p99 below 300 ms by caching the tax table for 60 s",
        "The load test shows p99 under 300 ms at 2k rps",
    ),
]

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

CONCRETE = [
    item("Set the client retry timeout to 2 s", DONE),
    item("Lower the CPU alert threshold to 80%", DONE),
    item(
        "Add a canary stage to the payments deploy pipeline",
        "A deploy with 5xx over 1% in canary is rolled back automatically in staging",
    ),
    item(
        "Add an alert on replica lag over 30 s for 5 minutes",
        "The alert fires in staging when replica lag is forced to 60 s",
    ),
    item(
        "Document the restart sequence in the payments runbook",
        "The runbook page is linked from the PaymentsDown alert",
    ),
    item(
        "Cap the connection pool at 200 in the payments Helm chart",
        "helm template shows maxPoolSize: 200 for every environment",
    ),
    item("Page the on-call when queue depth exceeds 10k for 5 minutes", DONE),
]


@pytest.mark.parametrize(("title", "done_when"), TRIGGER_THEN_CONCRETE)
def test_a_trigger_word_followed_by_a_concrete_change_and_check_is_not_vague(
    title: str, done_when: str
) -> None:
    assert vague(title, done_when) == []


@pytest.mark.parametrize(("title", "done_when"), QUOTED_AND_REQUIRED)
def test_quoted_status_names_and_a_required_check_are_not_vague(title: str, done_when: str) -> None:
    assert vague(title, done_when) == []


@pytest.mark.parametrize(("title", "done_when"), CONCRETE)
def test_a_concrete_item_with_a_check_is_not_vague(title: str, done_when: str) -> None:
    assert vague(title, done_when) == []


# --- what a vague finding says ----------------------------------------------------------------


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


def test_a_vague_finding_can_carry_a_concrete_suggestion() -> None:
    (finding,) = lint_action_wording("Look into the database")
    assert finding.suggestion


def test_wording_findings_use_the_field_prefix() -> None:
    findings = lint_action_wording("Look into it", "done", field_prefix="action_items.3.")
    assert [f.field for f in findings] == ["action_items.3.title", "action_items.3.done_when"]


def test_wording_without_done_when_checks_only_the_title() -> None:
    assert [f.field for f in lint_action_wording("Improve things")] == ["title"]


# --- check_action_item ------------------------------------------------------------------------


def check(item: ActionItemDraft, policy: Policy = POLICY, prefix: str = "") -> list[Violation]:
    return check_action_item(item, ["rc1", "rc2"], NOW, policy, prefix)


def test_smart_item_is_valid() -> None:
    assert check(draft()) == []


def test_owner_with_surrounding_whitespace_is_valid() -> None:
    assert check(draft(owner="  alice@example.com \n")) == []


@pytest.mark.parametrize(
    "owner",
    [
        "alice@example.com, bob@example.com",
        "alice@example.com; bob@example.com",
        "alice@example.com/bob@example.com",
        "alice@example.com and bob@example.com",
        "alice@example.com bob@example.com",
        "alice, bob",
        "",
        "   ",
    ],
)
def test_owner_must_be_exactly_one(owner: str) -> None:
    violation = by_code(check(draft(owner=owner)), Code.OWNER_NOT_SINGLE)
    assert violation.field == "owner"


@pytest.mark.parametrize(
    "owner",
    ["alice", "alice@", "@example.com", "alice@example", "alice@@example.com", "Alice Smith"],
)
def test_owner_must_be_an_email_address(owner: str) -> None:
    violation = by_code(check(draft(owner=owner)), Code.OWNER_INVALID)
    assert violation.field == "owner"
    assert owner.strip() in violation.message


def test_owner_with_display_name_gets_a_hint_with_the_bare_address() -> None:
    violation = by_code(check(draft(owner="Alice <alice@example.com>")), Code.OWNER_INVALID)
    assert "alice@example.com" in violation.hint


@pytest.mark.parametrize("due", ["next week", "2025-02-30", "", "30/06/2025", "9999-12-31"])
def test_unparseable_due_is_invalid(due: str) -> None:
    violation = by_code(check(draft(due=due)), Code.DUE_INVALID)
    assert violation.field == "due"


@pytest.mark.parametrize("due", ["2025-06-01", "2025-06-02T11:59:00Z", "2024-12-31"])
def test_due_in_the_past_is_rejected(due: str) -> None:
    violation = by_code(check(draft(due=due)), Code.DUE_IN_PAST)
    assert violation.field == "due"


def test_due_today_means_the_end_of_the_day() -> None:
    assert check(draft(due="2025-06-02")) == []


def test_due_date_ends_in_the_policy_timezone() -> None:
    late = datetime(2025, 6, 3, 2, 0, tzinfo=NOW.tzinfo)  # still 2 June, 22:00, in New York
    new_york = Policy(timezone="America/New_York")
    later = draft(due="2025-06-02")
    assert codes(check_action_item(later, ["rc1"], late, POLICY)) == [Code.DUE_IN_PAST]
    assert check_action_item(later, ["rc1"], late, new_york) == []


def test_due_beyond_the_horizon_is_rejected() -> None:
    violation = by_code(check(draft(due="2025-09-15")), Code.DUE_BEYOND_HORIZON)
    assert violation.field == "due"
    assert "90 days" in violation.message


def test_due_exactly_at_the_horizon_is_accepted() -> None:
    assert check(draft(due=(NOW + timedelta(days=90)).isoformat())) == []


def test_horizon_comes_from_the_policy() -> None:
    short = Policy(action_items=ActionItemPolicy(max_horizon=timedelta(days=7)))
    violation = by_code(check(draft(due="2025-06-20"), short), Code.DUE_BEYOND_HORIZON)
    assert "7 days" in violation.message


def test_blank_done_when_is_missing() -> None:
    violation = by_code(check(draft(done_when="  ")), Code.DONE_WHEN_MISSING)
    assert violation.field == "done_when"


def test_item_with_vague_done_when_is_not_measurable() -> None:
    violation = by_code(check(draft(done_when="Alerting is better")), Code.DONE_WHEN_NOT_MEASURABLE)
    assert violation.field == "done_when"
    assert '"better"' in violation.message


def test_unknown_root_cause_is_rejected_listing_the_known_ones() -> None:
    violation = by_code(check(draft(root_cause="rc9")), Code.ROOT_CAUSE_UNKNOWN)
    assert violation.field == "root_cause"
    assert "rc9" in violation.message
    assert "rc1, rc2" in violation.message


def test_blank_title_is_missing() -> None:
    violation = by_code(check(draft(title="")), Code.TITLE_MISSING)
    assert violation.field == "title"


def test_vague_title_is_rejected_with_the_smart_question() -> None:
    violation = by_code(check(draft(title="Look into the database")), Code.TITLE_VAGUE)
    assert violation.field == "title"
    assert violation.message == 'The title "Look into the database" is vague ("Look into").'
    assert violation.hint.startswith(SMART_QUESTION)


def test_title_with_several_vague_phrases_gives_one_violation_naming_them() -> None:
    violation = by_code(check(draft(title="Investigate and improve alerting")), Code.TITLE_VAGUE)
    assert '"Investigate", "improve"' in violation.message


def test_item_fields_use_the_prefix() -> None:
    bad = draft(title="", owner="", due="", done_when="", root_cause="")
    violations = check(bad, prefix="action_items.4.")
    assert [v.field for v in violations] == [
        "action_items.4.title",
        "action_items.4.owner",
        "action_items.4.due",
        "action_items.4.done_when",
        "action_items.4.root_cause",
    ]


def test_every_smart_violation_is_returned_at_once() -> None:
    bad = draft(
        title="Be more careful",
        owner="alice@example.com, bob@example.com",
        due="2025-01-01",
        done_when="done",
        root_cause="rc7",
    )
    assert codes(check(bad)) == [
        Code.TITLE_VAGUE,
        Code.OWNER_NOT_SINGLE,
        Code.DUE_IN_PAST,
        Code.DONE_WHEN_NOT_MEASURABLE,
        Code.ROOT_CAUSE_UNKNOWN,
    ]
