"""How workflows call their side effects: activity names, timeouts, retry policies, mail.

Activities are referenced by name (not imported) so that ``workflows/`` never imports the
side-effect rooms; the names are the public contract of ``activities/``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.exceptions import TimeoutError as TemporalTimeoutError
from temporalio.workflow import ActivityCancellationType

__all__ = [
    "CALL_TIMEOUT",
    "COMMENT_ON_TICKET",
    "FETCH_INCIDENT",
    "GIVE_UP_AFTER",
    "INCIDENT_ID",
    "INTEGRATION_RETRY",
    "LIST_REVIEWS",
    "LIST_REVIEW_ITEMS",
    "OPEN_TICKET",
    "PERSIST_REVIEW",
    "READ_TICKET_STATUS",
    "REVIEW_PHASE",
    "SEARCH_ATTRIBUTES",
    "SEND_EMAIL",
    "SEND_ITEM_EMAIL",
    "SERVICE",
    "WATCH_TICKET",
    "WRITE_REVIEW_DOC",
    "T",
    "call",
    "days_overdue",
    "failure_code",
    "failure_message",
    "item_line",
    "live_ticket_status",
    "review_mail",
    "root_cause_text",
    "rules_rejected",
    "send_item_mail",
    "send_mail",
    "sleep_until",
    "unknown_item",
    "watch_ticket",
    "went_well_empty",
    "wrong_phase",
]

with workflow.unsafe.imports_passed_through():
    from workflows.codes import NON_RETRYABLE_INTEGRATION_CODES, Code
    from workflows.messages import ItemLine, MailKind, MailOutcome, MailRequest
    from workflows.review import (
        ActionItem,
        FiveWhys,
        Incident,
        ItemStatus,
        Problem,
        Violation,
        parse_due,
    )
    from workflows.steps import ItemMail, ItemMailSent, TicketQuery, TicketStatus

T = TypeVar("T")

# Activity names (the functions live in activities/).
FETCH_INCIDENT = "fetch_incident"
WRITE_REVIEW_DOC = "write_review_doc"  # answers the URL; reviews started before 0.2 call it
WRITE_REVIEW_DOCUMENT = "write_review_document"  # answers ReviewDocWritten
OPEN_TICKET = "open_ticket"
READ_TICKET_STATUS = "read_ticket_status"
COMMENT_ON_TICKET = "comment_on_ticket"
WATCH_TICKET = "watch_ticket"  # completes once the ticket is done or deleted (items since 0.2)
SEND_EMAIL = "send_email"
SEND_ITEM_EMAIL = (
    "send_item_email"  # reads the item's ticket, sends unless done (item-lean-history)
)
LIST_REVIEW_ITEMS = "list_review_items"
LIST_REVIEWS = "list_reviews"
STORE_REVIEW = "store_review"
PERSIST_REVIEW = "persist_review"  # the store and the document in one call (small histories)
FIND_REPEATS = "find_repeats"
READ_DIGEST = "read_digest"

# Search attributes: registered on the dev server by `followthrough dev`, and with
# `temporal operator search-attribute create` on a real cluster (see deploy/).
INCIDENT_ID = SearchAttributeKey.for_keyword("FollowthroughIncidentId")
REVIEW_PHASE = SearchAttributeKey.for_keyword("FollowthroughPhase")
SERVICE = SearchAttributeKey.for_keyword("FollowthroughService")
SEARCH_ATTRIBUTES = (INCIDENT_ID, REVIEW_PHASE, SERVICE)

#: Integration calls retry with backoff up to 10 minutes apart, for at most a day; permanent
#: failures (bad credentials, missing permission, rejected address) stop at once.
INTEGRATION_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
    non_retryable_error_types=list(NON_RETRYABLE_INTEGRATION_CODES),
)
CALL_TIMEOUT = timedelta(seconds=60)
GIVE_UP_AFTER = timedelta(days=1)


async def call(
    name: str,
    arg: Any,
    result_type: type[T],
    *,
    give_up_after: timedelta = GIVE_UP_AFTER,
    local: bool = False,
) -> T:
    """Run one activity with the shared timeouts and retry policy.

    ``local``: as a local activity, run by this worker inside the workflow task. Its history is
    one marker holding the result, not the input (three events and a workflow task otherwise, the
    input recorded in full), so it suits the short, idempotent calls a review makes after every
    change (its document and store writes) and an item's ticket reads. Retries and the give-up
    are the same; a retry more than a minute away waits on a timer.
    """
    if local:
        try:
            answer: T = await workflow.execute_local_activity(
                name,
                arg,
                result_type=result_type,
                start_to_close_timeout=CALL_TIMEOUT,
                schedule_to_close_timeout=give_up_after,
                retry_policy=INTEGRATION_RETRY,
            )
        except ActivityError:
            raise
        except (ApplicationError, TemporalTimeoutError) as err:
            # A local activity's failure arrives as its bare cause, not as an ActivityError: raised
            # as it is, it would fail the whole workflow. Wrapped here, every caller handles a
            # local call's failure as a scheduled one's. No command depends on it: replay-safe.
            raise ActivityError(
                f"local activity {name} failed",
                scheduled_event_id=0,
                started_event_id=0,
                identity="",
                activity_type=name,
                activity_id="",
                retry_state=None,
            ) from err
        return answer
    result: T = await workflow.execute_activity(
        name,
        arg,
        result_type=result_type,
        start_to_close_timeout=CALL_TIMEOUT,
        schedule_to_close_timeout=give_up_after,
        retry_policy=INTEGRATION_RETRY,
    )
    return result


def failure_code(err: ActivityError) -> str:
    """The stable code of a failed activity (its ApplicationError type)."""
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.type:
        return cause.type
    return Code.ACTIVITY_FAILED


def failure_message(err: ActivityError) -> str:
    cause = err.cause
    return str(cause.message if isinstance(cause, ApplicationError) else cause or err)


async def live_ticket_status(
    key: str, give_up_after: timedelta, *, local: bool = False
) -> TicketStatus | None:
    """The ticket's live status, read before a reminder, an escalation or the agenda; None when
    the tracker cannot say (the caller goes on with what it knew). ``local``: see :func:`call`."""
    try:
        return await call(
            READ_TICKET_STATUS,
            TicketQuery(key=key),
            TicketStatus,
            give_up_after=give_up_after,
            local=local,
        )
    except ActivityError as err:
        workflow.logger.warning("ticket status unavailable: %s", failure_code(err))
        return None


async def watch_ticket(key: str, every: timedelta) -> TicketStatus:
    """Wait until the ticket is done or deleted, reading it every ``every`` (the cadence).

    One activity for the whole wait: its attempts fail while the ticket is open and the server
    retries them ``every`` apart (backoff 1.0, no attempt limit, no schedule-to-close: it lasts
    as long as the ticket stays open), writing nothing until it completes, so the history holds
    its scheduled, started and completed events only. Each attempt is one read
    (``start_to_close`` :data:`CALL_TIMEOUT`, no heartbeat). ``ABANDON``: the workflow never
    sends a cancel for it (see ``ActionItemWorkflow._keep_watch`` for why); it ends with a read
    of a done or deleted ticket, or with the run.
    """
    status: TicketStatus = await workflow.execute_activity(
        WATCH_TICKET,
        TicketQuery(key=key),
        result_type=TicketStatus,
        start_to_close_timeout=CALL_TIMEOUT,
        retry_policy=RetryPolicy(
            initial_interval=every,
            backoff_coefficient=1.0,
            maximum_interval=every,
            maximum_attempts=0,
        ),
        cancellation_type=ActivityCancellationType.ABANDON,
    )
    return status


async def send_mail(request: MailRequest, *, local: bool = False) -> Problem | None:
    """Send one message; a permanent failure comes back as a Problem instead of failing the review.

    ``local`` (default False): as a local activity (see :func:`call`); the message key makes a
    send retried after a lost workflow task land once."""
    try:
        # ``| None``: histories recorded before send_email reported refusals hold a null result.
        outcome = await call(
            SEND_EMAIL,
            request,
            MailOutcome | None,  # type: ignore[arg-type]
            local=local,
        )
    except ActivityError as err:
        return _mail_failed(request, err)
    return _mail_refused(request, outcome)


async def send_item_mail(
    request: MailRequest, ticket_key: str
) -> tuple[TicketStatus | None, Problem | None]:
    """Read the item's ticket and send ``request`` unless it is done, in one local activity: the
    live check before a reminder or escalation and the send are one marker, not two.

    Answers the ticket as read (None: the tracker could not say, and the message went out, as a
    reminder about a possibly closed ticket beats silence; or the send failed before saying) and
    the send's problem, as :func:`send_mail`. A done ticket: nothing is sent."""
    try:
        sent = await call(
            SEND_ITEM_EMAIL,
            ItemMail(request=request, ticket_key=ticket_key),
            ItemMailSent,
            local=True,
        )
    except ActivityError as err:
        return None, _mail_failed(request, err)
    return sent.ticket, _mail_refused(request, sent.outcome)


