"""Thin side-effect steps: call a connector, map its errors to stable codes, decide nothing.

One module per kind of step (``incidents``, ``documents``, ``tickets``, ``mail``, ``item_mail``: an
item's message unless its ticket is done, ``reviews``,
``store``: the review store, ``persist``: the store and the document in one call), ``errors`` for the codes, ``reindex`` (rebuilding the store from
Temporal, run by ``followthrough reindex``), and :func:`build_activities` binding them to one
worker's connectors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio.client import Client

from activities.documents import DocumentActivities
from activities.incidents import IncidentActivities
from activities.item_mail import ItemMailActivities
from activities.mail import MailActivities
from activities.persist import PersistActivities
from activities.reviews import ReviewActivities
from activities.store import StoreActivities
from activities.tickets import TicketActivities
from connectors.bundle import Connectors

__all__ = [
    "build_activities",
    "documents",
    "errors",
    "incidents",
    "item_mail",
    "mail",
    "persist",
    "reindex",
    "reviews",
    "store",
    "tickets",
]


def build_activities(connectors: Connectors, client: Client) -> list[Callable[..., Any]]:
    """Every activity the workflows call, bound to this process's connectors."""
    incidents = IncidentActivities(connectors.incidents)
    documents = DocumentActivities(connectors.documents)
    tickets = TicketActivities(connectors.tracker)
    mail = MailActivities(connectors.mailer, connectors.mail_from, connectors.link_secret)
    reviews = ReviewActivities(client)
    served: list[Callable[..., Any]] = []
    if connectors.store is not None:
        store = StoreActivities(connectors.store)
        served = [store.store_review, store.find_repeats, store.read_digest]
    return [
        *served,
        incidents.fetch_incident,
        documents.write_review_doc,
        documents.write_review_document,
        PersistActivities(documents, connectors.store).persist_review,
        tickets.open_ticket,
        tickets.read_ticket_status,
        tickets.watch_ticket,
        tickets.comment_on_ticket,
        mail.send_email,
        ItemMailActivities(tickets, mail).send_item_email,
        reviews.list_review_items,
        reviews.list_reviews,
    ]
