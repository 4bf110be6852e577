"""DigestWorkflow: the weekly leadership digest, started by a Temporal Schedule.

Each run reads every open review and those closed during the period, computes the figures per team
and mails each team's leadership its own section, and the default leadership every team.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

__all__ = ["DIGEST_STORE_PATCH", "DigestWorkflow"]

with workflow.unsafe.imports_passed_through():
    import workflows.calls as calls
    from workflows.contracts import DigestInput
    from workflows.figures import build_digest
    from workflows.messages import Digest, MailKind, MailRequest
    from workflows.steps import ListReviews, ReadDigest, ReviewRows

#: workflow.patched id: the figures come from the review store (every review, every overdue item,
#: repeat incidents) instead of from the running reviews one by one.
DIGEST_STORE_PATCH = "digest-from-store"


@workflow.defn
class DigestWorkflow:
    @workflow.run
    async def run(self, inp: DigestInput) -> int:
        """Send the digest; returns the number of messages sent."""
        end = workflow.now()
        start = end - inp.policy.digest.every
        digest = await self._from_store(inp, start, end)
        if digest is None:
            rows = await calls.call(calls.LIST_REVIEWS, ListReviews(closed_since=start), ReviewRows)
            digest = build_digest(rows.rows, start, end, inp.policy.timezone)
        audiences: list[tuple[str, list[str], list[str]]] = []
        for team in inp.policy.teams:
            if team.leadership and any(t.name == team.name for t in digest.teams):
                audiences.append((team.name, list(team.leadership), [team.name]))
        everyone = list(inp.policy.defaults.leadership)
        if everyone:
            audiences.append(("all", everyone, [t.name for t in digest.teams]))
        sent = 0
        run_id = end.strftime("%Y%m%dT%H%M")
        for label, to, team_names in audiences:
            section = digest.model_copy(
                update={"teams": [t for t in digest.teams if t.name in team_names]}
            )
            if not section.teams and label != "all":
                continue
            problem = await calls.send_mail(
                MailRequest(
                    kind=MailKind.DIGEST,
                    to=to,
                    message_key=f"digest-{run_id}-{label}",
                    sent_at=end,
                    review_url=inp.dashboard_url,
                    digest=section,
                )
            )
            sent += problem is None
        workflow.logger.info("digest sent to %d audience(s)", sent)
        return sent

    async def _from_store(self, inp: DigestInput, start: datetime, end: datetime) -> Digest | None:
        """The store's figures; None on the old path, or when the store cannot answer (the
        digest then goes out with the figures of the running reviews, as before)."""
        if not workflow.patched(DIGEST_STORE_PATCH):
            return None
        try:
            return await calls.call(
                calls.READ_DIGEST,
                ReadDigest(period_start=start, period_end=end, window=inp.policy.recurrence.window),
                Digest,
                give_up_after=timedelta(minutes=10),
            )
        except ActivityError as err:
            workflow.logger.warning("digest figures not read from the store: %s", err)
            return None