def _mail_failed(request: MailRequest, err: ActivityError) -> Problem:
    workflow.logger.warning("mail %s failed: %s", request.message_key, failure_code(err))
    return Problem(
        code=failure_code(err),
        message=f"Could not send the {request.kind.value} message: {failure_message(err)}",
        at=workflow.now(),
    )


def _mail_refused(request: MailRequest, outcome: MailOutcome | None) -> Problem | None:
    if outcome is not None and outcome.refused:
        return Problem(
            code=Code.MAIL_REJECTED,
            message=f"The {request.kind.value} message was not delivered to "
            f"{', '.join(outcome.refused)}.",
            at=workflow.now(),
        )
    return None


def review_mail(
    kind: MailKind,
    to: list[str],
    key: str,
    *,
    incident: Incident,
    review_url: str | None,
    facilitator: str,
    cc: list[str] | None = None,
    contributors: list[str] | None = None,
    **details: Any,
) -> MailRequest:
    """A message about one review: recipients de-duplicated (cc never repeats a To), stamped with
    workflow time; ``details`` are the kind-specific MailRequest fields.

    Each recipient's link carries the role their part gives them (:func:`link_roles`): the
    facilitator's a facilitator link, responders' and ``contributors``' (item owners) contributor
    links, everyone else's (leadership) a viewer link.
    """
    recipients = list(dict.fromkeys(to))
    copied = [c for c in dict.fromkeys(cc or []) if c not in recipients]
    return MailRequest(
        link_roles=link_roles(
            [*recipients, *copied],
            facilitator,
            [*(p.email for p in incident.responders if p.email), *(contributors or [])],
        ),
        kind=kind,
        to=recipients,
        cc=copied,
        message_key=key,
        sent_at=workflow.now(),
        incident_id=incident.id,
        incident_title=incident.title,
        service=incident.service_name or incident.service_id,
        review_url=review_url,
        facilitator=facilitator,
        **details,
    )


