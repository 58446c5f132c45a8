"""Telegram, emulated in the benchmark's process, and what it saw of the sender.

Everything is judged from the emulator's side, as a resident would: a message counts
when Telegram accepted it (an ok sendMessage), whatever the sender's database says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.emulator import BotAPIEmulator, Limits
from bot.emulator.whatsapp import CloudAPIEmulator

TELEGRAM_GLOBAL = 30.0  # messages a second to different chats, Telegram's limit for a bot
TELEGRAM_PAID = 1000.0  # messages a second with allow_paid_broadcast (instead of the 30)
TELEGRAM_PRIVATE = 1.0  # messages a second to one person
SEND = "sendmessage"


async def telegram(scale: float, chat_ids: Iterable[int]) -> BotAPIEmulator:
    """A running emulator with Telegram's limits `scale` times faster and one private chat
    per resident (the emulator only delivers to people it knows)."""
    emulator = BotAPIEmulator(limits=Limits(time_scale=scale, callback_query_timeout=None))
    for chat_id in chat_ids:
        emulator.user(chat_id, "Buur")
    await emulator.start()
    return emulator


@dataclass(slots=True)
class Tally:
    """sendMessage calls as the emulator answered them, read incrementally from `calls`
    (WhatsApp's /messages: bench/delivery/whatsapp.py)."""

    emulator: BotAPIEmulator | CloudAPIEmulator
    accepted: Counter[int] = field(default_factory=Counter)
    refused: Counter[int] = field(default_factory=Counter)  # by HTTP status
    times: list[float] = field(default_factory=list)  # of accepted messages, in order
    _seen: int = 0

    def update(self) -> None:
        assert isinstance(self.emulator, BotAPIEmulator)
        calls = self.emulator.calls
        for call in calls[self._seen :]:
            if call.method.lower() != SEND:
                continue
            if call.ok:
                self.accepted[int(call.result["chat"]["id"])] += 1
                self.times.append(call.at)
            else:
                self.refused[call.error_code or 0] += 1
        self._seen = len(calls)

    @property
    def sent(self) -> int:
        return len(self.times)

    @property
    def first_at(self) -> float | None:
        return self.times[0] if self.times else None

    @property
    def last_at(self) -> float | None:
        return self.times[-1] if self.times else None

    @property
    def rate(self) -> float:
        """Accepted messages a second, from the first accepted to the last."""
        if self.sent < 2:
            return 0.0
        return (self.sent - 1) / max(self.times[-1] - self.times[0], 1e-9)

    def stalled(self, interval: float, *, batch: int = 0, head: int = 10) -> float:
        """Seconds lost to pauses longer than two intervals (a pacer makes up one interval of
        lateness, not more). With `batch`: only pauses before the first `head` messages of
        each batch of that size, where the sender has just claimed rows and renders them."""
        lost = 0.0
        for k in range(1, self.sent):
            if batch and k % batch >= head:
                continue
            gap = self.times[k] - self.times[k - 1]
            if gap > 2 * interval:
                lost += gap - interval
        return lost

    def gaps_every(self, batch: int) -> list[float]:
        """Pauses between message k*batch-1 and k*batch: where the sender claims its next
        batch (in a broadcast every claimed row is a first message to its chat)."""
        return [self.times[k] - self.times[k - 1] for k in range(batch, self.sent, batch)]

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.refused.items() if status >= 500)

    def duplicates(self) -> int:
        """Recipients who got more than one message."""
        return sum(1 for count in self.accepted.values() if count > 1)

    def extra_messages(self) -> int:
        """Messages beyond the first per recipient."""
        return sum(count - 1 for count in self.accepted.values() if count > 1)

    def lost(self, expected: Iterable[int]) -> int:
        """Recipients of `expected` (chat ids) who got nothing."""
        return sum(1 for chat_id in expected if self.accepted[chat_id] == 0)
