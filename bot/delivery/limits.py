"""Telegram's sending limits, kept by the sender before Telegram has to say 429.

A global token bucket (about 30 messages/s per bot), one message per second
per private chat and 20 per minute per group. Times are real (monotonic): they
pace the network, not the domain, and live only as long as the sender does.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque

BURST = 5  # messages that may catch up after a pause; Telegram tolerates about 30


class SendingLimits:
    def __init__(
        self, per_second: float, private_per_second: float, group_per_minute: float
    ) -> None:
        self.interval = 1.0 / per_second
        self.private_interval = 1.0 / private_per_second
        self.group_interval = 60.0 / group_per_minute
        self.group_per_minute = max(1, int(group_per_minute))
        self._next_global = 0.0
        self._chat_ready: OrderedDict[int, float] = OrderedDict()
        self._group_sent: dict[int, deque[float]] = {}

    def group_turn(self, chat_id: int) -> float:
        """A group's or channel's turn: 0 when a message may go now (its place in the minute
        is taken at once), else the seconds until the oldest of the last `group_per_minute`
        messages there is a minute old. At most that many in any 60 seconds, as Telegram asks."""
        now = time.monotonic()
        sent = self._group_sent.setdefault(chat_id, deque())
        while sent and sent[0] <= now - 60.0:
            sent.popleft()
        if len(sent) >= self.group_per_minute:
            return sent[0] + 60.0 - now
        sent.append(now)
        return 0.0

    def chat_ready_in(self, chat_id: int) -> float:
        """Seconds until this chat may get another message (0: now)."""
        return max(0.0, self._chat_ready.get(chat_id, 0.0) - time.monotonic())

    async def wait_turn(self) -> float:
        """Wait for the global rate to allow the next message; returns the seconds waited.

        A short pause (a database hiccup) may be made up with a burst of a few
        messages, well within Telegram's tolerance, so the average holds the rate.
        """
        now = waited = time.monotonic()
        if self._next_global > now:
            await asyncio.sleep(self._next_global - now)
            now = time.monotonic()
        earliest = now - BURST * self.interval
        self._next_global = max(self._next_global, earliest) + self.interval
        return now - waited

    def sent(self, chat_id: int) -> None:
        interval = self.group_interval if chat_id < 0 else self.private_interval
        self._chat_ready[chat_id] = time.monotonic() + interval
        self._chat_ready.move_to_end(chat_id)
        while len(self._chat_ready) > 100_000:  # forget chats long past their interval
            self._chat_ready.popitem(last=False)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing goes out for `seconds`."""
        self._next_global = max(self._next_global, time.monotonic() + seconds)