def link_roles(recipients: list[str], facilitator: str, contributors: list[str]) -> dict[str, str]:
    """The role of each recipient's review link, by lower-case email (viewers are left out: a
    recipient not named gets a viewer link)."""
    wanted = {c.strip().lower() for c in contributors}
    roles: dict[str, str] = {}
    for recipient in recipients:
        person = recipient.strip().lower()
        if person == facilitator.strip().lower():
            roles[person] = "facilitator"
        elif person in wanted:
            roles[person] = "contributor"
    return roles


def rules_rejected(violations: list[Violation]) -> ApplicationError:
    """The error a validator raises: every violation at once, as details the API turns into 422."""
    return ApplicationError(
        "; ".join(f"{v.field}: {v.message}" for v in violations),
        [v.model_dump() for v in violations],
        type=Code.RULES_REJECTED,
        non_retryable=True,
    )


def wrong_phase(what: str, phase: str) -> ApplicationError:
    return rules_rejected(
        [
            Violation(
                code=Code.WRONG_PHASE,
                field="phase",
                message=f"Cannot {what} while the review is {phase}.",
                hint="Reload the review to see its current phase.",
            )
        ]
    )


def unknown_item(item_id: str) -> Violation:
    return Violation(
        code=Code.ACTION_ITEM_UNKNOWN,
        field="id",
        message=f"There is no action item {item_id!r} in this review.",
        hint="Reload the review and use one of its action item ids.",
    )


def went_well_empty() -> Violation:
    return Violation(
        code=Code.WENT_WELL_EMPTY,
        field="text",
        message="The entry is empty.",
        hint="Name one thing that helped: a tool, a runbook, a quick page, a calm hand-off.",
    )


def root_cause_text(five_whys: FiveWhys | None, root_cause_id: str) -> str | None:
    if five_whys is None:
        return None
    return next((rc.statement for rc in five_whys.root_causes if rc.id == root_cause_id), None)


def days_overdue(item: ActionItem, now: datetime, tz: str) -> int | None:
    if item.status != ItemStatus.OPEN:
        return None
    late = now - parse_due(item.due, tz)
    return late.days if late >= timedelta(0) else None


def item_line(
    item: ActionItem,
    five_whys: FiveWhys | None,
    now: datetime,
    tz: str,
    incident_id: str | None = None,
) -> ItemLine:
    return ItemLine(
        id=item.id,
        title=item.title,
        owner=item.owner,
        due=item.due,
        status=item.status.value,
        root_cause=root_cause_text(five_whys, item.root_cause) or item.root_cause,
        ticket_key=item.ticket.key if item.ticket else None,
        ticket_url=item.ticket.url if item.ticket else None,
        days_overdue=days_overdue(item, now, tz),
        incident_id=incident_id,
    )


async def sleep_until(moment: datetime | None, condition: Any) -> bool:
    """Wait for ``condition`` or until ``moment`` (None: forever). True if the condition fired.

    A moment already past returns at once, so a deadline the workflow reaches late fires at once.
    """
    if moment is None:
        await workflow.wait_condition(condition)
        return True
    remaining = moment - workflow.now()
    if remaining <= timedelta(0):
        return bool(condition())
    try:
        await workflow.wait_condition(condition, timeout=remaining)
    except TimeoutError:
        return False
    return True
