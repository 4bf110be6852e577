"""Recently answered webhook deliveries: repeats are known within the window, memory is bounded."""

from __future__ import annotations

from datetime import timedelta

from connectors.deliveries import RecentDeliveries


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_delivery_answered_before_is_seen() -> None:
    deliveries = RecentDeliveries(timedelta(days=7))
    deliveries.remember(["wh-1", "evt-1"])

    assert deliveries.seen(["wh-1", None])
    assert deliveries.seen(["wh-other", "evt-1"])


def test_a_delivery_not_answered_yet_is_not_seen() -> None:
    assert not RecentDeliveries(timedelta(days=7)).seen(["wh-1", "evt-1", None, ""])


def test_a_delivery_is_forgotten_after_the_window() -> None:
    clock = Clock()
    deliveries = RecentDeliveries(timedelta(days=7), clock=clock)
    deliveries.remember(["wh-1"])
    clock.now += timedelta(days=7).total_seconds()

    assert not deliveries.seen(["wh-1"])
    assert len(deliveries) == 0


def test_at_most_max_entries_are_kept_the_oldest_forgotten_first() -> None:
    deliveries = RecentDeliveries(timedelta(days=7), max_entries=3)
    for n in range(5):
        deliveries.remember([f"wh-{n}"])

    assert len(deliveries) == 3
    assert not deliveries.seen(["wh-0"])
    assert not deliveries.seen(["wh-1"])
    assert deliveries.seen(["wh-4"])
