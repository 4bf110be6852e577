"""What one soak run found: counts, failures, and the report that prints the history around them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["SoakResult"]


@dataclass
class SoakResult:
    seed: int
    seconds: float = 0.0
    reviews: int = 0
    closed: int = 0
    kills: int = 0
    worker_starts: int = 0
    #: Stale activations the workers' guard refused, by rule (followthrough/worker_runtime.py).
    refused: Counter[str] = field(default_factory=Counter)
    deliveries: Counter[str] = field(default_factory=Counter)
    polls: Counter[str] = field(default_factory=Counter)
    tickets: int = 0
    items: int = 0
    mails: int = 0
    duplicate_mails: int = 0
    histories: int = 0
    events: int = 0
    task_failures: list[str] = field(default_factory=list)
    replay_failures: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    excerpts: list[str] = field(default_factory=list)
    plan: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.task_failures or self.replay_failures or self.problems)

    def summary(self) -> str:
        return (
            f"seed {self.seed}: {'ok' if self.ok else 'FAILED'} in {self.seconds:.1f} s; "
            f"{self.closed}/{self.reviews} reviews closed, {self.tickets} tickets for "
            f"{self.items} items, {self.kills} kills ({self.worker_starts} worker starts), "
            f"stale activations refused {dict(self.refused) or 0}, "
            f"deliveries {dict(self.deliveries)}, polls {dict(self.polls)}, {self.mails} mails "
            f"({self.duplicate_mails} repeated), {self.histories} histories / {self.events} "
            f"events replayed, {len(self.task_failures)} task failures, "
            f"{len(self.replay_failures)} replay failures"
        )

    def report(self) -> str:
        lines = [self.summary(), "plan:", *self.plan]
        for title, found in (
            ("problems", self.problems),
            ("workflow-task failures", self.task_failures),
            ("replay failures", self.replay_failures),
        ):
            if found:
                lines += [f"{title}:", *(f"  {f}" for f in found)]
        return "\n".join(lines + self.excerpts)
