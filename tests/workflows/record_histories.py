"""Record replay histories of every workflow path, from the code as it is now.

    python -m tests.workflows.record_histories             # every scenario
    python -m tests.workflows.record_histories six-weeks   # only the named ones
    python -m tests.workflows.record_histories --list      # what there is

Each scenario drives real reviews with the production worker (local tracker, outbox, Markdown
documents; the Jira and SMTP imitations where the path needs them) and writes the history of the
review and of every item workflow to ``tests/workflows/histories/<version>/<scenario>/``, where
``<version>`` is the installed Followthrough version (``--out`` overrides the folder).
``tests/workflows/test_replay.py`` replays every file under ``histories/``, so a workflow change
that would break a running review fails CI.

Most scenarios run on the Java time-skipping server (six weeks in seconds; it has no custom
search attributes, so its histories hold no upserts). The ``-dev`` scenarios and the
continue-as-new one run on the CLI dev server with the search attributes registered and the review
started the way the webhook starts it, so their histories carry the
``UpsertWorkflowSearchAttributes`` commands production histories have; they run in real time
on a compressed policy (one "day" is a second).

The scenarios live in ``tests/workflows/recorded/`` by area (a review's own paths, an item's, the
outside world and the long run), what they share in ``tests.support.recording``, and what a saved
history holds in ``tests.support.histories``. Record new histories for a new path; never re-record an old version's folder (those are the
reviews already running in production).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from followthrough.worker_runtime import DATA_CONVERTER
from tests.support.harness import (
    local_worker,
    settings_for,
)
from tests.support.histories import HISTORIES, facts, read_history, version
from tests.support.recording import (
    Recording,
    Server,
)
from tests.support.temporal import binary
from tests.workflows.recorded.items import (
    deleted_ticket,
    escalation_ladder,
    foreign_ticket_events,
    invitation_live_check,
    item_dropped,
    item_replanned,
    item_revised_and_withdrawn,
    live_check_closed,
    reconciliation_closed,
    reopened_ticket,
    tracker_permission_denied,
)
from tests.workflows.recorded.outside import (
    confluence_document,
    continue_as_new,
    digest,
    mail_outage,
    mail_partly_refused,
    mail_refused,
    review_store,
)
from tests.workflows.recorded.review import (
    decided_while_items_start,
    draft_reminder_escalation,
    facilitator_after_publishing,
    follow_up_drop,
    follow_up_three_outcomes,
    people_and_links,
    search_attributes_on_change,
    six_weeks,
    six_weeks_dev,
    went_well_revised,
)
from workflows.calls import SEARCH_ATTRIBUTES


@dataclass(frozen=True)
class Scenario:
    name: str
    server: Server
    drive: Callable[[Recording], Awaitable[None]]

    @property
    def about(self) -> str:
        return " ".join((self.drive.__doc__ or "").split("\n\n")[0].split())


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("six-weeks", "time-skipping", six_weeks),
    Scenario("six-weeks-dev", "dev", six_weeks_dev),
    Scenario("draft-reminder-escalation", "time-skipping", draft_reminder_escalation),
    Scenario("draft-reminder-escalation-dev", "dev", draft_reminder_escalation),
    Scenario("follow-up-three-outcomes", "time-skipping", follow_up_three_outcomes),
    Scenario("follow-up-three-outcomes-dev", "dev", follow_up_three_outcomes),
    Scenario("follow-up-drop", "time-skipping", follow_up_drop),
    Scenario("item-dropped", "time-skipping", item_dropped),
    Scenario("item-replanned", "time-skipping", item_replanned),
    Scenario("item-revised-and-withdrawn", "time-skipping", item_revised_and_withdrawn),
    Scenario("decided-while-items-start", "dev", decided_while_items_start),
    Scenario("people-and-links", "time-skipping", people_and_links),
    Scenario("escalation-ladder", "time-skipping", escalation_ladder),
    Scenario("live-check-closed", "time-skipping", live_check_closed),
    Scenario("reconciliation-closed", "time-skipping", reconciliation_closed),
    Scenario("invitation-live-check", "time-skipping", invitation_live_check),
    Scenario("deleted-ticket", "time-skipping", deleted_ticket),
    Scenario("reopened-ticket", "time-skipping", reopened_ticket),
    Scenario("foreign-ticket-events", "time-skipping", foreign_ticket_events),
    Scenario("went-well-revised", "time-skipping", went_well_revised),
    Scenario("tracker-permission-denied", "time-skipping", tracker_permission_denied),
    Scenario("confluence-document", "time-skipping", confluence_document),
    Scenario("mail-refused", "time-skipping", mail_refused),
    Scenario("mail-partly-refused", "time-skipping", mail_partly_refused),
    Scenario("mail-outage", "time-skipping", mail_outage),
    Scenario("continue-as-new", "dev-short-history", continue_as_new),
    Scenario("digest", "dev", digest),
    Scenario("search-attributes-on-change", "dev", search_attributes_on_change),
    # The review store (patched "review-store" and "digest-from-store").
    Scenario("review-store", "time-skipping", review_store),
    Scenario("digest-from-store", "dev", digest),
    # Issue 11's six weeks again, the items reconciling less often far from due (patched
    # "reconcile-backs-off").
    Scenario("six-weeks-reconcile-backoff", "time-skipping", six_weeks),
    # Issue 11's small histories: the review's document, store and ticket reads and the items'
    # ticket reads as local activities, the review's loop on one timer per deadline (patched
    # "review-small-history" and "ticket-reads-locally").
    Scenario("six-weeks-small-history", "time-skipping", six_weeks),
    Scenario("six-weeks-small-history-dev", "dev", six_weeks_dev),
    # A facilitator named after publishing reaches the items (patched "facilitator-reaches-items").
    Scenario("facilitator-after-publishing", "time-skipping", facilitator_after_publishing),
    # Issue 11's small histories of items: one watch_ticket activity per open ticket instead of
    # a reconciliation timer and read per period, the item's other calls as local activities
    # (patched "item-small-history"); the item paths that reconciliation and those calls touch.
    Scenario("six-weeks-item-small-history", "time-skipping", six_weeks),
    Scenario("six-weeks-item-small-history-dev", "dev", six_weeks_dev),
    Scenario("item-watch-closed", "time-skipping", reconciliation_closed),
    Scenario("item-watch-live-check-closed", "time-skipping", live_check_closed),
    Scenario("item-watch-deleted", "time-skipping", deleted_ticket),
    Scenario("item-watch-reopened", "time-skipping", reopened_ticket),
    Scenario("item-watch-escalation-ladder", "time-skipping", escalation_ladder),
    Scenario("item-watch-replanned", "time-skipping", item_replanned),
    Scenario("item-watch-dropped", "time-skipping", item_dropped),
    Scenario("item-watch-tracker-permission-denied", "time-skipping", tracker_permission_denied),
    # Issue 11's small histories, continued: the older patches taken without asking, the
    # review's mails and the incident's fetch as local activities, items started with their part
    # of the policy (patched "review-lean-history"); items reporting their progress, reading the
    # ticket inside the message they send and ending with their progress (patched
    # "item-lean-history"); the item paths those touch.
    Scenario("six-weeks-lean-history", "time-skipping", six_weeks),
    Scenario("six-weeks-lean-history-dev", "dev", six_weeks_dev),
    Scenario("mail-refused-lean-history", "time-skipping", mail_refused),
    Scenario("mail-outage-lean-history", "time-skipping", mail_outage),
    Scenario("decided-while-items-start-lean-history", "dev", decided_while_items_start),
    Scenario("item-lean-live-check-closed", "time-skipping", live_check_closed),
    Scenario("item-lean-watch-closed", "time-skipping", reconciliation_closed),
    Scenario("item-lean-deleted", "time-skipping", deleted_ticket),
    Scenario("item-lean-reopened", "time-skipping", reopened_ticket),
    Scenario("item-lean-escalation-ladder", "time-skipping", escalation_ladder),
    Scenario("item-lean-replanned", "time-skipping", item_replanned),
    Scenario("item-lean-dropped", "time-skipping", item_dropped),
    Scenario("item-lean-tracker-permission-denied", "time-skipping", tracker_permission_denied),
    Scenario("item-lean-invitation-live-check", "time-skipping", invitation_live_check),
)


# --- servers and the run -------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def server(kind: Server) -> AsyncIterator[WorkflowEnvironment]:
    if kind == "time-skipping":
        env = await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=binary("temporal-test-server"),
            data_converter=DATA_CONVERTER,
        )
    else:
        extra = ["--log-level", "error"]
        if kind == "dev-short-history":
            extra += ["--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=50"]
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=binary("temporal"),
            data_converter=DATA_CONVERTER,
            search_attributes=list(SEARCH_ATTRIBUTES),
            dev_server_extra_args=extra,
        )
    try:
        yield env
    finally:
        await env.shutdown()


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="followthrough-record-") as folder:
        yield Path(folder)


async def record(
    scenario: Scenario, out: Path, env: WorkflowEnvironment | None = None
) -> list[Path]:
    """Run one scenario with a fresh worker and write its histories under ``out/<name>/``."""
    async with contextlib.AsyncExitStack() as stack:
        if env is None:
            env = await stack.enter_async_context(server(scenario.server))
        scratch = stack.enter_context(_scratch())
        settings = settings_for(scratch)
        await stack.enter_async_context(local_worker(env.client, settings))
        rec = Recording(env, scenario.server, settings, out / scenario.name)
        try:
            await scenario.drive(rec)
        finally:
            if scenario.server != "time-skipping":  # it has no visibility to list with
                await _terminate_open(env.client)
        return rec.written


async def _terminate_open(client: Client) -> None:
    """Stop what a scenario left running, so a shared server's next scenario starts clean."""
    with contextlib.suppress(RPCError):
        async for info in client.list_workflows("ExecutionStatus = 'Running'"):
            with contextlib.suppress(RPCError):
                await client.get_workflow_handle(info.id).terminate("recording finished")


