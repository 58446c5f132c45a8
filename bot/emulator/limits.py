"""Telegram's flood limits as token buckets, with a time scale for fast tests.

Telegram documents ~30 messages/second overall, ~1 message/second per private chat (short
bursts tolerated) and 20 messages/minute per group; messages sent with
`allow_paid_broadcast` bypass the 30/s and may go at up to 1000/s (a bucket of their own).
Each limit is a token bucket: `burst` tokens, refilled at the documented rate.

Time scale: with `time_scale=100` emulated time runs 100x faster than real time, so the
30/s limit admits 3000 messages per real second. `retry_after` in a 429 is always given in
*emulated* seconds (an integer >= 1, like Telegram); a client honouring it must sleep
`retry_after / time_scale` real seconds (`Limits.real_seconds(retry_after)`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Limits", "RateLimiter", "TokenBucket"]

_EPSILON = 1e-9


@dataclass(frozen=True)
class Limits:
    """Rate limits and Telegram timeouts enforced by the emulator.

    The defaults are Telegram's numbers; `private_burst=20` lets a bot answer a person's
    messages one by one without being throttled, as on real Telegram.
    """

    enabled: bool = True
    global_per_second: float = 30.0
    global_burst: int = 30
    private_per_second: float = 1.0
    private_burst: int = 20
    group_per_minute: float = 20.0
    group_burst: int = 20
    paid_per_second: float = 1000.0  # allow_paid_broadcast: instead of the 30/s
    paid_burst: int = 100
    time_scale: float = 1.0
    # Emulated seconds after which a callback query can no longer be answered; None: never.
    # Scaled like everything else: with time_scale=1000 a real bot has only 15 ms, so tests
    # combining a large time_scale with button presses should raise this or set None.
    callback_query_timeout: float | None = 15.0

    def __post_init__(self) -> None:
        if self.time_scale <= 0:
            raise ValueError("time_scale must be positive")

    def real_seconds(self, emulated_seconds: float) -> float:
        """Real time corresponding to emulated seconds (e.g. a 429's retry_after)."""
        return emulated_seconds / self.time_scale


class TokenBucket:
    """A bucket of `capacity` tokens refilled at `rate` tokens per (real) second."""

    def __init__(self, rate: float, capacity: float, now: float):
        self.rate = rate
        self.capacity = max(capacity, 1.0)
        self.tokens = self.capacity
        self.updated = now

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def wait_time(self, now: float) -> float:
        """Real seconds until one token is available (0 if one is available now)."""
        self._refill(now)
        if self.tokens >= 1.0 - _EPSILON:  # tolerate float error in the refill arithmetic
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1.0


class RateLimiter:
    """Per-bot and per-chat buckets; `acquire` answers "send now" or "retry after N"."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic):
        self.limits = limits
        self._clock = clock
        self._global: TokenBucket | None = None
        self._paid: TokenBucket | None = None
        self._chats: dict[int | str, TokenBucket] = {}

    def _chat_bucket(self, chat_id: int | str, chat_type: str, now: float) -> TokenBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            lim = self.limits
            if chat_type == "private":
                rate, burst = lim.private_per_second, lim.private_burst
            else:
                rate, burst = lim.group_per_minute / 60.0, lim.group_burst
            bucket = TokenBucket(rate * lim.time_scale, burst, now)
            self._chats[chat_id] = bucket
        return bucket

    def acquire(self, chat_id: int | str, chat_type: str, *, paid: bool = False) -> int | None:
        """Take a token from the bot's (or, `paid`, the paid broadcasts') and the chat's bucket.

        Returns None when the message may be sent, otherwise the `retry_after` (emulated
        seconds) to report; nothing is consumed in that case.
        """
        lim = self.limits
        if not lim.enabled:
            return None
        now = self._clock()
        if self._global is None:
            self._global = TokenBucket(
                lim.global_per_second * lim.time_scale, lim.global_burst, now
            )
            self._paid = TokenBucket(lim.paid_per_second * lim.time_scale, lim.paid_burst, now)
        bot = self._paid if paid else self._global
        assert bot is not None
        chat = self._chat_bucket(chat_id, chat_type, now)
        wait = max(bot.wait_time(now), chat.wait_time(now))
        if wait > 0:
            return max(1, math.ceil(wait * lim.time_scale - _EPSILON))
        bot.take(now)
        chat.take(now)
        return None
