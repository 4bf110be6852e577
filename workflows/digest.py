"""DigestWorkflow: the weekly leadership digest, started by a Temporal Schedule.

Each run reads every open review and those closed during the period, computes the figures per team
and mails each team's leadership its own section, and the default leadership every team.
"""

from __future__ import annotations

from temporalio import workflow

__all__ = ["DigestWorkflow"]

with workflow.unsafe.imports_passed_through():
    from workflows import calls
    from workflows.contracts import DigestInput
    from workflows.figures import build_digest
    from workflows.messages import MailKind, MailRequest
    from workflows.steps import ListReviews, ReviewRows


@workflow.defn
class DigestWorkflow:
    @workflow.run
    async def run(self, inp: DigestInput) -> int:
        """Send the digest; returns the number of messages sent."""
        end = workflow.now()
        start = end - inp.policy.digest.every
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
