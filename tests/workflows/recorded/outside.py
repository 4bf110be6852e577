"""Recorded scenarios of the outside world and the long run: the Confluence document, refused and
failing mail, continue-as-new, the digest and the review store."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from tests.fakes.confluence import FakeConfluence
from tests.fakes.smtp import FakeSmtp
from tests.support.harness import (
    FIVE_WHYS,
    close_ticket,
    local_worker,
    settings_for,
)
from tests.support.recording import (
    DAILY,
    DAY,
    OWNERS,
    Recording,
    Review,
    compressed,
    drafts,
)
from workflows.action_item import ActionItemWorkflow
from workflows.codes import Code
from workflows.contracts import (
    DigestInput,
    TicketEvent,
)
from workflows.digest import DigestWorkflow
from workflows.policy import ActionItemPolicy, Policy
from workflows.postmortem import PostmortemWorkflow
from workflows.review import (
    ItemStatus,
    PublishRequest,
    WentWell,
)

__all__ = [
    "confluence_document",
    "continue_as_new",
    "digest",
    "mail_outage",
    "mail_partly_refused",
    "mail_refused",
    "review_store",
]


async def confluence_document(rec: Recording) -> None:
    """The review document as a Confluence page: written, a person's edit of the summary replaced
    and reported (problem and mail), a revoked permission shown and mailed once, then written
    again once the permission is back; published with two items."""
    incident_id = "RCONFLUENCE"
    with FakeConfluence() as confluence:
        confluence.add_space("PM")
        settings = settings_for(
            rec.settings.data_dir.parent,
            confluence_url=confluence.url,
            confluence_email=confluence.email,
            confluence_api_token=confluence.api_token,
            confluence_space="PM",
        )
        async with local_worker(rec.client, settings):
            rec.settings = settings
            review = await rec.start(incident_id, DAILY)
            page = await _page_of(review)
            person = confluence.add_user("paula@example.com", "Paula Person")
            body = confluence.body(page).replace("<h2>Summary</h2>", "<h2>Summary</h2><p>Mine.</p>")
            confluence.edit_as(person, page, body, "fixed the summary")
            await review.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
            await _problem(review, Code.DOCUMENT_EDIT_REPLACED)
            confluence.revoke("PM", confluence.bot.account_id, ("create", "page"))
            await review.execute_update(
                PostmortemWorkflow.add_went_well, WentWell(text="The runbook had the steps.")
            )
            await _problem(review, Code.CONFLUENCE_PERMISSION_DENIED)
            confluence.grant("PM", confluence.bot.account_id, ("create", "page"))
            for draft in drafts(rec.t0, DAY, (OWNERS[0], 20), (OWNERS[1], 20)):
                await review.execute_update(PostmortemWorkflow.add_action_item, draft)
            await review.execute_update(PostmortemWorkflow.publish, PublishRequest())
            await rec.ticket_key(review, "1")
            await rec.sleep(1)
            await rec.save_review(incident_id)


async def _page_of(review: Review, timeout: float = 30.0) -> str:
    """The id of the review's page, once the first write gave the review its doc_url."""
    deadline = time.monotonic() + timeout
    while True:
        url = (await review.query(PostmortemWorkflow.status)).state.doc_url
        if url:
            return url.rsplit("/", 1)[-1]
        if time.monotonic() > deadline:
            raise TimeoutError(f"no page after {timeout} s")
        await asyncio.sleep(0.1)