async def record_all(names: list[str], out: Path) -> None:
    chosen = [s for s in SCENARIOS if not names or s.name in names]
    unknown = set(names) - {s.name for s in SCENARIOS}
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(sorted(unknown))} (see --list)")
    shared: dict[Server, WorkflowEnvironment] = {}
    async with contextlib.AsyncExitStack() as stack:
        for scenario in chosen:
            env = None
            if scenario.server == "dev":  # one dev server for all: it starts in seconds
                if "dev" not in shared:
                    shared["dev"] = await stack.enter_async_context(server("dev"))
                env = shared["dev"]
            started = time.perf_counter()
            written = await record(scenario, out, env)
            elapsed = time.perf_counter() - started
            print(
                f"{scenario.name}: {len(written)} histories in {elapsed:.1f} s "
                f"({', '.join(p.name for p in written)})",
                flush=True,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.workflows.record_histories", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("scenarios", nargs="*", help="names to record (default: all)")
    parser.add_argument("--out", type=Path, default=None, help="default histories/<version>/")
    parser.add_argument("--list", action="store_true", help="list the scenarios and stop")
    parser.add_argument("--show", type=Path, default=None, help="summarise the histories there")
    args = parser.parse_args(argv)
    if args.show:
        for path in sorted(args.show.rglob("*.json")):
            print(f"{path.relative_to(args.show)}: {facts(read_history(path)).line()}")
        return 0
    if args.list:
        for s in SCENARIOS:
            print(f"{s.name:32} {s.server:18} {s.about}")
        return 0
    out: Path = args.out or HISTORIES / version()
    # Activity failures are part of several paths; their tracebacks would bury the summary.
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(record_all(list(args.scenarios), out))
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # The Temporal SDK can abort at interpreter exit (rc 134, sdk-python issue #300).
    os._exit(code)
