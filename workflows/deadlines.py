"""When things are due: the deadline arithmetic of both workflows, pure and in one place.

Every deadline is computed from state and policy alone, so a replay or a continue-as-new computes
the same moments again (the workflows turn them into durable timers). No clock is read here: the
callers pass ``workflow.now()`` where a moment depends on it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from workflows.policy import ActionItemPolicy, Policy
from workflows.review import ActionItem, Incident, ItemStatus, Phase, ReviewState, parse_due

__all__ = [
    "MAX_TICKET_ATTEMPTS",
    "draft_deadline",
    "escalation_due",
    "follow_up_start",
    "invitation_due",
    "item_due",
    "item_reconciles",
    "next_item_timer",
    "next_review_deadline",
    "reconcile_interval",
]

#: Attempts to open an item's ticket (at publish, then on the reconcile cadence) before giving up.
MAX_TICKET_ATTEMPTS = 3


# --- the review ----------------------------------------------------------------------------------


def follow_up_start(resolved_at: datetime, policy: Policy) -> datetime:
    """Meeting start: ``follow_up.after`` past resolution, at the policy's local time.

    Weekends move to the next Monday. When ``after`` is shorter than a day (demos, tests) the
    meeting is simply resolution + after, with no calendar rounding.
    """
    target = resolved_at + policy.follow_up.after
    if policy.follow_up.after < timedelta(days=1):
        return target
    zone = ZoneInfo(policy.timezone)
    local_day = target.astimezone(zone).date()
    while local_day.weekday() >= 5:
        local_day += timedelta(days=1)
    hours, minutes = (int(p) for p in policy.follow_up.meeting_time.split(":"))
    return datetime.combine(local_day, time(hours, minutes), tzinfo=zone)


def draft_deadline(incident: Incident, policy: Policy) -> datetime:
    """Publish by then, or the facilitator is reminded (``review.draft_deadline`` after resolution)."""
    return incident.resolved_at + policy.review.draft_deadline


def invitation_due(state: ReviewState, policy: Policy) -> datetime | None:
    """When the follow-up invitation goes out (``follow_up.invite_ahead`` before the meeting)."""
    if state.follow_up_at is None:
        return None
    return state.follow_up_at - policy.follow_up.invite_ahead


def next_review_deadline(state: ReviewState, policy: Policy) -> datetime | None:
    """The review's next timer: the draft reminder, then each draft escalation on the item
    escalation cadence, then the invitation; None when only a message can move it on."""
    if state.phase == Phase.DRAFTING:
        deadline = draft_deadline(state.incident, policy)
        if not state.draft_reminded:
            return deadline
        if state.last_draft_escalation_at is None:
            return deadline + policy.action_items.escalate_after
        return state.last_draft_escalation_at + policy.action_items.escalate_every
    if state.phase == Phase.TRACKING and state.follow_up_invited_at is None:
        return invitation_due(state, policy)
    return None


# --- an item -------------------------------------------------------------------------------------


def item_due(item: ActionItem, tz: str) -> datetime:
    """The moment the item is due (a date means the end of that day in ``tz``)."""
    return parse_due(item.due, tz)


def escalation_due(
    due: datetime, last_escalation_at: datetime | None, policy: ActionItemPolicy
) -> datetime:
    """The next escalation: ``escalate_after`` past due, then every ``escalate_every``."""
    if last_escalation_at is None:
        return due + policy.escalate_after
    return last_escalation_at + policy.escalate_every


def item_reconciles(item: ActionItem, ticket_attempts: int) -> bool:
    """Whether the item reads its ticket on the reconcile cadence: it has a ticket, or opening
    one failed and may be tried again."""
    if item.status != ItemStatus.OPEN:
        return False
    retry_ticket = item.ticket is None and 0 < ticket_attempts < MAX_TICKET_ATTEMPTS
    return item.ticket is not None or retry_ticket


def reconcile_interval(
    due: datetime, last_reconciled_at: datetime, policy: ActionItemPolicy, *, backs_off: bool
) -> timedelta:
    """The wait after the reconciliation read at ``last_reconciled_at``: ``reconcile_every`` from
    the owner's reminder to the end of the grace period after due, ``reconcile_backoff`` times
    longer before and after that (when ``backs_off``). The reminder, the overdue notice and each
    escalation read the live status anyway, so nobody is nagged about a closed ticket."""
    near = due - policy.remind_before <= last_reconciled_at < due + policy.escalate_after
    if not backs_off or near:
        return policy.reconcile_every
    return policy.reconcile_every * policy.reconcile_backoff


def next_item_timer(
    item: ActionItem,
    *,
    tz: str,
    policy: ActionItemPolicy,
    reminded: bool,
    overdue_notified: bool,
    last_escalation_at: datetime | None,
    last_reconciled_at: datetime | None,
    ticket_attempts: int,
    backs_off: bool = False,
    watched: bool = False,
) -> datetime | None:
    """The item's next timer: the earliest of the owner's reminder, the overdue notice, the next
    escalation and the next reconciliation read (each only while still to come); None once the
    item is settled. ``last_reconciled_at`` must be set when :func:`item_reconciles`; the
    reconciliation's cadence is :func:`reconcile_interval` (``backs_off``: of items recorded with
    the reconcile back-off). ``watched`` (default False): an activity watches the item's ticket
    (``workflows.calls.watch_ticket``), so a ticket needs no reconciliation timer; an item still
    without one keeps the timer that tries to open it again."""
    if item.status != ItemStatus.OPEN:
        return None
    due = item_due(item, tz)
    candidates: list[datetime] = []
    if not reminded and not overdue_notified:
        candidates.append(due - policy.remind_before)
    if not overdue_notified:
        candidates.append(due)
    candidates.append(escalation_due(due, last_escalation_at, policy))
    if item_reconciles(item, ticket_attempts) and not (watched and item.ticket is not None):
        assert last_reconciled_at is not None
        wait = reconcile_interval(due, last_reconciled_at, policy, backs_off=backs_off)
        candidates.append(last_reconciled_at + wait)
    return min(candidates)
