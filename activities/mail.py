"""send_email: render a MailRequest with the templates and deliver it once."""

from __future__ import annotations

from temporalio import activity

from activities.errors import to_application_error
from connectors.errors import ConnectorError
from connectors.mail import Mailer
from connectors.messages import compose
from workflows.messages import MailRequest


class MailActivities:
    def __init__(self, mailer: Mailer, sender: str) -> None:
        self.mailer = mailer
        self.sender = sender

    @activity.defn
    def send_email(self, request: MailRequest) -> None:
        """Compose and send; the message key makes a retried send land once."""
        try:
            message = compose(request.model_dump(mode="json"), self.sender)
            self.mailer.send(message, request.message_key)
        except ConnectorError as exc:
            raise to_application_error(exc) from exc
        activity.logger.info("sent %s to %d recipient(s)", request.kind, len(request.to))
