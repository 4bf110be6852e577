"""Webhook deliveries answered recently, so a repeat is told ``duplicate`` without calling Temporal.

PagerDuty retries a delivery with the same ``X-Webhook-Id`` (and the same signed ``event.id``)
until it gets a 2xx. A delivery is remembered only once it was answered with success: a retry of
one that failed must reach Temporal again. Entries expire after ``window`` (the policy's
``webhooks.max_age``; an older delivery is refused as stale by its ``occurred_at`` anyway) and at
most ``max_entries`` are kept, the oldest forgotten first, so the memory it takes is bounded.

One per API process: behind several replicas a repeat may reach another one, which then asks
Temporal, whose id-conflict policy still answers it as a duplicate.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import timedelta

__all__ = ["RecentDeliveries"]


class RecentDeliveries:
    """Delivery keys (webhook ids, event ids) answered with success within ``window``."""

    def __init__(
        self,
        window: timedelta,
        max_entries: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window.total_seconds()
        self.max_entries = max_entries
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()  # key -> when, oldest first
        self._lock = threading.Lock()

    def seen(self, keys: Iterable[str | None]) -> bool:
        """Whether any of ``keys`` was remembered within the window."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            return any(key in self._seen for key in keys if key)

    def remember(self, keys: Iterable[str | None]) -> None:
        """Record ``keys`` as answered now."""
        now = self._clock()
        with self._lock:
            for key in keys:
                if not key:
                    continue
                self._seen.pop(key, None)
                self._seen[key] = now
            while len(self._seen) > self.max_entries:
                self._seen.popitem(last=False)

    def __len__(self) -> int:
        return len(self._seen)

    def _expire(self, now: float) -> None:
        while self._seen:
            key, at = next(iter(self._seen.items()))
            if now - at < self.window:
                return
            del self._seen[key]
