"""send_item_email: an item's reminder, notice or escalation, sent only while its ticket is open."""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.mail import MailActivities
from activities.tickets import TicketActivities
from workflows.steps import ItemMail, ItemMailSent, TicketQuery

__all__ = ["ItemMailActivities"]


class ItemMailActivities:
    """The live ticket check and the send of an item's message in one step (one marker in the
    item's history instead of two), on the worker's ticket and mail steps."""

    def __init__(self, tickets: TicketActivities, mail: MailActivities) -> None:
        self.tickets = tickets
        self.mail = mail

    @activity.defn
    def send_item_email(self, request: ItemMail) -> ItemMailSent:
        """Read the ticket, then send unless it is done: nothing is sent about a closed ticket.

        A read that fails sends all the same (``ticket`` None: a reminder about a possibly closed
        ticket beats silence). A send that fails raises and is retried whole, so the retry reads
        again and a ticket closed meanwhile still stops the message; the message key makes a
        retried send land once."""
        try:
            ticket = self.tickets.read_ticket_status(TicketQuery(key=request.ticket_key))
        except ApplicationError as exc:
            activity.logger.warning("ticket %s unreadable, sending: %s", request.ticket_key, exc)
            ticket = None
        if ticket is not None and ticket.done:
            return ItemMailSent(ticket=ticket)
        return ItemMailSent(ticket=ticket, outcome=self.mail.send_email(request.request))
