"""The weekly leadership digest: its figures, the workflow that mails them, and its schedule.

``build_digest`` is pure arithmetic and is tested on known rows. ``DigestWorkflow`` lists reviews
through visibility, so it runs on a dev server of its own: the digest reads *every* running review
on the server, and a review left behind by another test (its worker gone) would both change the
figures and cost a ~30 s query timeout. The schedule test uses the shared dev server.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from temporalio.client import (
    Client,
    ScheduleActionStartWorkflow,
    ScheduleIntervalSpec,
    WorkflowHandle,
)
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from api.starter import start_review
from connectors.local_tracker import LocalTracker
from connectors.store import ReviewStore
from followthrough.settings import Settings
from tests.support.harness import (
    FIVE_WHYS,
    eventually,
    incident,
    item,
    local_worker,
    outbox,
    settings_for,
)
from tests.support.temporal import start_dev_server
from worker import ensure_digest_schedule
from workflows.action_item import ActionItemWorkflow
from workflows.contracts import DigestInput, DropRequest, ItemProgress, ReviewOutcome, TicketEvent
from workflows.digest import DigestWorkflow
from workflows.figures import NO_TEAM, build_digest
from workflows.ids import DIGEST_SCHEDULE_ID, incident_id_of, item_workflow_id
from workflows.messages import DigestTeam
from workflows.policy import ActionItemPolicy, DigestPolicy, Policy, Team
from workflows.postmortem import PostmortemWorkflow
from workflows.review import ActionItem, ItemStatus, Phase, PublishRequest, WentWell, parse_due
from workflows.steps import ReviewRow

DAY = timedelta(days=1)

# --- build_digest on known rows ----------------------------------------------------------------

END = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
START = END - 7 * DAY


def action(
    item_id: str, status: ItemStatus, due: datetime, closed_at: datetime | None = None
) -> ActionItem:
    return ActionItem(
        id=item_id,
        title=f"Item {item_id}",
        owner="owner@example.com",
        due=due.isoformat(),
        done_when="The load test passes at 2x peak.",
        root_cause="rc1",
        status=status,
        closed_at=closed_at,
    )


OPEN, DONE, DROPPED = ItemStatus.OPEN, ItemStatus.DONE, ItemStatus.DROPPED
ROWS = [
    ReviewRow(
        incident_id="PPAY1",
        title="Card payments declined",
        team="Payments",
        published_at=END - 20 * DAY,
        action_items=[
            action("1", OPEN, END + 5 * DAY),
            action("2", OPEN, END - 3 * DAY),  # overdue 3 days
            action("3", DONE, END - 8 * DAY, closed_at=END - 2 * DAY),  # this week, 18 days
            action("4", DROPPED, END - 9 * DAY, closed_at=END - 1 * DAY),
        ],
    ),
    ReviewRow(
        incident_id="PPAY2",
        title="Refunds stuck",
        team="Payments",
        published_at=END - 30 * DAY,
        action_items=[
            action("1", OPEN, END - 10 * DAY),  # overdue 10 days: the oldest
            action("2", DONE, END - 15 * DAY, closed_at=END - 20 * DAY),  # before the week, 10 days
            action("3", DONE, END - 2 * DAY, closed_at=END - 1 * DAY),  # this week, 29 days
        ],
    ),
    ReviewRow(
        incident_id="PSRCH",
        title="Search index stale",
        team="Search",
        published_at=END - 5 * DAY,
        action_items=[
            action("1", DONE, END + 1 * DAY, closed_at=END - 1 * DAY),  # 4 days
            action("2", DONE, END + 1 * DAY, closed_at=END - 3 * DAY),  # 2 days
            action("3", DROPPED, END + 1 * DAY, closed_at=END - 2 * DAY),
        ],
    ),
    ReviewRow(
        incident_id="PMISC",
        title="Status page down",
        team=None,
        published_at=END - 4 * DAY,
        action_items=[
            action("1", OPEN, END - 1 * DAY),  # overdue 1 day
            action("2", DROPPED, END + 3 * DAY, closed_at=END - 1 * DAY),
        ],
    ),
    ReviewRow(
        incident_id="PACC",
        title="SSO login loop",
        team="Access",
        published_at=END - 2 * DAY,
        action_items=[action("1", OPEN, END + 10 * DAY)],
    ),
]


def teams() -> dict[str, DigestTeam]:
    digest = build_digest(ROWS, START, END)
    assert (digest.period_start, digest.period_end) == (START, END)
    return {team.name: team for team in digest.teams}


def test_counts_open_overdue_and_closed_this_week_per_team() -> None:
    counts = {name: (t.open, t.overdue, t.closed_this_week) for name, t in teams().items()}
    assert counts == {
        "Access": (1, 0, 0),
        NO_TEAM: (1, 1, 0),
        "Payments": (3, 2, 2),
        "Search": (0, 0, 2),
    }


def test_completion_rate_is_done_over_done_and_open_with_dropped_excluded() -> None:
    rates = {name: t.completion_rate for name, t in teams().items()}
    assert rates == {"Access": 0.0, NO_TEAM: 0.0, "Payments": 0.5, "Search": 1.0}


def test_median_days_to_close_counts_from_publication() -> None:
    medians = {name: t.median_days_to_close for name, t in teams().items()}
    # Payments: 18, 10, 29 days -> 18; Search: 4, 2 -> 3 (mean of the middle two).
    assert medians == {"Access": None, NO_TEAM: None, "Payments": 18.0, "Search": 3.0}


def test_oldest_overdue_items_come_first_with_their_incident() -> None:
    overdue = teams()["Payments"].oldest_overdue
    assert [(o.incident_id, o.id, o.days_overdue) for o in overdue] == [
        ("PPAY2", "1", 10),
        ("PPAY1", "2", 3),
    ]
    assert all(o.status == "open" for o in overdue)


def test_teams_are_sorted_and_reviews_without_a_team_share_one_bucket() -> None:
    digest = build_digest(ROWS, START, END)
    assert [t.name for t in digest.teams] == ["Access", NO_TEAM, "Payments", "Search"]
    assert [t.name for t in build_digest([], START, END).teams] == []


# --- DigestWorkflow over real reviews ------------------------------------------------------------

PAYMENTS = Team(name="Payments", services=["payments"], leadership=["pay-lead@example.com"])
SEARCH = Team(name="Search", services=["search"])  # no leadership: only the default gets it
POLICY = Policy(
    teams=[PAYMENTS, SEARCH],
    # Nothing escalates while the test runs; the overdue items only earn reminder and notice.
    action_items=ActionItemPolicy(escalate_after=30 * DAY, reconcile_every=DAY),
)
LEADERSHIP = POLICY.defaults.leadership
ONE_CAUSE = FIVE_WHYS.model_copy(update={"root_causes": FIVE_WHYS.root_causes[:1]})
SOON = timedelta(seconds=3)  # an item due this soon is overdue by the time the digest runs
FIGURES = re.compile(
    r"^(?P<name>\S.*)\n  Open (?P<open>\d+), overdue (?P<overdue>\d+), "
    r"closed this week (?P<closed>\d+)\n  Completion (?P<rate>\S+), "
    r"median time to close (?P<median>.+)$",
    re.MULTILINE,
)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def digest_env() -> AsyncIterator[WorkflowEnvironment]:
    """A dev server holding only this module's reviews."""
    env = await start_dev_server()
    yield env
    await env.shutdown()


