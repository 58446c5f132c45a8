"""Flood-limit buckets, driven by a fake clock."""

from __future__ import annotations

import pytest

from bot.emulator.limits import Limits, RateLimiter, TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_a_burst_then_refills() -> None:
    bucket = TokenBucket(rate=2.0, capacity=3, now=0.0)
    for _ in range(3):
        assert bucket.wait_time(0.0) == 0
        bucket.take(0.0)
    assert bucket.wait_time(0.0) == pytest.approx(0.5)
    assert bucket.wait_time(0.5) == 0


def test_private_chat_burst_then_one_per_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Limits(), clock)
    assert all(limiter.acquire(1001, "private") is None for _ in range(20))
    assert limiter.acquire(1001, "private") == 1
    assert limiter.acquire(1002, "private") is None  # other chats are unaffected
    clock.now += 1.0
    assert limiter.acquire(1001, "private") is None
    assert limiter.acquire(1001, "private") == 1


def test_group_twenty_per_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Limits(), clock)
    assert all(limiter.acquire(-500, "group") is None for _ in range(20))
    assert limiter.acquire(-500, "group") == 3  # one message per 3 seconds refill
    clock.now += 3.0
    assert limiter.acquire(-500, "group") is None


def test_global_limit_across_chats() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Limits(), clock)
    assert all(limiter.acquire(chat_id, "private") is None for chat_id in range(30))
    assert limiter.acquire(99, "private") == 1
    clock.now += 1 / 30
    assert limiter.acquire(99, "private") is None


def test_time_scale_speeds_up_refills_but_reports_emulated_seconds() -> None:
    clock = FakeClock()
    limits = Limits(time_scale=100, private_burst=1)
    limiter = RateLimiter(limits, clock)
    assert limiter.acquire(1, "private") is None
    assert limiter.acquire(1, "private") == 1  # one emulated second...
    clock.now += limits.real_seconds(1)  # ...is 10 ms of real time
    assert limiter.acquire(1, "private") is None


def test_disabled_limits_never_throttle() -> None:
    limiter = RateLimiter(Limits(enabled=False), FakeClock())
    assert all(limiter.acquire(1, "private") is None for _ in range(500))


def test_time_scale_must_be_positive() -> None:
    with pytest.raises(ValueError, match="time_scale"):
        Limits(time_scale=0)
