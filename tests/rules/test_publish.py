"""The whole review: its findings, what blocks publishing, and the follow-up meeting's record."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.support.rules import NOW, POLICY, by_code, cause, chain, codes, item, ready_state
from workflows.codes import OVERRIDABLE_CODES, Code
from workflows.review import (
    FollowUpOutcome,
    FollowUpRecord,
    FollowUpStatus,
    ItemStatus,
    Phase,
    ReviewState,
    WentWell,
)
from workflows.rules import check_follow_up, check_publish, review_findings

SYMPTOM_CAUSE = cause("The payment system crashed")


def tracking_state(**changes: Any) -> ReviewState:
    state = ready_state(phase=Phase.TRACKING)
    return state.model_copy(update=changes)


# --- review_findings --------------------------------------------------------------------------


def test_review_findings_cover_every_free_text_field() -> None:
    five = chain(
        symptom="Checkout failed because Bob forgot the flag",
        whys=["a", "The deploy was careless", "c"],
        root_causes=[cause("human error")],
    )
    state = ready_state(
        five_whys=five,
        went_well=[WentWell(text="Fast paging"), WentWell(text="Alice fixed what Dave broke")],
        action_items=[
            item("1", title="Stop operator error", done_when="The on-call should have known")
        ],
    )
    assert [(f.field, f.text) for f in review_findings(state)] == [
        ("five_whys.symptom", "Bob forgot"),
        ("five_whys.whys.1", "careless"),
        ("five_whys.root_causes.0.statement", "human error"),
        ("went_well.1", "Dave broke"),
        ("action_items.1.title", "operator error"),
        ("action_items.1.done_when", "should have known"),
    ]


def test_review_findings_of_a_clean_review_are_empty() -> None:
    assert review_findings(ready_state()) == []


def test_review_findings_without_five_whys_still_check_went_well() -> None:
    state = ready_state(five_whys=None, went_well=[WentWell(text="The DBA was careless")])
    assert [f.field for f in review_findings(state)] == ["went_well.0"]


def test_a_root_cause_that_reads_as_a_symptom_is_a_finding_of_kind_symptom() -> None:
    state = ready_state(five_whys=chain(root_causes=[SYMPTOM_CAUSE, chain().root_causes[1]]))
    (finding,) = review_findings(state)
    assert (finding.kind, finding.code, finding.field) == (
        "symptom",
        Code.ROOT_CAUSE_IS_SYMPTOM,
        "five_whys.root_causes.0.statement",
    )


def test_a_root_cause_that_stops_at_a_person_is_reported_once_as_blame() -> None:
    state = ready_state(five_whys=chain(root_causes=[cause("Bob forgot to renew the cert")]))
    assert [f.kind for f in review_findings(state)] == ["blame"]


# --- check_publish ----------------------------------------------------------------------------


def test_ready_review_can_be_published() -> None:
    assert check_publish(ready_state(), NOW, POLICY, None) == []


@pytest.mark.parametrize("phase", [Phase.TRACKING, Phase.FOLLOW_UP, Phase.CLOSED])
def test_publishing_outside_drafting_is_wrong_phase(phase: Phase) -> None:
    violations = check_publish(ready_state(phase=phase), NOW, POLICY, None)
    assert codes(violations) == [Code.WRONG_PHASE]
    assert violations[0].field == "phase"


def test_publishing_without_five_whys_is_refused() -> None:
    violations = check_publish(ready_state(five_whys=None), NOW, POLICY, None)
    assert codes(violations) == [Code.FIVE_WHYS_MISSING]
    assert violations[0].field == "five_whys"


def test_publishing_reports_five_whys_violations() -> None:
    state = ready_state(five_whys=chain(whys=["one", "two"]))
    violation = by_code(check_publish(state, NOW, POLICY, None), Code.WHYS_TOO_FEW)
    assert violation.field == "whys"


def test_publishing_without_went_well_is_refused() -> None:
    violations = check_publish(ready_state(went_well=[]), NOW, POLICY, None)
    assert codes(violations) == [Code.WENT_WELL_MISSING]
    assert violations[0].field == "went_well"


def test_blank_went_well_entries_do_not_count() -> None:
    violations = check_publish(ready_state(went_well=[WentWell(text=" ")]), NOW, POLICY, None)
    assert codes(violations) == [Code.WENT_WELL_MISSING, Code.WENT_WELL_EMPTY]
    assert violations[1].field == "went_well.0"


def test_publishing_without_action_items_is_refused() -> None:
    violations = check_publish(ready_state(action_items=[]), NOW, POLICY, None)
    assert by_code(violations, Code.ACTION_ITEMS_MISSING).field == "action_items"


def test_root_cause_without_an_action_item_is_uncovered() -> None:
    violations = check_publish(ready_state(action_items=[item("1")]), NOW, POLICY, None)
    assert codes(violations) == [Code.ROOT_CAUSE_UNCOVERED]
    assert violations[0].field == "root_causes.1"
    assert "rc2" in violations[0].message


def test_publishing_checks_every_item_with_its_field_prefix() -> None:
    state = ready_state()
    state.action_items[1] = item("2", owner="not-an-email", root_cause="rc2")
    violation = by_code(check_publish(state, NOW, POLICY, None), Code.OWNER_INVALID)
    assert violation.field == "action_items.2.owner"


def test_publishing_rejects_an_item_whose_due_date_has_passed() -> None:
    violations = check_publish(ready_state(), NOW + timedelta(days=40), POLICY, None)
    assert codes(violations) == [Code.DUE_IN_PAST, Code.DUE_IN_PAST]
    assert [v.field for v in violations] == ["action_items.1.due", "action_items.2.due"]


def test_open_blame_findings_block_publishing_without_override() -> None:
    state = ready_state(went_well=[WentWell(text="Alice fixed what Bob broke")])
    violation = by_code(check_publish(state, NOW, POLICY, None), Code.BLAME_FINDINGS_OPEN)
    assert violation.field == "blame_override"
    assert '"Bob broke" in went_well.0' in violation.message
    assert "override" in violation.hint


def test_override_reason_lets_blame_findings_through() -> None:
    state = ready_state(went_well=[WentWell(text="Alice fixed what Bob broke")])
    assert check_publish(state, NOW, POLICY, "Quoted from the customer's complaint") == []


def test_blank_override_reason_does_not_count() -> None:
    state = ready_state(went_well=[WentWell(text="Alice fixed what Bob broke")])
    assert codes(check_publish(state, NOW, POLICY, "   ")) == [Code.BLAME_FINDINGS_OPEN]


def test_a_root_cause_that_is_a_symptom_blocks_publishing_without_override() -> None:
    state = ready_state(five_whys=chain(root_causes=[SYMPTOM_CAUSE, chain().root_causes[1]]))
    violations = check_publish(state, NOW, POLICY, None)
    assert codes(violations) == [Code.SYMPTOM_FINDINGS_OPEN]
    assert violations[0].field == "blame_override"
    assert "five_whys.root_causes.0.statement" in violations[0].message
    assert "why once more" in violations[0].hint.lower()


def test_an_override_reason_lets_a_symptom_root_cause_through() -> None:
    state = ready_state(five_whys=chain(root_causes=[SYMPTOM_CAUSE, chain().root_causes[1]]))
    assert check_publish(state, NOW, POLICY, "The crash itself is what we will fix") == []


def test_blame_and_symptom_findings_block_separately_and_one_override_lifts_both() -> None:
    state = ready_state(
        five_whys=chain(root_causes=[SYMPTOM_CAUSE, chain().root_causes[1]]),
        went_well=[WentWell(text="Alice fixed what Bob broke")],
    )
    assert codes(check_publish(state, NOW, POLICY, None)) == [
        Code.BLAME_FINDINGS_OPEN,
        Code.SYMPTOM_FINDINGS_OPEN,
    ]
    assert set(OVERRIDABLE_CODES) == {Code.BLAME_FINDINGS_OPEN, Code.SYMPTOM_FINDINGS_OPEN}
    assert check_publish(state, NOW, POLICY, "Reviewed with the team") == []


def test_every_publish_violation_is_returned_at_once() -> None:
    state = ready_state(
        five_whys=chain(symptom=""),
        went_well=[],
        action_items=[item("1", title="Look into it", root_cause="rc9")],
    )
    assert codes(check_publish(state, NOW, POLICY, None)) == [
        Code.SYMPTOM_MISSING,
        Code.WENT_WELL_MISSING,
        Code.ROOT_CAUSE_UNCOVERED,
        Code.ROOT_CAUSE_UNCOVERED,
        Code.TITLE_VAGUE,
        Code.ROOT_CAUSE_UNKNOWN,
    ]


# --- check_follow_up --------------------------------------------------------------------------


def outcome(item_id: str, status: FollowUpStatus, **fields: Any) -> FollowUpOutcome:
    return FollowUpOutcome(action_item=item_id, status=status, **fields)


def record(*outcomes: FollowUpOutcome) -> FollowUpRecord:
    return FollowUpRecord(outcomes=list(outcomes))


def test_follow_up_with_an_outcome_per_open_item_is_valid() -> None:
    rec = record(
        outcome("1", FollowUpStatus.DONE),
        outcome("2", FollowUpStatus.REPLANNED, due="2025-07-15", reason="Blocked on the upgrade"),
    )
    assert check_follow_up(tracking_state(), rec, NOW, POLICY) == []


def test_follow_up_is_accepted_in_the_follow_up_phase() -> None:
    rec = record(outcome("1", FollowUpStatus.DONE), outcome("2", FollowUpStatus.DONE))
    assert check_follow_up(tracking_state(phase=Phase.FOLLOW_UP), rec, NOW, POLICY) == []


@pytest.mark.parametrize("phase", [Phase.DRAFTING, Phase.CLOSED])
def test_follow_up_outside_tracking_is_wrong_phase(phase: Phase) -> None:
    violations = check_follow_up(tracking_state(phase=phase), record(), NOW, POLICY)
    assert codes(violations) == [Code.WRONG_PHASE]


def test_follow_up_outcome_for_an_unknown_item_is_rejected() -> None:
    rec = record(
        outcome("1", FollowUpStatus.DONE),
        outcome("2", FollowUpStatus.DONE),
        outcome("9", FollowUpStatus.DONE),
    )
    violations = check_follow_up(tracking_state(), rec, NOW, POLICY)
    assert codes(violations) == [Code.ACTION_ITEM_UNKNOWN]
    assert violations[0].field == "outcomes.2.action_item"


def test_follow_up_outcome_twice_for_one_item_is_invalid() -> None:
    rec = record(
        outcome("1", FollowUpStatus.DONE),
        outcome("2", FollowUpStatus.DONE),
        outcome("1", FollowUpStatus.DROPPED, reason="No longer needed"),
    )
    violations = check_follow_up(tracking_state(), rec, NOW, POLICY)
    assert codes(violations) == [Code.FOLLOW_UP_INVALID]
    assert violations[0].field == "outcomes.2.action_item"


@pytest.mark.parametrize(
    ("due", "code"),
    [
        (None, Code.DUE_INVALID),
        ("soon", Code.DUE_INVALID),
        ("2025-05-01", Code.DUE_IN_PAST),
        ("2026-01-01", Code.DUE_BEYOND_HORIZON),
    ],
)
def test_replanned_item_needs_a_valid_new_due_date(due: str | None, code: Code) -> None:
    rec = record(
        outcome("1", FollowUpStatus.REPLANNED, due=due, reason="Blocked"),
        outcome("2", FollowUpStatus.DONE),
    )
    violations = check_follow_up(tracking_state(), rec, NOW, POLICY)
    assert codes(violations) == [code]
    assert violations[0].field == "outcomes.0.due"


def test_replanned_item_needs_a_reason() -> None:
    rec = record(
        outcome("1", FollowUpStatus.REPLANNED, due="2025-07-01", reason=" "),
        outcome("2", FollowUpStatus.DONE),
    )
    violations = check_follow_up(tracking_state(), rec, NOW, POLICY)
    assert codes(violations) == [Code.FOLLOW_UP_INVALID]
    assert violations[0].field == "outcomes.0.reason"


def test_dropped_item_needs_a_reason() -> None:
    rec = record(outcome("1", FollowUpStatus.DROPPED), outcome("2", FollowUpStatus.DONE))
    violations = check_follow_up(tracking_state(), rec, NOW, POLICY)
    assert codes(violations) == [Code.FOLLOW_UP_INVALID]
    assert violations[0].field == "outcomes.0.reason"


def test_every_open_item_needs_an_outcome() -> None:
    violations = check_follow_up(tracking_state(), record(), NOW, POLICY)
    assert codes(violations) == [Code.FOLLOW_UP_INCOMPLETE]
    assert violations[0].field == "outcomes"
    assert '"1", "2"' in violations[0].message


def test_settled_items_need_no_outcome() -> None:
    state = tracking_state()
    state.action_items[0] = item("1", status=ItemStatus.DONE)
    rec = record(outcome("2", FollowUpStatus.DROPPED, reason="Service retired in Q3"))
    assert check_follow_up(state, rec, NOW, POLICY) == []


def test_a_settled_item_cannot_be_replanned() -> None:
    state = tracking_state()
    state.action_items[0] = item("1", status=ItemStatus.DONE)
    rec = record(
        outcome("1", FollowUpStatus.REPLANNED, due="2025-07-01", reason="More work"),
        outcome("2", FollowUpStatus.DONE),
    )
    violations = check_follow_up(state, rec, NOW, POLICY)
    assert codes(violations) == [Code.FOLLOW_UP_INVALID]
    assert violations[0].field == "outcomes.0.status"


def test_every_follow_up_violation_is_returned_at_once() -> None:
    rec = record(outcome("1", FollowUpStatus.REPLANNED), outcome("7", FollowUpStatus.DONE))
    assert codes(check_follow_up(tracking_state(), rec, NOW, POLICY)) == [
        Code.DUE_INVALID,
        Code.FOLLOW_UP_INVALID,
        Code.ACTION_ITEM_UNKNOWN,
        Code.FOLLOW_UP_INCOMPLETE,
    ]