async def publish_review(
    env: WorkflowEnvironment,
    settings: Settings,
    incident_id: str,
    service: str,
    dues: list[timedelta],
) -> WorkflowHandle[PostmortemWorkflow, ReviewOutcome]:
    """Start a review the way the webhook does and publish it with one item per due offset."""
    now = await env.get_current_time()
    found = incident(incident_id, now - timedelta(hours=1)).model_copy(
        update={"service_id": None, "service_name": service}
    )
    started = await start_review(env.client, settings, POLICY, found)
    assert started["started"]
    handle: WorkflowHandle[PostmortemWorkflow, ReviewOutcome] = env.client.get_workflow_handle_for(
        PostmortemWorkflow.run, started["workflow_id"]
    )
    await handle.execute_update(PostmortemWorkflow.submit_five_whys, ONE_CAUSE)
    now = await env.get_current_time()
    for n, due in enumerate(dues, start=1):
        draft = item(f"Cap the {service} pool at 20 connections ({n})", "owner@example.com", now)
        draft.due = (now + due).isoformat()
        await handle.execute_update(PostmortemWorkflow.add_action_item, draft)
    await handle.execute_update(
        PostmortemWorkflow.add_went_well, WentWell(text="Paging reached the owner in a minute.")
    )
    state = await handle.execute_update(PostmortemWorkflow.publish, PublishRequest())
    assert state.phase == Phase.TRACKING
    return handle


