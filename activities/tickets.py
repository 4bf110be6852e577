"""Ticket steps: open an item's ticket (idempotently), read its live status, comment on it."""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from activities.errors import code_for, to_application_error
from connectors.errors import ConnectorError
from connectors.tracker import TicketSpec, Tracker, item_label
from workflows.codes import Code
from workflows.review import due_day
from workflows.steps import OpenTicket, TicketComment, TicketOpened, TicketQuery, TicketStatus

__all__ = ["TicketActivities", "ticket_description"]


def ticket_description(request: OpenTicket) -> str:
    item = request.item
    lines = [
        f"Action item {item.id} from the post-incident review of {request.incident_id}: "
        f"{request.incident_title}",
        "",
        f"What: {item.title}",
        f"Done when: {item.done_when}",
        f"Root cause addressed: {request.root_cause or item.root_cause}",
        f"Owner: {item.owner}",
        f"Due: {item.due}",
    ]
    if request.review_url:
        lines += ["", f"Review: {request.review_url}"]
    if request.doc_url:
        lines += [f"Review document: {request.doc_url}"]
    lines += ["", "Opened by Followthrough. Close this ticket when the item is done."]
    return "\n".join(lines)


class TicketActivities:
    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker

    @activity.defn
    def open_ticket(self, request: OpenTicket) -> TicketOpened:
        """Open the item's ticket, or return the one a previous attempt already opened."""
        item = request.item
        spec = TicketSpec(
            item_label=item_label(request.incident_id, item.id),
            summary=item.title,
            description=ticket_description(request),
            due=due_day(item.due, request.timezone),
            priority=item.priority.value,
            owner_email=item.owner,
            # The remote link goes where the organisation reads reviews: the Confluence page
            # when there is one, else Followthrough's review page.
            review_url=request.doc_url or request.review_url,
        )
        try:
            ref = self.tracker.open_ticket(spec)
        except ConnectorError as exc:
            raise to_application_error(exc) from exc
        activity.logger.info("ticket %s for item %s (created=%s)", ref.key, item.id, ref.created)
        return TicketOpened(
            key=ref.key,
            url=ref.url,
            created=ref.created,
            unassigned_reason=ref.unassigned_reason,
            issue_id=ref.issue_id,
        )

    @activity.defn
    def read_ticket_status(self, request: TicketQuery) -> TicketStatus:
        """The ticket's live status, read before every reminder and on the reconcile cadence."""
        try:
            state = self.tracker.ticket_state(request.key)
        except ConnectorError as exc:
            raise to_application_error(exc) from exc
        return TicketStatus(
            key=state.key, done=state.done, deleted=state.deleted, status=state.status
        )

    @activity.defn
    def watch_ticket(self, request: TicketQuery) -> TicketStatus:
        """Complete once the ticket is done or deleted; fail, to be tried again, while it is open.

        The item's reconciliation: the workflow schedules it once with a retry policy whose
        interval is the reconcile cadence (``workflows.calls.watch_ticket``), and the server tries
        it again without writing an event until it completes, so a six-week wait costs its
        history three events instead of a timer, a read and a workflow task per period. Every
        failure to read is retried on the same cadence, never taken for a closed ticket: a Jira
        outage, a revoked token or a missing permission leaves the item open (its reminders say
        what they know) and the watch goes on reading once Jira answers again.
        """
        try:
            state = self.tracker.ticket_state(request.key)
        except ConnectorError as exc:
            # Retryable whatever the code (no Retry-After either): the cadence is the backoff.
            raise ApplicationError(str(exc), type=code_for(exc), non_retryable=False) from exc
        if not (state.done or state.deleted):
            raise ApplicationError(
                f"ticket {state.key} is still open ({state.status})",
                type=Code.TICKET_STILL_OPEN,
                # Benign: the expected answer on most attempts, logged at debug, not as a failure.
                category=ApplicationErrorCategory.BENIGN,
            )
        return TicketStatus(
            key=state.key, done=state.done, deleted=state.deleted, status=state.status
        )

    @activity.defn
    def comment_on_ticket(self, request: TicketComment) -> None:
        """Add a comment, e.g. that the item was escalated and to whom."""
        try:
            self.tracker.comment(request.key, request.text)
        except ConnectorError as exc:
            raise to_application_error(exc) from exc
