"""send_email: render a MailRequest with the templates and deliver it once."""

from __future__ import annotations

from temporalio import activity

from activities.errors import to_application_error
from connectors.errors import ConnectorError
from connectors.links import sign_person_link
from connectors.mail import Mailer
from connectors.messages import compose
from workflows.messages import MailOutcome, MailRequest

__all__ = ["MailActivities"]


class MailActivities:
    def __init__(self, mailer: Mailer, sender: str, link_secret: str | None = None) -> None:
        self.mailer = mailer
        self.sender = sender
        self.link_secret = link_secret

    def _copies(self, request: MailRequest) -> list[MailRequest]:
        """One copy per recipient, each with a review link signed for that person and the role the
        workflow gave them (viewer when it named none); the request as it is when there is no key
        or no review link to sign.

        Signing happens here, not in the workflow, so the key never enters workflow history. A
        copy's message key is the request's plus the recipient, so a retried send skips the copies
        already delivered.
        """
        url, incident_id = request.review_url, request.incident_id
        suffix = f"/reviews/{incident_id}"
        if not (self.link_secret and url and incident_id and url.endswith(suffix)):
            return [request]
        base = url.removesuffix(suffix)
        copies = []
        for recipient in dict.fromkeys(a.strip().lower() for a in [*request.to, *request.cc]):
            role = request.link_roles.get(recipient, "viewer")
            signed = sign_person_link(base, incident_id, recipient, role, self.link_secret)
            copies.append(
                request.model_copy(
                    update={
                        "to": [recipient],
                        "cc": [],
                        "review_url": signed,
                        "message_key": f"{request.message_key}/{recipient}",
                    }
                )
            )
        return copies

    @activity.defn
    def send_email(self, request: MailRequest) -> MailOutcome:
        """Compose and send; the message key makes a retried send land once."""
        refused: list[str] = []
        try:
            for copy in self._copies(request):
                message = compose(copy.model_dump(mode="json"), self.sender)
                refused.extend(self.mailer.send(message, copy.message_key))
        except ConnectorError as exc:
            raise to_application_error(exc) from exc
        activity.logger.info("sent %s to %d recipient(s)", request.kind, len(request.to))
        return MailOutcome(refused=refused)
