"""The soak's schedule: what the reviews do and what breaks when, all drawn from one seed.

:func:`make_plan` draws every random choice of a run from :attr:`SoakConfig.seed` before anything
starts, so a printed seed reproduces a run's schedule (tests/support/soak.py runs it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = [
    "FATES",
    "ITEM_TITLES",
    "JIRA_WEBHOOK_SECRET",
    "OWNERS",
    "SOAK_POLICY",
    "Action",
    "ItemPlan",
    "Plan",
    "ReviewPlan",
    "SoakConfig",
    "make_plan",
]

#: Seconds, not weeks: the draft deadline passes for reviews published late, items come due,
#: escalate and reconcile within the run, the follow-up invitation goes out ~35 s after resolution.
SOAK_POLICY = """
timezone = "UTC"
[review]
draft_deadline = "PT12S"
[follow_up]
after = "PT40S"
invite_ahead = "PT6S"
[action_items]
max_horizon = "P90D"
remind_before = "PT3S"
escalate_after = "PT4S"
escalate_every = "PT6S"
reconcile_every = "PT3S"
[digest]
enabled = false
[defaults]
facilitator = "facilitator@example.com"
leadership = ["vp@example.com"]
"""
JIRA_WEBHOOK_SECRET = "soak-jira-webhook-secret"
OWNERS = ("carol@example.com", "dave@example.com", "erin@example.com")
ITEM_TITLES = (
    "Cap pool size at 20 in the service template",
    "Add a pool-limit step to the deploy checklist",
    "Alert when pool usage stays over 80% for 5 minutes",
)
#: What becomes of an item: closed in Jira with a webhook, closed in Jira with the webhook lost
#: (reconciliation finds it), or left open for the follow-up to drop, re-plan (then closed) or
#: confirm done.
FATES = ("webhook", "silent", "dropped", "replanned", "confirmed")


@dataclass(frozen=True)
class SoakConfig:
    """One soak run; every random choice derives from ``seed``."""

    seed: int
    reviews: int = 10
    items: tuple[int, int] = (2, 3)
    kills: tuple[int, int] = (6, 10)
    workers: int = 2
    smtp_outage: float = 15.0
    temporal_pause: tuple[float, float] = (4.0, 6.0)
    temporal_restart: bool = True
    deliveries_over: float = 12.0
    timeout: float = 300.0  # bound on driving every review to its close
    #: False: workers without the stale-activation guard (tests/support/unguarded_worker.py), to show
    #: the SDK fault it works around; never in the suite.
    guard: bool = True


@dataclass
class Action:
    at: float
    name: str
    arg: int = 0

    def __str__(self) -> str:
        return f"{self.at:5.1f}s {self.name}{f' {self.arg}' if self.arg else ''}"


@dataclass
class ItemPlan:
    title: str
    owner: str
    root_cause: str
    due_in: float
    fate: str
    close_after: float


@dataclass
class ReviewPlan:
    incident_id: str
    deliver_at: float
    publish_after: float
    items: list[ItemPlan]


@dataclass
class Plan:
    reviews: list[ReviewPlan]
    actions: list[Action]

    def lines(self) -> list[str]:
        out = [f"  chaos: {', '.join(str(a) for a in self.actions)}"]
        for review in self.reviews:
            fates = ",".join(i.fate for i in review.items)
            out.append(
                f"  {review.incident_id}: delivered {review.deliver_at:4.1f}s, published "
                f"+{review.publish_after:4.1f}s, items {fates}"
            )
        return out


def make_plan(config: SoakConfig) -> Plan:
    """The whole schedule, drawn from the seed before anything starts (and printed)."""
    rng = random.Random(config.seed)
    pause_at = rng.uniform(3.0, 7.0)
    pause_for = rng.uniform(*config.temporal_pause)
    reviews: list[ReviewPlan] = []
    in_outage = set(rng.sample(range(config.reviews), min(2, config.reviews)))
    for index in range(config.reviews):
        deliver_at = (
            pause_at + 0.5 + 1.2 * len([i for i in in_outage if i < index])
            if index in in_outage
            else rng.uniform(0.0, config.deliveries_over)
        )
        items = [
            ItemPlan(
                title=ITEM_TITLES[n],
                owner=OWNERS[n],
                root_cause="rc1" if n != 1 else "rc2",
                due_in=rng.uniform(8.0, 20.0),
                fate=rng.choice(FATES),
                close_after=rng.uniform(0.0, 12.0),
            )
            for n in range(rng.randint(*config.items))
        ]
        reviews.append(ReviewPlan(f"PSOAK{index:02d}", deliver_at, rng.uniform(1.0, 20.0), items))
    actions = [Action(pause_at, "pause_temporal"), Action(pause_at + pause_for, "resume_temporal")]
    kill_at = rng.uniform(2.0, 6.0)
    for _ in range(rng.randint(*config.kills)):
        worker = rng.randrange(config.workers)
        actions.append(Action(kill_at, "kill_worker", worker))
        actions.append(Action(kill_at + rng.uniform(0.3, 3.0), "start_worker", worker))
        kill_at += rng.uniform(4.0, 10.0)
    if config.temporal_restart:
        restart_at = max(pause_at + pause_for + 5.0, rng.uniform(20.0, 40.0))
        actions.append(Action(restart_at, "stop_temporal"))
        actions.append(Action(restart_at + rng.uniform(2.0, 4.0), "start_temporal"))
    jira_at = rng.uniform(5.0, 20.0)
    actions.append(Action(jira_at, "jira_429", rng.randint(4, 8)))
    actions.append(Action(jira_at + rng.uniform(2.0, 6.0), "jira_503", rng.randint(3, 6)))
    smtp_at = rng.uniform(5.0, 30.0)
    actions.append(Action(smtp_at, "smtp_down"))
    actions.append(Action(smtp_at + config.smtp_outage, "smtp_up"))
    actions.sort(key=lambda a: a.at)
    return Plan(reviews, actions)
