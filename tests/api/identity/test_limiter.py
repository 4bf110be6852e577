"""Failed sign-ins per client address: ten a minute, then a wait that the answer states."""

from __future__ import annotations

from api.identity.limiter import SignInLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_ten_failures_in_a_minute_block_the_eleventh_attempt() -> None:
    clock = Clock()
    limiter = SignInLimiter(clock=clock)
    for _ in range(10):
        assert limiter.retry_after("10.0.0.1") is None
        limiter.failed("10.0.0.1")
        clock.now += 1
    assert limiter.retry_after("10.0.0.1") == 50


def test_the_block_lifts_when_the_oldest_failure_is_a_minute_old() -> None:
    clock = Clock()
    limiter = SignInLimiter(clock=clock)
    for _ in range(10):
        limiter.failed("10.0.0.1")
    clock.now += 60
    assert limiter.retry_after("10.0.0.1") is None


def test_addresses_are_counted_apart() -> None:
    limiter = SignInLimiter(clock=Clock())
    for _ in range(10):
        limiter.failed("10.0.0.1")
    assert limiter.retry_after("10.0.0.2") is None


def test_memory_holds_at_most_the_configured_number_of_addresses() -> None:
    limiter = SignInLimiter(max_addresses=100, clock=Clock())
    for n in range(1000):
        limiter.failed(f"10.0.{n // 256}.{n % 256}")
    assert len(limiter) == 100
