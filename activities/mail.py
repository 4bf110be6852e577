"""send_email: render a MailRequest with the templates and deliver it once."""

from __future__ import annotations

from temporalio import activity

from activities.errors import to_application_error
from connectors.errors import ConnectorError
from connectors.links import sign_review_link
from connectors.mail import Mailer
from connectors.messages import compose
from workflows.messages import MailOutcome, MailRequest

__all__ = ["MailActivities"]


class MailActivities:
    def __init__(self, mailer: Mailer, sender: str, link_secret: str | None = None) -> None:
        self.mailer = mailer
        self.sender = sender
        self.link_secret = link_secret

    def _signed(self, request: MailRequest) -> MailRequest:
        """Give the review link a signed, expiring token scoped to that review.

        Signing happens here, not in the workflow, so the key never enters workflow history.
        """
        url, incident_id = request.review_url, request.incident_id
        suffix = f"/reviews/{incident_id}"
        if not (self.link_secret and url and incident_id and url.endswith(suffix)):
            return request
        signed = sign_review_link(url.removesuffix(suffix), incident_id, self.link_secret)
        return request.model_copy(update={"review_url": signed})

    @activity.defn
    def send_email(self, request: MailRequest) -> MailOutcome:
        """Compose and send; the message key makes a retried send land once."""
        try:
            message = compose(self._signed(request).model_dump(mode="json"), self.sender)
            refused = self.mailer.send(message, request.message_key)
        except ConnectorError as exc:
            raise to_application_error(exc) from exc
        activity.logger.info("sent %s to %d recipient(s)", request.kind, len(request.to))
        return MailOutcome(refused=refused)
