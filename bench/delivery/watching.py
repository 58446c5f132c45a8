"""Waiting for the sender to finish, with every loop bounded in time.

Done means the outbox has no row left to send (none pending, none claimed); the
emulator's tally is brought up to date on the way, and a sender that died by itself
ends the wait at once with its log.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.models import Delivery, DeliveryStatus, Person

from .emulated import Tally
from .sender_process import SenderProcess, Senders

POLL = 0.5
OPEN = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


def patience(messages: int, rate: float) -> float:
    """How long to wait for `messages` at `rate`: generous (a sender at a sixth of the
    limit still finishes), but bounded, so a stuck sender ends the benchmark."""
    return 60.0 + 6.0 * messages / rate


def lost_detail(lost: int, finished: bool) -> str:
    detail = f"{lost} recipients without a message"
    return detail if finished else f"{detail} (gave up waiting: rows still pending)"


async def statuses(engine: AsyncEngine) -> Counter[str]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status)
        )
        return Counter({DeliveryStatus(status).value: count for status, count in rows})


async def open_rows(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        count = await connection.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.status.in_(OPEN))
        )
        return count or 0


async def unreachable_people(engine: AsyncEngine) -> set[int]:
    async with engine.connect() as connection:
        rows = await connection.scalars(select(Person.id).where(Person.unreachable_at.is_not(None)))
        return set(rows)


async def until_sent(
    engine: AsyncEngine, tally: Tally, sender: SenderProcess | Senders, *, within: float
) -> bool:
    """Wait until nothing is left to send (True) or `within` seconds have passed (False)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        await asyncio.sleep(POLL)
        tally.update()
        sender.check_alive()
        if await open_rows(engine) == 0:
            return True
    return False


async def until_count(tally: Tally, sender: SenderProcess, at_least: int, *, within: float) -> bool:
    """Wait until the emulator has accepted `at_least` messages in all (True) or time is up."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        tally.update()
        if tally.sent >= at_least:
            return True
        sender.check_alive()
        await asyncio.sleep(0.02)
    return False
