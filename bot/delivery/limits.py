"""Telegram's limits per chat, kept by the sender before Telegram has to say 429.

One message per second per private chat and 20 per minute per group. Times are
real (monotonic): they pace the network, not the domain, and live only as long
as the sender does. The bot's overall rate (about 30 messages/s) is shared by
every sender process: bot/delivery/pacing.py.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque


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
        while len(self._chat_ready) > 100_000:  # forget chats long past their interval
            self._chat_ready.popitem(last=False)