async def _problem(review: Review, code: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        state = (await review.query(PostmortemWorkflow.status)).state
        if any(p.code == code for p in state.problems):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {code} problem after {timeout} s")
        await asyncio.sleep(0.1)


async def _over_smtp(
    rec: Recording,
    incident_id: str,
    smtp: FakeSmtp,
    drive: Callable[[Review], Awaitable[None]],
    **incident_fields: Any,
) -> None:
    settings = settings_for(
        rec.settings.data_dir.parent,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        smtp_starttls=False,
    )
    async with local_worker(rec.client, settings):
        rec.settings = settings
        review = await rec.start(incident_id, DAILY, **incident_fields)
        await drive(review)
        await rec.save_review(incident_id)


async def mail_refused(rec: Recording) -> None:
    """Every recipient refused for good (SMTP 550): the opening message and the owner's reminder
    become problems on the review and the item; nothing is retried."""
    incident_id = "RMAILREFUSED"
    with FakeSmtp() as smtp:
        smtp.refuse("facilitator@example.com", 550)
        smtp.refuse(OWNERS[0], 550)

        async def drive(review: Review) -> None:
            t0 = rec.t0
            await rec.publish(review, drafts(t0, DAY, (OWNERS[0], 10), (OWNERS[1], 60)))
            await rec.until(t0, 11.5)

        await _over_smtp(rec, incident_id, smtp, drive, responders=[])


async def mail_partly_refused(rec: Recording) -> None:
    """One responder refused while the others accept: the message goes out, the refusal is a
    problem on the review."""
    incident_id = "RMAILPARTLY"
    with FakeSmtp() as smtp:
        smtp.refuse("bob@example.com", 550)

        async def drive(review: Review) -> None:
            deadline = time.monotonic() + 30
            while not (await review.query(PostmortemWorkflow.status)).state.problems:
                if time.monotonic() > deadline:
                    raise TimeoutError("the refusal was not recorded")
                await asyncio.sleep(0.1)
            await rec.sleep(1)

        await _over_smtp(rec, incident_id, smtp, drive)


async def mail_outage(rec: Recording) -> None:
    """SMTP defers twice (451), then accepts: one message, sent by the third attempt."""
    incident_id = "RMAILDEFER"
    with FakeSmtp() as smtp:
        smtp.fail_next(451, count=2)

        async def drive(review: Review) -> None:
            deadline = time.monotonic() + 60
            while not smtp.messages:
                if time.monotonic() > deadline:
                    raise TimeoutError("the deferred message never arrived")
                await asyncio.sleep(0.2)
            await rec.sleep(1)
            problems = (await review.query(PostmortemWorkflow.status)).state.problems
            if problems:
                raise AssertionError(f"a passing outage became a problem: {problems}")

        await _over_smtp(rec, incident_id, smtp, drive)


async def _item_done(review: Review, item_id: str) -> bool:
    found = (await review.query(PostmortemWorkflow.status)).state.item(item_id)
    return found is not None and found.status == ItemStatus.DONE


async def continue_as_new(rec: Recording) -> None:
    """Both workflows continue-as-new (the server suggests it after 50 events): the review after
    a run of updates, an item after a run of reconciliation reads. Every run is saved."""
    incident_id = "RCAN"
    policy = Policy(action_items=ActionItemPolicy(reconcile_every=timedelta(seconds=1)))
    review = await rec.start(incident_id, policy)
    t0 = rec.t0
    first_review_run = (await review.describe()).run_id
    await rec.publish(review, drafts(t0, DAY, (OWNERS[0], 9), (OWNERS[1], 9)))
    key = await rec.ticket_key(review, "1")
    child = rec.child(incident_id, "1")
    first_item_run = (await child.describe()).run_id
    for n in range(15):
        await review.execute_update(
            PostmortemWorkflow.add_went_well, WentWell(text=f"Runbook step {n} worked.")
        )
    deadline = time.monotonic() + 60
    while (await review.describe()).run_id == first_review_run or (
        await child.describe()
    ).run_id == first_item_run:
        if time.monotonic() > deadline:
            raise TimeoutError("the workflows did not continue as new")
        await asyncio.sleep(0.2)
    rec.tracker().set_done(key, True)
    await child.signal(ActionItemWorkflow.ticket_closed, TicketEvent(key=key))
    deadline = time.monotonic() + 30
    while not await _item_done(review, "1"):
        if time.monotonic() > deadline:
            raise TimeoutError("the new item run did not report to the new review run")
        await asyncio.sleep(0.2)
    await asyncio.sleep(1)
    await rec.save_review(incident_id)


async def digest(rec: Recording) -> None:
    """The weekly digest over one published review (dev server: it lists reviews by visibility)."""
    incident_id = "RDIGEST"
    review = await rec.start(incident_id, compressed(DAILY))
    t0 = rec.t0
    await rec.publish(review, drafts(t0, rec.day, (OWNERS[0], 60), (OWNERS[1], 60)))
    await rec.ticket_key(review, "2")
    await asyncio.sleep(2)  # visibility is eventually consistent
    digest_id = f"digest-{uuid.uuid4().hex[:8]}"
    await rec.client.execute_workflow(
        DigestWorkflow.run,
        DigestInput(policy=DAILY, dashboard_url="http://review.test/"),
        id=digest_id,
        task_queue=rec.settings.task_queue,
    )
    await rec.save(digest_id, "digest")
    await rec.save_review(incident_id)


async def review_store(rec: Recording) -> None:
    """Two incidents of one service (the store path): the first, published, is written to the
    review store after each change; the second, opening later, finds it there with its open item
    and shows it on the page and in the opening mail."""
    first = await rec.start("RSTOREONE", DAILY)
    await rec.publish(first, drafts(rec.t0, DAY, (OWNERS[0], 20), (OWNERS[1], 20)))
    await rec.ticket_key(first, "2")
    await close_ticket(rec.client, rec.settings, "RSTOREONE", "2")
    await rec.sleep(3)
    second = await rec.start("RSTORETWO", DAILY)
    deadline = time.monotonic() + 30
    while not (await second.query(PostmortemWorkflow.status)).state.opened_notified:
        if time.monotonic() > deadline:
            raise TimeoutError("the second review did not open")
        await asyncio.sleep(0.1)
    state = (await second.query(PostmortemWorkflow.status)).state
    if [r.incident_id for r in state.repeats] != ["RSTOREONE"]:
        raise AssertionError(f"the second review did not find the first: {state.repeats}")
    await rec.sleep(1)
    await rec.save_review("RSTOREONE")
    await rec.save("postmortem-RSTORETWO", "postmortem-second")
