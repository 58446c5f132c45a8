"""The durable intake: stored once, claimed once, recovered after a crash, ordered per chat."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.domain.models import ReceivedUpdate, UpdateStatus
from bot.handlers.intake import Intake, Processor, telegram_chat_key
from bot.handlers.owed import Owed
from tests.factories import message


async def nothing_to_send(owed: Owed) -> None:
    raise AssertionError(f"nothing was owed: {owed}")


def test_chat_key_of_each_update_kind() -> None:
    assert telegram_chat_key(message(1, 42)) == "chat:42"
    press = {"update_id": 2, "callback_query": {"id": "q", "from": {"id": 7}, "data": "x"}}
    assert telegram_chat_key(press) == "chat:7"
    assert telegram_chat_key({"update_id": 3, "poll": {}}) == "update:3"


async def test_the_same_update_is_stored_once(app: App) -> None:
    intake = app.intake
    assert await intake.record([message(1, 10), message(2, 10)]) == 2
    assert await intake.record([message(2, 10), message(3, 11)]) == 1
    async with app.sessions() as session:
        ids = (await session.scalars(select(ReceivedUpdate.update_id))).all()
    assert sorted(ids) == [1, 2, 3]


async def test_updates_just_stored_start_at_once_unless_their_chat_is_busy_elsewhere(
    app: App, clock: ManualClock
) -> None:
    intake = Intake(app.sessions, clock, lease=timedelta(seconds=30))
    first = await intake.record_and_claim([message(1, 10), message(2, 11)])
    assert [(row.update_id, row.status, row.attempts) for row in first] == [
        (1, UpdateStatus.PROCESSING, 1),
        (2, UpdateStatus.PROCESSING, 1),
    ]
    # Chat 10's first update is held by another process: its next one waits ...
    assert await intake.record_and_claim([message(3, 10)]) == []
    assert await intake.claim(10) == []
    (three,) = await intake.claim(10, held=[first[0].id])  # the holder of 1 takes it
    # The holder of the chat's earlier updates takes a new one at once.
    (four,) = await intake.record_and_claim([message(4, 10)], held=[first[0].id, three.id])
    assert (three.update_id, four.update_id) == (3, 4)
    assert await intake.record_and_claim([message(1, 10)]) == []  # stored once


async def test_claimed_rows_are_not_claimed_again_until_the_lease_runs_out(
    app: App, clock: ManualClock
) -> None:
    intake = Intake(app.sessions, clock, lease=timedelta(seconds=30))
    await intake.record([message(1, 10), message(2, 11)])
    first = await intake.claim(10)
    assert [row.update_id for row in first] == [1, 2]
    assert await intake.claim(10) == []
    clock.advance(timedelta(seconds=31))  # the process that claimed them died
    again = await intake.claim(10)
    assert [row.update_id for row in again] == [1, 2]
    assert all(row.attempts == 2 for row in again)


async def test_a_failed_update_is_retried_then_given_up(app: App, clock: ManualClock) -> None:
    intake = app.intake
    await intake.record([message(1, 10)])
    for attempt in (1, 2, 3):
        (row,) = await intake.claim(10)
        assert row.attempts == attempt
        retried = await intake.mark_failed(row, RuntimeError("boom"))
        assert retried is (attempt < 3)
        assert await intake.claim(10) == []  # not before its pause is over
        clock.advance(timedelta(minutes=1))
    async with app.sessions() as session:
        stored = await session.scalar(select(ReceivedUpdate))
        assert stored is not None and stored.status is UpdateStatus.FAILED
        assert stored.error == "RuntimeError"  # the type only: its text may quote a person
        assert stored.payload is None


async def test_processor_keeps_order_within_a_chat_and_runs_chats_in_parallel(app: App) -> None:
    seen: list[tuple[str, int]] = []
    running = 0
    most_at_once = 0

    async def process(row: ReceivedUpdate) -> None:
        nonlocal running, most_at_once
        running += 1
        most_at_once = max(most_at_once, running)
        await asyncio.sleep(0.01 if row.update_id % 2 else 0.001)
        seen.append((row.chat_key, row.update_id))
        running -= 1
        async with app.sessions.begin() as session:
            assert await app.intake.finish(session, row, None)

    updates = [message(i, 100 + i % 4) for i in range(1, 41)]
    await app.intake.record(updates)
    stop = asyncio.Event()
    processor = Processor(app.intake, process, nothing_to_send, workers=8, idle_poll=0.05)
    task = asyncio.create_task(processor.run(stop))
    for _ in range(200):
        if len(seen) == 40:
            break
        await asyncio.sleep(0.02)
    stop.set()
    processor.wake()
    await task
    assert len(seen) == 40
    for chat in {key for key, _ in seen}:
        order = [update_id for key, update_id in seen if key == chat]
        assert order == sorted(order), chat
    assert most_at_once > 1
    assert await app.intake.pending_count() == 0
