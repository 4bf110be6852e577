"""The connectors one worker uses, handed to the activities as one bundle."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.documents import DocumentStore
from connectors.incidents import IncidentSource
from connectors.mail import Mailer
from connectors.store import ReviewStore
from connectors.tracker import Tracker

__all__ = ["Connectors"]


@dataclass(frozen=True)
class Connectors:
    """One instance of each connector a worker needs."""

    incidents: IncidentSource
    documents: DocumentStore
    tracker: Tracker
    mailer: Mailer
    mail_from: str
    link_secret: str | None = None  # signs review links in emails; None: plain links
    store: ReviewStore | None = None  # the review store; None: its activities are not served
