"""Telegram, emulated in the benchmark's process, and what it saw of the sender.

Everything is judged from the emulator's side, as a resident would: a message counts
when Telegram accepted it (an ok sendMessage), whatever the sender's database says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.emulator import BotAPIEmulator, Limits

TELEGRAM_GLOBAL = 30.0  # messages a second to different chats, Telegram's limit for a bot
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
    """sendMessage calls as the emulator answered them, read incrementally from `calls`."""

    emulator: BotAPIEmulator
    accepted: Counter[int] = field(default_factory=Counter)
    refused: Counter[int] = field(default_factory=Counter)  # by HTTP status
    first_at: float | None = None
    last_at: float | None = None
    _seen: int = 0

    def update(self) -> None:
        calls = self.emulator.calls
        for call in calls[self._seen :]:
            if call.method.lower() != SEND:
                continue
            if call.ok:
                self.accepted[int(call.result["chat"]["id"])] += 1
                self.first_at = call.at if self.first_at is None else self.first_at
                self.last_at = call.at
            else:
                self.refused[call.error_code or 0] += 1
        self._seen = len(calls)

    @property
    def sent(self) -> int:
        return sum(self.accepted.values())

    @property
    def rate(self) -> float:
        """Accepted messages a second, from the first accepted to the last."""
        if self.first_at is None or self.last_at is None or self.sent < 2:
            return 0.0
        return (self.sent - 1) / max(self.last_at - self.first_at, 1e-9)

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
