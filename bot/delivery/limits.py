"""The messengers' limits per chat, kept by the sender before the messenger has to refuse.

Telegram: one message per second per private chat and 20 per minute per group.
WhatsApp: a pair rate per person (Meta: about one message every 6 seconds, with a
burst), a token bucket:

    tokens ──(one per message)──> send      refill: `per_second`, up to `burst`
    empty  ──> the row waits (deferred) until a token is back; other people go on

Times are real (monotonic): they pace the network, not the domain, and live only as
long as the sender does. The overall rates (Telegram's about 30 messages/s,
WhatsApp's 80) are shared by every sender process: bot/delivery/pacing.py.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque

REMEMBERED = 100_000  # chats remembered; the oldest are long past their interval


class SendingLimits:
    def __init__(self, private_per_second: float, group_per_minute: float) -> None:
        self.private_interval = 1.0 / private_per_second
        self.group_interval = 60.0 / group_per_minute
        self.group_per_minute = max(1, int(group_per_minute))
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

    def sent(self, chat_id: int) -> None:
        interval = self.group_interval if chat_id < 0 else self.private_interval
        self._chat_ready[chat_id] = time.monotonic() + interval
        self._chat_ready.move_to_end(chat_id)
        while len(self._chat_ready) > REMEMBERED:
            self._chat_ready.popitem(last=False)


class PairRate:
    """WhatsApp's pair rate: at most `burst` messages at once to one person, then
    `per_second` (a bucket per person, full for a person not seen yet)."""

    def __init__(self, per_second: float, burst: int) -> None:
        self.per_second = per_second
        self.burst = max(1, burst)
        self._buckets: OrderedDict[int, tuple[float, float]] = OrderedDict()  # tokens, at

    def _tokens(self, chat_id: int, now: float) -> float:
        tokens, at = self._buckets.get(chat_id, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - at) * self.per_second)

    def ready_in(self, chat_id: int) -> float:
        """Seconds until this person may get another message (0: now)."""
        missing = 1.0 - self._tokens(chat_id, time.monotonic())
        return max(0.0, missing / self.per_second)

    def sent(self, chat_id: int) -> None:
        now = time.monotonic()
        self._buckets[chat_id] = (self._tokens(chat_id, now) - 1.0, now)
        self._buckets.move_to_end(chat_id)
        while len(self._buckets) > REMEMBERED:
            self._buckets.popitem(last=False)

    def hold(self, chat_id: int, seconds: float) -> None:
        """WhatsApp said 131056 (pair rate hit): nothing more to this person for `seconds`."""
        now = time.monotonic()
        self._buckets[chat_id] = (1.0 - seconds * self.per_second, now)
        self._buckets.move_to_end(chat_id)
