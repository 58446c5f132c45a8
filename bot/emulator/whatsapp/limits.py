"""Meta's throughput limits as token buckets on the emulator's clock.

* Throughput per business phone number: 80 messages/second by default (Meta raises it to
  1000 for large accounts); over it, 130429 "Rate limit hit", synchronously.
* Pair rate limit per recipient: Meta allows about 1 message every 6 seconds to one person,
  with a burst (up to 45 in 6 seconds, then the normal pace is owed); over it, 131056,
  synchronously. Off by default so that a test conversation never trips it; switch it on
  with `Limits(pair_per_second=META_PAIR_PER_SECOND)`.

The buckets run on the emulator's `now()`, so a test with a frozen clock gets exactly
`burst` messages until it moves the clock on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..limits import TokenBucket

__all__ = ["META_PAIR_BURST", "META_PAIR_PER_SECOND", "Limits", "ThroughputLimiter"]

META_PAIR_PER_SECOND = 1 / 6
META_PAIR_BURST = 45


@dataclass(frozen=True)
class Limits:
    """`enabled=False` switches every limit off; a rate of None switches that one off."""

    enabled: bool = True
    per_second: float | None = 80.0
    burst: int = 80
    pair_per_second: float | None = None
    pair_burst: int = META_PAIR_BURST


class ThroughputLimiter:
    """`acquire(to)` returns None (send) or the code of the limit hit (nothing consumed)."""

    def __init__(self, limits: Limits, clock: Callable[[], float]):
        self.limits = limits
        self._clock = clock
        self._number: TokenBucket | None = None
        self._pairs: dict[str, TokenBucket] = {}

    def acquire(self, to: str) -> int | None:
        lim = self.limits
        if not lim.enabled:
            return None
        now = self._clock()
        number = None
        if lim.per_second is not None:
            if self._number is None:
                self._number = TokenBucket(lim.per_second, lim.burst, now)
            number = self._number
            if number.wait_time(now) > 0:
                return 130429
        pair = None
        if lim.pair_per_second is not None:
            pair = self._pairs.get(to)
            if pair is None:
                pair = self._pairs[to] = TokenBucket(lim.pair_per_second, lim.pair_burst, now)
            if pair.wait_time(now) > 0:
                return 131056
        for bucket in (number, pair):
            if bucket is not None:
                bucket.take(now)
        return None
