"""SMART action items: the item's checks (owner, due, title, done-when, root cause) and its wording."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.properties import CODES, SETTINGS, assert_spans_index, texts
from tests.support.rules import NOW, POLICY, by_code, codes, draft
from workflows.codes import Code
from workflows.policy import ActionItemPolicy, Policy
from workflows.review import ActionItemDraft, Violation
from workflows.rules import SMART_QUESTION, check_action_item, lint_action_wording


def test_wording_findings_use_the_field_prefix() -> None:
    findings = lint_action_wording("Look into it", "done", field_prefix="action_items.3.")
    assert [f.field for f in findings] == ["action_items.3.title", "action_items.3.done_when"]


def test_wording_without_done_when_checks_only_the_title() -> None:
    assert [f.field for f in lint_action_wording("Improve things")] == ["title"]


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


@SETTINGS
@given(title=texts, done_when=st.one_of(st.none(), texts))
def test_lint_action_wording_never_raises_and_spans_index_the_text(
    title: str, done_when: str | None
) -> None:
    findings = lint_action_wording(title, done_when, "action_items.1.")
    assert_spans_index(title, findings, "action_items.1.title")
    if done_when is not None:
        assert_spans_index(done_when, findings, "action_items.1.done_when")
    assert all(f.kind == "vague" for f in findings)


VALID_TITLES = [
    "Add a canary stage for config changes to the deploy pipeline",
    "Page the on-call when queue depth exceeds 10k for 5 minutes",
    "Cap the connection pool at 200 in the payments Helm chart",
]


VALID_DONE_WHEN = [
    "A config change without a canary run fails the pipeline in staging",
    "The alert fires in staging when replica lag exceeds 30 s",
    "The runbook page has a pool-resize section linked from the alert",
]


case_changes: list[Callable[[str], str]] = [
    str.upper,
    str.lower,
    str.title,
    str.swapcase,
    str.capitalize,
    lambda s: s,
]


padding = st.text(alphabet=" \t\n\r\u00a0", max_size=4)


@SETTINGS
@given(
    title=st.sampled_from(VALID_TITLES),
    done_when=st.sampled_from(VALID_DONE_WHEN),
    title_case=st.sampled_from(case_changes),
    done_case=st.sampled_from(case_changes),
    pads=st.tuples(padding, padding, padding, padding),
)
def test_valid_item_stays_valid_under_whitespace_and_case_changes(
    title: str,
    done_when: str,
    title_case: Callable[[str], str],
    done_case: Callable[[str], str],
    pads: tuple[str, str, str, str],
) -> None:
    item = ActionItemDraft(
        title=f"{pads[0]}{title_case(title)}{pads[1]}",
        owner="alice@example.com",
        due="2025-06-30",
        done_when=f"{pads[2]}{done_case(done_when)}{pads[3]}",
        root_cause="rc1",
    )
    assert check_action_item(item, ["rc1"], NOW, POLICY) == []


@SETTINGS
@given(
    title=st.one_of(st.sampled_from(VALID_TITLES), texts),
    owner=st.one_of(st.just("alice@example.com"), st.text(max_size=40)),
    due=st.one_of(
        st.sampled_from(["2025-06-30", "2024-01-01", "2026-06-01"]), st.text(max_size=30)
    ),
    done_when=st.one_of(st.sampled_from(VALID_DONE_WHEN), texts),
    root_cause=st.one_of(st.just("rc1"), st.text(max_size=10)),
)
def test_every_rejected_item_carries_a_violation_with_a_hint(
    title: str, owner: str, due: str, done_when: str, root_cause: str
) -> None:
    item = ActionItemDraft(
        title=title, owner=owner, due=due, done_when=done_when, root_cause=root_cause
    )
    violations = check_action_item(item, ["rc1"], NOW, POLICY, "action_items.1.")
    for violation in violations:
        assert violation.hint.strip()
        assert violation.message.strip()
        assert violation.code in CODES
        assert violation.field.startswith("action_items.1.")
    fields = [v.field for v in violations]
    assert len(fields) == len(set(fields)), "at most one violation per field"