async def item_status(
    handle: WorkflowHandle[PostmortemWorkflow, ReviewOutcome], item_id: str
) -> ActionItem:
    state = (await handle.query(PostmortemWorkflow.status)).state
    found = state.item(item_id)
    assert found is not None
    return found


async def close_ticket(
    client: Client,
    tracker: LocalTracker,
    handle: WorkflowHandle[PostmortemWorkflow, ReviewOutcome],
    item_id: str,
) -> None:
    async def ticket() -> str:
        found = await item_status(handle, item_id)
        assert found.ticket is not None
        return found.ticket.key

    key = await eventually(ticket)
    tracker.set_done(key, True)
    child = client.get_workflow_handle(item_workflow_id(incident_of(handle), item_id))
    await child.signal(ActionItemWorkflow.ticket_closed, TicketEvent(key=key))


def incident_of(handle: WorkflowHandle[Any, Any]) -> str:
    """The incident of a review's workflow handle."""
    incident_id = incident_id_of(handle.id)
    assert incident_id is not None, handle.id
    return incident_id


async def drop_item(
    client: Client, handle: WorkflowHandle[PostmortemWorkflow, ReviewOutcome], item_id: str
) -> None:
    async def started() -> None:
        state = (await handle.query(PostmortemWorkflow.status)).state
        assert item_id in state.started_items

    await eventually(started)
    child: WorkflowHandle[ActionItemWorkflow, ActionItem | ItemProgress] = (
        client.get_workflow_handle_for(
            ActionItemWorkflow.run, item_workflow_id(incident_of(handle), item_id)
        )
    )
    await child.execute_update(ActionItemWorkflow.drop, DropRequest(reason="Superseded."))


def figures(text: str) -> dict[str, tuple[str, ...]]:
    """Team name -> (open, overdue, closed this week, completion, median) as the text shows them."""
    found: dict[str, tuple[str, ...]] = {
        m["name"]: (m["open"], m["overdue"], m["closed"], m["rate"], m["median"])
        for m in FIGURES.finditer(text.replace("\r\n", "\n"))
    }
    assert found, text
    return found


