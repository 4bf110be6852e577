"""The review's audit trail and access updates (workflows.review_access), on the time-skipping
server: each accepted change records who, when and what; a rejected one records nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from tests.support.harness import FIVE_WHYS, incident, item, local_worker, settings_for
from workflows.audit import Actor, ActorKind, Via
from workflows.contracts import PostmortemInput, ReviewOutcome, UpdateResult
from workflows.postmortem import PostmortemWorkflow
from workflows.review import FiveWhys, PublishRequest, RevokeLinks, SetFacilitator, WentWell

Review = WorkflowHandle[PostmortemWorkflow, ReviewOutcome]
ALICE = Actor(kind=ActorKind.PERSON, name="alice@example.com", via=Via.LINK, role="contributor")
CI = Actor(kind=ActorKind.TOKEN, name="ci", via=Via.API, role="facilitator")


@pytest_asyncio.fixture
async def review(time_env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Review]:
    settings = settings_for(tmp_path)
    async with local_worker(time_env.client, settings):
        now = await time_env.get_current_time()
        handle = await time_env.client.start_workflow(
            PostmortemWorkflow.run,
            PostmortemInput(incident=incident("PAUDIT", now), review_url="http://review.test/r"),
            id="postmortem-audit",
            task_queue=settings.task_queue,
        )
        yield handle


async def test_an_accepted_change_records_its_actor_and_revision(review: Review) -> None:
    await review.execute_update(
        PostmortemWorkflow.submit_five_whys, FIVE_WHYS.model_copy(update={"actor": ALICE})
    )
    state = (await review.query(PostmortemWorkflow.status)).state
    entry = state.audit.entries[-1]
    assert (entry.actor, entry.action) == (ALICE, "five_whys.submitted")
    assert 0 < entry.revision <= state.revision
    assert state.five_whys is not None and state.five_whys.actor is None


async def test_a_rejected_change_records_nothing(review: Review) -> None:
    before = (await review.query(PostmortemWorkflow.status)).state.audit.total
    with pytest.raises(WorkflowUpdateFailedError):
        await review.execute_update(
            PostmortemWorkflow.submit_five_whys,
            FiveWhys(symptom=" ", whys=["x"], root_causes=[], actor=ALICE),
        )
    assert (await review.query(PostmortemWorkflow.status)).state.audit.total == before


async def test_publishing_with_an_override_records_the_reason_and_who_gave_it(
    review: Review, time_env: WorkflowEnvironment
) -> None:
    now = await time_env.get_current_time()
    await review.execute_update(PostmortemWorkflow.submit_five_whys, FIVE_WHYS)
    for owner, rc in (("alice@example.com", "rc1"), ("bob@example.com", "rc2")):
        await review.execute_update(
            PostmortemWorkflow.add_action_item,
            item("Cap pool size at 20 in the template", owner, now + timedelta(days=9), rc),
        )
    await review.execute_update(PostmortemWorkflow.add_went_well, WentWell(text="Paged fast."))
    await review.execute_update(
        PostmortemWorkflow.publish, PublishRequest(blame_override="Quoted log line.", actor=CI)
    )
    entry = (await review.query(PostmortemWorkflow.status)).state.audit.entries[-1]
    assert entry.actor == CI
    assert entry.summary == "Published, overriding the findings: Quoted log line."


async def test_revoking_links_records_when(review: Review, time_env: WorkflowEnvironment) -> None:
    await review.execute_update(PostmortemWorkflow.revoke_links, RevokeLinks(actor=CI))
    state = (await review.query(PostmortemWorkflow.status)).state
    assert state.links_revoked_at is not None
    assert state.links_revoked_at <= await time_env.get_current_time()
    assert state.audit.entries[-1].action == "links.revoked"


async def test_an_admin_names_the_facilitator(review: Review) -> None:
    await review.execute_update(
        PostmortemWorkflow.set_facilitator, SetFacilitator(facilitator="Fay@Example.com")
    )
    state = (await review.query(PostmortemWorkflow.status)).state
    assert state.facilitator == "fay@example.com"


async def test_access_updates_answer_only_their_revision(review: Review) -> None:
    """Their results are recorded in the history: the whole review there would grow it per call."""
    revoked = await review.execute_update(PostmortemWorkflow.revoke_links, RevokeLinks(actor=CI))
    named = await review.execute_update(
        PostmortemWorkflow.set_facilitator, SetFacilitator(facilitator="fay@example.com")
    )
    assert isinstance(revoked, UpdateResult) and revoked.changed == "links_revoked_at"
    assert isinstance(named, UpdateResult) and named.changed == "facilitator"
    assert named.revision > revoked.revision


async def test_a_facilitator_that_is_no_email_is_refused(review: Review) -> None:
    with pytest.raises(WorkflowUpdateFailedError):
        await review.execute_update(
            PostmortemWorkflow.set_facilitator, SetFacilitator(facilitator="not an email")
        )
