"""The scheduler/sender leader is killed -9 during a scheduled broadcast; a standby takes over.

    A (leads: PostgreSQL advisory lock) ──scheduled broadcast due──> sweep ──> outbox rows
      └─ sends ... ~1/3 of them ... kill -9 (its connection, and the lock, go away)
    B (stands by, tries the lock every few seconds) ──> leads ──> rows A held back in the
      queue ──> sends the rest

Proven: B takes over within 10 s (from the kill to B's first message), the
broadcast completes (every row sent), nobody is missed and at most one
resident gets it twice (the one message A had in flight). Counted by what the
emulator received per resident.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.app import App
from bot.domain import broadcasts
from bot.domain.models import Broadcast, Delivery, DeliveryStatus
from bot.emulator import BotAPIEmulator
from tests.e2e.processes import until, webhook_cluster
from tests.factories import resident

RESIDENTS = 300
TEXT = "Buurtfeest zaterdag om 14:00 op het Zamenhofplein"
TAKEOVER_WITHIN = 10.0
# The default settings: the sender at Telegram's 30 messages/s, one at a time (so at most one
# is in flight at the kill), so the broadcast takes about 10 s; LEADER_RETRY 2 s.
SETTINGS = {"LOG_LEVEL": "INFO"}


def received(emulator: BotAPIEmulator) -> list[tuple[int, float]]:
    """(chat, when) of every copy of the broadcast the residents got."""
    return [
        (int(call.params["chat_id"]), call.at)
        for call in emulator.calls_for("sendMessage")
        if call.ok and TEXT in call.params["text"]
    ]


async def test_the_leader_killed_during_a_broadcast_is_replaced_and_the_broadcast_completes(
    emulator: BotAPIEmulator, postgresql: str, seeded: App
) -> None:
    emulator.set_limits(enabled=False)  # the sender keeps to them; no 429s to wait out
    people = [await resident(seeded, 20000 + n) for n in range(RESIDENTS)]
    for n in range(RESIDENTS):
        emulator.user(20000 + n)
    async with seeded.sessions.begin() as session:
        item = Broadcast(
            neighbourhood_id=people[0].neighbourhood_id, text=TEXT, urgent=True,
            created_at=datetime.now(UTC),
        )  # fmt: skip
        session.add(item)
        broadcasts.schedule(item, datetime.now(UTC))  # due: the leader's first sweep sends it

    async with webhook_cluster(emulator, postgresql, **SETTINGS) as (_, (first, second)):
        await first.start()  # the leader, within a moment of being ready

        async def first_leads() -> bool:
            return "wijkbot_leader 1.0" in (await first.get("/metrics"))[1]

        await until(first_leads, within=10)
        await second.start()
        assert "wijkbot_leader 0.0" in (await second.get("/metrics"))[1]  # standing by

        async def a_third_sent() -> bool:
            return len(received(emulator)) >= RESIDENTS // 3

        await until(a_third_sent, within=30)
        await first.kill()
        killed_at = time.monotonic()
        sent_before = len(received(emulator))

        async def all_sent() -> bool:
            return len({chat for chat, _ in received(emulator)}) == RESIDENTS

        await until(all_sent, within=60)
        took_over = min(at for _, at in received(emulator)[sent_before:]) - killed_at
        assert "wijkbot_leader 1.0" in (await second.get("/metrics"))[1]

    copies = Counter(chat for chat, _ in received(emulator))
    print(
        f"killed after {sent_before} of {RESIDENTS}; the standby's first message "
        f"{took_over:.1f} s after the kill; residents by copies {Counter(copies.values())}"
    )
    assert set(copies) == {20000 + n for n in range(RESIDENTS)}  # 0 lost
    assert sum(copies.values()) - RESIDENTS <= 1  # at most one duplicate for one crash
    assert took_over < TAKEOVER_WITHIN
    assert "leader.standby" in second.logs and "leader.acquired" in second.logs
    async with seeded.sessions() as session:
        statuses = Counter(
            await session.scalars(select(Delivery.status).where(Delivery.broadcast_id == item.id))
        )
        assert statuses == {DeliveryStatus.SENT: RESIDENTS}, statuses
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 1
