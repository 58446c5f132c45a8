"""One sending rate shared by every sender process: time slots handed out by the database.

    sender A ─ reserve 50 ─>  send_pace ('paid', next_at)  <─ reserve 50 ─ sender B
             <─ slots t, t+1/r, ..., t+49/r               slots t+50/r, ... ─>

A sender reserves a few slots at a time (one UPDATE ... RETURNING for about 50 ms of
sending at the rate), then sends each message at its slot. However many senders run, the
slots they are given never overlap, so together they keep the one rate Telegram allows a
bot (30/s, or 1000/s for paid broadcasts). A 429 pushes `next_at` past its `retry_after`
for every sender at once. Each pace is one row: "global" and "paid" are Telegram's,
"whatsapp" is WhatsApp's (80/s a business number; its 130429 pauses only that row).

Slots are wall-clock times (`time.time()`): senders on several machines need synchronised
clocks (NTP), as a PostgreSQL deployment has anyway. A sender that fell behind may catch
up with a burst of BURST slots, well within Telegram's tolerance, so that a short pause
(a database hiccup) does not lower the average. A slot already reserved is used even when
it is past (the sender was slower than the rate): the messages sent by any moment never
outnumber the slots up to that moment plus BURST, so Telegram's bucket is never overdrawn.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

from sqlalchemy import bindparam, case, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.dialect import insert_ignoring_duplicates
from bot.domain.models import SendPace

BURST = 5  # slots a late sender may use at once
RESERVE_SECONDS = 0.05  # of sending at the rate, reserved per round trip

_RESERVE = (
    update(SendPace)
    .where(SendPace.name == bindparam("pace"))
    .values(
        next_at=case(
            (SendPace.next_at > bindparam("floor"), SendPace.next_at),
            else_=bindparam("floor"),
        )
        + bindparam("span")
    )
    .returning(SendPace.next_at)
)
_PAUSE = (
    update(SendPace)
    .where(SendPace.name == bindparam("pace"), SendPace.next_at < bindparam("until"))
    .values(next_at=bindparam("until"))
)


class SharedPace:
    """A rate of `per_second` messages, shared through the row `name` of send_pace."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], name: str, per_second: float
    ) -> None:
        self.sessions = sessions
        self.name = name
        self.interval = 1.0 / per_second
        self.chunk = max(1, round(per_second * RESERVE_SECONDS))
        self._slots: deque[float] = deque()
        self._reserving = asyncio.Lock()
        self._created = False

    async def wait_turn(self, wanted: int = 1) -> float:
        """Wait for this sender's next slot; returns the seconds waited.

        `wanted`: messages this sender expects to send soon, so that it does not reserve
        (and waste) slots it will not use.
        """
        started = time.time()
        while not self._slots:
            async with self._reserving:  # one reservation at a time; the others wait for it
                if not self._slots:
                    await self._reserve(min(self.chunk, max(1, wanted)))
        slot = self._slots.popleft()
        delay = slot - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        return time.time() - started

    async def pause(self, seconds: float) -> None:
        """Telegram said 429: no sender sends on this pace for `seconds`."""
        self._slots.clear()
        await self._ensure_row()
        async with self.sessions.begin() as session:
            await session.execute(_PAUSE, {"pace": self.name, "until": time.time() + seconds})

    async def _reserve(self, count: int) -> None:
        await self._ensure_row()
        span = count * self.interval
        async with self.sessions.begin() as session:
            end = await session.scalar(
                _RESERVE,
                {"pace": self.name, "floor": time.time() - BURST * self.interval, "span": span},
            )
        assert end is not None
        start = end - span
        self._slots.extend(start + i * self.interval for i in range(count))

    async def _ensure_row(self) -> None:
        if self._created:
            return
        async with self.sessions.begin() as session:
            dialect = session.bind.dialect.name
            insert = insert_ignoring_duplicates(SendPace.__table__, dialect, "name")
            await session.execute(insert.values(name=self.name, next_at=0.0))
        self._created = True
