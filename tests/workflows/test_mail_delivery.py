"""Mail over real SMTP (an aiosmtpd server) from a real worker: outages, deferrals, rejections.

The dev server runs these: activity retries wait their real backoff (1 s, 2 s, 4 s...), which is
what an SMTP outage looks like in production. Each test watches the ``review_opened`` message a
new review sends at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from tests.fakes.smtp import FakeSmtp, Received
from tests.support.harness import FIVE_WHYS, eventually, incident, local_worker, settings_for
from workflows.codes import Code
from workflows.contracts import PostmortemInput, ReviewOutcome
from workflows.ids import review_workflow_id
from workflows.postmortem import PostmortemWorkflow
from workflows.review import Incident

FACILITATOR = "facilitator@example.com"
RESPONDERS = ["alice@example.com", "bob@example.com"]
RETRIES = 20.0  # seconds: enough for the first four attempts (backoff 1 s, 2 s, 4 s)
OUTAGE = 2.5  # seconds: the first two attempts


@dataclass
class Review:
    handle: WorkflowHandle[PostmortemWorkflow, ReviewOutcome]

    async def send_attempts(self) -> list[int]:
        """The attempt number of every send_email that finished (completed or failed for good):
        a local activity's marker (reviews since ``review-lean-history``)."""
        history = await self.handle.fetch_history()
        attempts = []
        for event in history.events:
            marker = event.marker_recorded_event_attributes
            if event.event_type != EventType.EVENT_TYPE_MARKER_RECORDED or "data" not in (
                marker.details
            ):
                continue
            data = json.loads(marker.details["data"].payloads[0].data)
            if data.get("activity_type") == "send_email":
                attempts.append(int(data["attempt"]))
        return attempts


@contextlib.asynccontextmanager
async def review_over_smtp(
    env: WorkflowEnvironment, tmp_path: Path, smtp: FakeSmtp, found: Incident
) -> AsyncIterator[Review]:
    """A worker that mails through ``smtp``, and a new review of ``found`` (terminated after)."""
    settings = settings_for(tmp_path, smtp_host=smtp.host, smtp_port=smtp.port, smtp_starttls=False)
    async with local_worker(env.client, settings):
        handle = await env.client.start_workflow(
            PostmortemWorkflow.run,
            PostmortemInput(incident=found, review_url=f"http://review.test/reviews/{found.id}"),
            id=review_workflow_id(found.id),
            task_queue=settings.task_queue,
        )
        try:
            yield Review(handle)
        finally:
            with contextlib.suppress(RPCError):
                await handle.terminate("test finished")


def new_incident(prefix: str, **update: object) -> Incident:
    """A just-resolved incident with a unique id (the dev server is shared by the session)."""
    incident_id = f"{prefix}{uuid.uuid4().hex[:8].upper()}"
    return incident(incident_id, datetime.now(UTC)).model_copy(update=update)


def opened(smtp: FakeSmtp) -> list[Received]:
    return [m for m in smtp.messages if m.message["X-Followthrough-Kind"] == "review_opened"]


async def test_review_opened_mail_waits_out_an_smtp_outage_and_lands_once(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    smtp = FakeSmtp()  # not started: connections are refused
    async with review_over_smtp(dev_env, tmp_path, smtp, new_incident("PDOWN")) as review:
        try:
            # A local activity's attempts are not in the history until it ends: the first two
            # (at once, then after 1 s) fail while the server is down.
            await asyncio.sleep(OUTAGE)
            assert await review.send_attempts() == []
            smtp.start()

            async def delivered() -> None:
                assert await review.send_attempts()  # the activity completed

            await eventually(delivered, timeout=RETRIES)
            received = opened(smtp)
            attempts = await review.send_attempts()
            state = (await review.handle.query(PostmortemWorkflow.status)).state
        finally:
            smtp.stop()

    assert len(received) == 1
    assert received[0].rcpt_tos == [FACILITATOR, *RESPONDERS]
    assert attempts[0] >= 2
    assert state.problems == []  # a passing outage is not the facilitator's problem


async def test_smtp_deferring_twice_then_accepting_delivers_one_copy(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    with FakeSmtp() as smtp:
        smtp.fail_next(451, count=2)
        found = new_incident("PDEFER")
        async with review_over_smtp(dev_env, tmp_path, smtp, found) as review:

            async def delivered() -> list[int]:
                attempts = await review.send_attempts()
                assert attempts
                return attempts

            attempts = await eventually(delivered, timeout=RETRIES)
            received = opened(smtp)

    assert attempts == [3]  # two 451s, then accepted
    assert len(received) == 1
    assert received[0].rcpt_tos == [FACILITATOR, *RESPONDERS]


async def test_facilitator_refused_for_good_becomes_a_review_problem(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    with FakeSmtp() as smtp:
        smtp.refuse(FACILITATOR, 550)
        # Without responders the opening message goes to the facilitator alone.
        found = new_incident("PREJECT", responders=[])
        async with review_over_smtp(dev_env, tmp_path, smtp, found) as review:

            async def recorded() -> None:
                problems = (await review.handle.query(PostmortemWorkflow.status)).state.problems
                assert [p.code for p in problems] == [Code.MAIL_REJECTED]

            await eventually(recorded)
            state = (await review.handle.query(PostmortemWorkflow.status)).state
            attempts = await review.send_attempts()
            # The review goes on: it still accepts the analysis.
            await review.handle.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
            described = await review.handle.describe()
            received = smtp.messages

    [problem] = state.problems
    assert "review_opened" in problem.message and FACILITATOR in problem.message
    assert "550" in problem.message
    assert attempts == [1]  # a permanent refusal is not retried
    assert received == []
    assert described.status == WorkflowExecutionStatus.RUNNING


async def test_incident_title_cannot_inject_a_bcc_header(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    title = "Checkout API returned 503s\r\nBcc: evil@example.com"
    with FakeSmtp() as smtp:
        found = new_incident("PINJECT", title=title)
        async with review_over_smtp(dev_env, tmp_path, smtp, found):

            async def delivered() -> Received:
                messages = opened(smtp)
                assert len(messages) == 1
                return messages[0]

            received = await eventually(delivered, timeout=RETRIES)

    header_block = received.raw.split(b"\r\n\r\n", 1)[0].lower()
    assert b"\nbcc:" not in header_block and not header_block.startswith(b"bcc:")
    assert received.message["Bcc"] is None
    assert "evil@example.com" not in received.rcpt_tos
    assert received.rcpt_tos == [FACILITATOR, *RESPONDERS]
    subject = str(received.message["Subject"])
    assert "\r" not in subject and "\n" not in subject
    assert "Checkout API returned 503s Bcc: evil@example.com" in subject  # shown, harmless