async def test_digest_mails_each_audience_its_teams_figures(
    digest_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    client = digest_env.client
    tracker = LocalTracker(settings.tracker_file, settings.base_url)
    store = ReviewStore(settings.store_url)
    async with local_worker(client, settings):
        pay1 = await publish_review(
            digest_env, settings, "PDIGPAY1", "payments", [SOON, 20 * DAY, 20 * DAY, 20 * DAY]
        )
        pay2 = await publish_review(digest_env, settings, "PDIGPAY2", "payments", [20 * DAY])
        await publish_review(digest_env, settings, "PDIGSRCH", "search", [20 * DAY])
        misc = await publish_review(digest_env, settings, "PDIGMISC", "misc", [SOON])
        await close_ticket(client, tracker, pay1, "3")
        await close_ticket(client, tracker, pay2, "1")
        await drop_item(client, pay1, "4")

        async def ready() -> None:
            assert (await item_status(pay1, "3")).status == ItemStatus.DONE
            assert (await item_status(pay1, "4")).status == ItemStatus.DROPPED
            assert (await item_status(pay2, "1")).status == ItemStatus.DONE
            listed = [
                wf.id
                async for wf in client.list_workflows(
                    "WorkflowType = 'PostmortemWorkflow' AND ExecutionStatus = 'Running'"
                )
            ]
            assert len(listed) == 4, listed
            overdue = [await item_status(pay1, "1"), await item_status(misc, "1")]
            now = await digest_env.get_current_time()
            assert all(parse_due(i.due) < now for i in overdue)
            for handle in (pay1, pay2, misc):  # the digest reads the store: wait for its writes
                state = (await handle.query(PostmortemWorkflow.status)).state
                assert store.revision(state.incident.id) == state.revision

        await eventually(ready)
        sent = await client.execute_workflow(
            DigestWorkflow.run,
            DigestInput(policy=POLICY, dashboard_url="http://review.test/"),
            id=f"digest-{uuid.uuid4()}",
            task_queue=settings.task_queue,
        )
        digests = {tuple(s.to): s for s in outbox(settings) if s.kind == "digest"}

    assert sent == 2
    assert set(digests) == {(*PAYMENTS.leadership,), (*LEADERSHIP,)}
    payments = ("2", "1", "2", "50%", "0 days")
    assert figures(digests[(*PAYMENTS.leadership,)].text) == {"Payments": payments}
    everyone = digests[(*LEADERSHIP,)].text.replace("\r\n", "\n")
    assert figures(everyone) == {
        NO_TEAM: ("1", "1", "0", "0%", "—"),
        "Payments": payments,
        "Search": ("1", "0", "0", "0%", "—"),
    }
    assert "- Cap the payments pool at 20 connections (1) [PDIGPAY1]" in everyone
    assert "- Cap the misc pool at 20 connections (1) [PDIGMISC]" in everyone
    assert "All reviews: http://review.test/" in everyone
    # From the store: every overdue item, and the second payments incident is a repeat.
    assert "  Every overdue item:" in everyone
    assert "- Checkout API returned 503s (PDIGPAY2, payments) repeats" in everyone


# --- the schedule -----------------------------------------------------------------------------


async def test_digest_schedule_is_created_once_and_then_left_as_it_is(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    client = dev_env.client
    settings = settings_for(tmp_path)
    handle = client.get_schedule_handle(DIGEST_SCHEDULE_ID)
    with contextlib.suppress(RPCError):  # a worker started by another test on this server made one
        await handle.delete()
    try:
        await ensure_digest_schedule(client, settings, Policy())
        # A second worker start (here with another cadence) must neither fail nor replace it.
        await ensure_digest_schedule(
            client, settings, Policy(digest=DigestPolicy(every=timedelta(days=1)))
        )
        described = await handle.describe()
    finally:
        await handle.delete()

    schedule = described.schedule
    assert schedule.spec.intervals == [ScheduleIntervalSpec(every=timedelta(days=7))]
    action = schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert action.workflow == "DigestWorkflow"
    assert (action.id, action.task_queue) == (DIGEST_SCHEDULE_ID, settings.task_queue)
    [digest_input] = await client.data_converter.decode(action.args, [DigestInput])
    assert digest_input == DigestInput(policy=Policy(), dashboard_url="http://review.test/")


async def test_disabled_digest_creates_no_schedule(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    client = dev_env.client
    policy = Policy(digest=DigestPolicy(enabled=False))
    await ensure_digest_schedule(client, settings_for(tmp_path), policy)
    with pytest.raises(RPCError) as missing:
        await client.get_schedule_handle(DIGEST_SCHEDULE_ID).describe()
    assert missing.value.status == RPCStatusCode.NOT_FOUND
