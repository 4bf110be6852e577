"""Deadline arithmetic (workflows.deadlines): pure, from state and policy alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workflows.deadlines import (
    MAX_TICKET_ATTEMPTS,
    escalation_due,
    follow_up_start,
    item_reconciles,
    next_item_timer,
    next_review_deadline,
    reconcile_interval,
)
from workflows.policy import Policy
from workflows.review import ActionItem, Incident, ItemStatus, Phase, ReviewState, Ticket

RESOLVED = datetime(2026, 3, 4, 15, 30, tzinfo=UTC)  # a Wednesday
DAY = timedelta(days=1)


def policy(**follow_up: object) -> Policy:
    return Policy.model_validate({"timezone": "UTC", "follow_up": follow_up})


def state(**fields: object) -> ReviewState:
    return ReviewState.model_validate(
        {
            "incident": Incident(id="PDL1", title="Checkout 503s", resolved_at=RESOLVED),
            "facilitator": "f@example.com",
            "leadership": ["vp@example.com"],
            **fields,
        }
    )


def item(**fields: object) -> ActionItem:
    return ActionItem.model_validate(
        {
            "id": "1",
            "title": "Cap pool size at 20 in the template",
            "owner": "carol@example.com",
            "due": "2026-04-01",
            "done_when": "Load test at 2x peak stays under 80% pool usage.",
            "root_cause": "rc1",
            **fields,
        }
    )


def test_the_follow_up_is_after_resolution_at_the_meeting_time() -> None:
    start = follow_up_start(RESOLVED, policy(after="P35D", meeting_time="10:00"))
    assert start == datetime(2026, 4, 8, 10, 0, tzinfo=UTC)


def test_a_follow_up_falling_on_a_weekend_moves_to_monday() -> None:
    start = follow_up_start(RESOLVED, policy(after="P31D", meeting_time="10:00"))  # a Saturday
    assert start == datetime(2026, 4, 6, 10, 0, tzinfo=UTC)


def test_a_follow_up_under_a_day_away_is_not_rounded_to_the_calendar() -> None:
    assert follow_up_start(RESOLVED, policy(after="PT30S")) == RESOLVED + timedelta(seconds=30)


def test_a_draft_is_reminded_then_escalated_on_the_cadence() -> None:
    rules = Policy()
    deadline = RESOLVED + rules.review.draft_deadline
    assert next_review_deadline(state(), rules) == deadline
    reminded = state(draft_reminded=True)
    assert next_review_deadline(reminded, rules) == deadline + rules.action_items.escalate_after
    last = deadline + timedelta(days=9)
    escalated = state(draft_reminded=True, last_draft_escalation_at=last)
    assert next_review_deadline(escalated, rules) == last + rules.action_items.escalate_every


def test_a_tracked_review_waits_for_its_invitation_and_then_only_for_messages() -> None:
    rules = Policy()
    meeting = RESOLVED + timedelta(days=35)
    tracking = state(phase=Phase.TRACKING, follow_up_at=meeting)
    assert next_review_deadline(tracking, rules) == meeting - rules.follow_up.invite_ahead
    invited = state(phase=Phase.TRACKING, follow_up_at=meeting, follow_up_invited_at=meeting)
    assert next_review_deadline(invited, rules) is None


def test_escalations_start_after_the_grace_period_then_repeat() -> None:
    rules = Policy().action_items
    due = RESOLVED
    assert escalation_due(due, None, rules) == due + rules.escalate_after
    assert escalation_due(due, due + timedelta(days=20), rules) == (
        due + timedelta(days=20) + rules.escalate_every
    )


def test_an_item_without_a_ticket_reconciles_only_while_opening_may_be_retried() -> None:
    assert not item_reconciles(item(), 0)
    assert item_reconciles(item(), 1)
    assert not item_reconciles(item(), MAX_TICKET_ATTEMPTS)
    assert item_reconciles(item(ticket=Ticket(key="OPS-1", url="https://t/OPS-1")), 0)
    assert not item_reconciles(item(status=ItemStatus.DONE), 1)


def test_the_next_item_timer_is_the_earliest_still_to_come() -> None:
    rules = Policy().action_items
    due = datetime(2026, 4, 2, tzinfo=UTC)  # the end of 2026-04-01 in UTC
    timer = next_item_timer(
        item(),
        tz="UTC",
        policy=rules,
        reminded=False,
        overdue_notified=False,
        last_escalation_at=None,
        last_reconciled_at=None,
        ticket_attempts=0,
    )
    assert timer == due - rules.remind_before
    reminded = next_item_timer(
        item(),
        tz="UTC",
        policy=rules,
        reminded=True,
        overdue_notified=False,
        last_escalation_at=None,
        last_reconciled_at=None,
        ticket_attempts=0,
    )
    assert reminded == due


def test_a_settled_item_has_no_timer() -> None:
    timer = next_item_timer(
        item(status=ItemStatus.DROPPED),
        tz="UTC",
        policy=Policy().action_items,
        reminded=False,
        overdue_notified=False,
        last_escalation_at=None,
        last_reconciled_at=None,
        ticket_attempts=0,
    )
    assert timer is None


def test_reconciliation_backs_off_far_from_the_due_date_only() -> None:
    rules = Policy().action_items
    due = datetime(2026, 4, 2, tzinfo=UTC)
    slow = rules.reconcile_every * rules.reconcile_backoff
    weeks_before, near, late = due - timedelta(days=20), due - timedelta(days=1), due + 8 * DAY
    assert reconcile_interval(due, weeks_before, rules, backs_off=True) == slow
    assert reconcile_interval(due, near, rules, backs_off=True) == rules.reconcile_every
    assert reconcile_interval(due, due + 6 * DAY, rules, backs_off=True) == rules.reconcile_every
    assert reconcile_interval(due, late, rules, backs_off=True) == slow
    # Runs recorded before the back-off keep reading on reconcile_every throughout.
    assert reconcile_interval(due, weeks_before, rules, backs_off=False) == rules.reconcile_every


def test_a_ticketed_item_far_from_due_waits_the_backed_off_cadence() -> None:
    rules = Policy().action_items
    read_at = datetime(2026, 3, 5, tzinfo=UTC)  # four weeks before due
    timer = next_item_timer(
        item(ticket=Ticket(key="OPS-1", url="http://t/OPS-1")),
        tz="UTC",
        policy=rules,
        reminded=False,
        overdue_notified=False,
        last_escalation_at=None,
        last_reconciled_at=read_at,
        ticket_attempts=0,
        backs_off=True,
    )
    assert timer == read_at + rules.reconcile_every * rules.reconcile_backoff
