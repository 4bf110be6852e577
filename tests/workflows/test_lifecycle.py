"""A whole six-week review on the time-skipping server, with the real worker and local connectors.

Three items: one closed early, one closed late after a reminder, an overdue notice and one
escalation, one re-planned at the follow-up and then closed. The follow-up is recorded and the
review closes. Messages are asserted by kind, recipient and (skipped) time.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from connectors.local_tracker import LocalTracker
from tests.support.harness import Sent, outbox, settings_for
from tests.support.scenarios import SIX_WEEK_POLICY, six_week_review
from workflows.review import ItemOutcome, ItemStatus, Phase

FACILITATOR = SIX_WEEK_POLICY.defaults.facilitator
LEADERSHIP = SIX_WEEK_POLICY.defaults.leadership


def at_day(t0: datetime, sent: Sent) -> float:
    return (sent.at - t0) / timedelta(days=1)


async def test_six_week_review_runs_from_resolution_to_close(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    tracker = LocalTracker(settings.tracker_file, settings.base_url)
    run = await six_week_review(time_env, settings, "PLIFE01")
    t0, handle, outcome, status = run.t0, run.handle, run.outcome, run.status
    assert run.published.state.phase == Phase.TRACKING
    history = await handle.fetch_history()

    assert outcome.items_done == 3 and outcome.items_dropped == 0
    state = status.state
    assert state.phase == Phase.CLOSED
    assert [i.outcome for i in state.action_items] == [
        ItemOutcome.DONE_ON_TIME,
        ItemOutcome.DONE_LATE,
        ItemOutcome.DONE_ON_TIME,
    ]
    assert all(i.status == ItemStatus.DONE for i in state.action_items)
    assert len(tracker.all_tickets()) == 3

    sent = outbox(settings)
    log = [(s.kind, s.to, round(at_day(t0, s))) for s in sent]
    assert log[0] == ("review_opened", [FACILITATOR, "alice@example.com", "bob@example.com"], 0)
    by_kind = {kind: [(to, day) for k, to, day in log if k == kind] for kind, _, _ in log}
    assert by_kind["owner_reminder"] == [(["dave@example.com"], 7), (["erin@example.com"], 17)]
    assert by_kind["overdue_notice"] == [(["dave@example.com"], 10), (["erin@example.com"], 20)]
    # Item 2 escalated once (day 17) and never again after its ticket closed on day 19;
    # item 3 escalated on days 27 and 34 until it was re-planned.
    assert by_kind["escalation"] == [(LEADERSHIP, 17), (LEADERSHIP, 27), (LEADERSHIP, 34)]
    assert [
        s
        for s in sent
        if s.kind == "escalation" and "dave@" in ",".join(s.cc) and at_day(t0, s) > 19
    ] == []
    invitation = [s for s in sent if s.kind == "follow_up_invitation"]
    assert len(invitation) == 1
    assert set(invitation[0].to) >= {
        FACILITATOR,
        "carol@example.com",
        "dave@example.com",
        "erin@example.com",
    }
    assert 27 <= at_day(t0, invitation[0]) <= 31  # 7 days before the (weekday) meeting
    nags = [s for s in sent if s.kind in ("owner_reminder", "overdue_notice", "escalation")]
    assert "carol@example.com" not in {a for s in nags for a in s.to + s.cc}  # closed early
    assert {k for k, _, _ in log} == {
        "review_opened",
        "owner_reminder",
        "overdue_notice",
        "escalation",
        "follow_up_invitation",
    }

    doc = Path(settings.documents_dir / "PLIFE01.md").read_text()
    assert "**Closed**" in doc and "done_late" in doc
    report = {"wall_seconds": round(run.wall_seconds, 2), "history_events": len(history.events)}
    (tmp_path / "lifecycle.json").write_text(json.dumps(report))
