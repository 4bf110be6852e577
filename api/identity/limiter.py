"""Failed sign-ins per client address: 10 a minute, then 429 with ``Retry-After``.

A sliding window: an address that failed :data:`MAX_FAILURES` times within :data:`WINDOW_SECONDS`
is refused (every sign-in attempt, right or wrong, so a blocked address cannot keep guessing) until
its oldest failure in the window is a minute old. Memory is bounded: at most ``MAX_FAILURES``
timestamps per address and :data:`MAX_ADDRESSES` addresses (the least recently seen are forgotten
first). Each check is O(MAX_FAILURES).

The count lives in the process: with several API replicas behind a balancer each counts on its
own, so an address gets at most ``10 x replicas`` guesses a minute, still far too few to guess a
256-bit token.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable

__all__ = [
    "MAX_ADDRESSES",
    "MAX_FAILURES",
    "WINDOW_SECONDS",
    "SignInLimiter",
]

MAX_FAILURES = 10
WINDOW_SECONDS = 60.0
MAX_ADDRESSES = 10_000


class SignInLimiter:
    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window_seconds: float = WINDOW_SECONDS,
        max_addresses: int = MAX_ADDRESSES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.max_addresses = max_addresses
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, address: str, now: float) -> deque[float] | None:
        times = self._failures.get(address)
        if times is None:
            return None
        while times and now - times[0] >= self.window:
            times.popleft()
        if not times:
            del self._failures[address]
            return None
        self._failures.move_to_end(address)
        return times

    def retry_after(self, address: str) -> int | None:
        """Seconds until ``address`` may try again, or None when it may try now."""
        now = self.clock()
        times = self._recent(address, now)
        if times is None or len(times) < self.max_failures:
            return None
        return max(1, math.ceil(times[0] + self.window - now))

    def failed(self, address: str) -> None:
        """Count one failed sign-in from ``address``."""
        now = self.clock()
        times = self._recent(address, now)
        if times is None:
            times = deque(maxlen=self.max_failures)
            self._failures[address] = times
            while len(self._failures) > self.max_addresses:
                self._failures.popitem(last=False)
        times.append(now)

    def __len__(self) -> int:
        return len(self._failures)
