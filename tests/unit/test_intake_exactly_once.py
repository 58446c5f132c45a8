"""Exactly once: leases renewed while a chat's queue waits, a conditional "done", and
an answer that failed to go out is owed, never a reason to process the update again."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.app import App
from bot.chat.replies import Answer, Reply
from bot.clock import ManualClock
from bot.domain.models import ReceivedUpdate, UpdateStatus
from bot.handlers.intake import FLOODED, MAX_SENDS, Intake, Processor
from bot.handlers.owed import Owed
from bot.i18n import Html
from tests.factories import message


async def rows(app: App) -> list[ReceivedUpdate]:
    async with app.sessions() as session:
        return list(await session.scalars(select(ReceivedUpdate).order_by(ReceivedUpdate.id)))


async def until(condition, within: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(within / 0.01)):
        if await condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"not within {within}s: {condition}")


class Worker:
    """One bot process: a processor whose steps commit through the intake, as the runtime's."""

    def __init__(
        self, app: App, intake: Intake, *, step: float = 0.0, idle_poll: float = 0.01
    ) -> None:
        self.app = app
        self.intake = intake
        self.step = step
        self.gate = asyncio.Event()  # cleared: the chat's first step waits (a busy chat)
        self.gate.set()
        self.committed: list[int] = []
        self.sent: list[Owed] = []
        self.processor = Processor(
            intake, self.process, self.deliver, workers=8, idle_poll=idle_poll, renew_every=0.01
        )
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def process(self, row: ReceivedUpdate) -> Owed | None:
        await self.gate.wait()
        async with self.app.sessions() as session:
            await asyncio.sleep(self.step)  # a slow step: the chat's other updates wait
            owed = Owed(row.update_id, Answer([Reply(Html(f"answer {row.update_id}"))]))
            if not await self.intake.finish(session, row, owed):
                await session.rollback()
                return None
            await session.commit()
        self.committed.append(row.update_id)
        return owed

    async def deliver(self, owed: Owed) -> None:
        self.sent.append(owed)

    def start(self) -> None:
        self.task = asyncio.create_task(self.processor.run(self.stop))

    async def close(self) -> None:
        self.stop.set()
        self.processor.wake()
        assert self.task is not None
        async with asyncio.timeout(10):
            await self.task


async def test_a_busy_chat_s_waiting_updates_are_processed_once_by_two_processes(
    app: App, clock: ManualClock
) -> None:
    """Before: rows waiting behind a busy chat were claimed again when their lease ran out."""
    lease = timedelta(seconds=15)
    first = Worker(app, Intake(app.sessions, clock, lease=lease, per_chat_cap=50), step=0.02)
    second = Worker(app, Intake(app.sessions, clock, lease=lease, per_chat_cap=50), step=0.02)
    await first.intake.record([message(i, 42) for i in range(1, 31)])
    first.start()
    await until(lambda: _some_committed(first))  # the first process holds the chat's queue
    second.start()
    for _ in range(10):  # time passes, far beyond the lease, while they wait
        clock.advance(timedelta(seconds=20))  # each jump: a stall longer than a lease
        await asyncio.sleep(0.03)
    await until(lambda: _all_done(app))
    await first.close()
    await second.close()
    committed = Counter(first.committed + second.committed)
    assert sorted(committed) == list(range(1, 31))
    assert set(committed.values()) == {1}  # each update's step committed exactly once
    # Every answer went out; the clock's jumps are process stalls longer than the lease,
    # after which an answer may go out twice (never a step).
    assert {owed.chat_id for owed in first.sent + second.sent} == set(range(1, 31))


async def test_the_heartbeat_keeps_the_rows_waiting_behind_a_busy_chat(
    app: App, clock: ManualClock
) -> None:
    intake = Intake(app.sessions, clock, lease=timedelta(seconds=15))
    worker = Worker(app, intake)
    worker.gate.clear()
    await intake.record([message(i, 42) for i in range(1, 6)])
    worker.start()
    await until(lambda: _all_claimed(app))
    other = Intake(app.sessions, clock, lease=timedelta(seconds=15))
    for _ in range(6):  # 60 s in all, four leases, while this process is alive
        clock.advance(timedelta(seconds=10))
        await asyncio.sleep(0.1)  # heartbeats
        assert await other.claim(10) == []  # nothing for another process to take over
    worker.gate.set()
    await until(lambda: _all_done(app))
    await worker.close()
    assert worker.committed == [1, 2, 3, 4, 5]
    assert {row.attempts for row in await rows(app)} == {1}


async def test_a_chat_s_next_update_stored_by_another_process_follows_at_once(
    app: App, clock: ManualClock
) -> None:
    """A load balancer spreads a chat's updates over processes: the one that finishes the
    earlier update claims the next at once, not after its idle poll."""
    worker = Worker(app, Intake(app.sessions, clock), idle_poll=60)
    worker.gate.clear()  # the first update's step is under way
    await worker.intake.record([message(1, 42)])
    worker.start()
    await until(lambda: _all_claimed(app))
    await Intake(app.sessions, clock).record([message(2, 42)])  # stored by another process
    worker.gate.set()
    await until(lambda: _all_done(app), within=5)  # well before the idle poll of 60 s
    await worker.close()
    assert worker.committed == [1, 2]


async def _all_claimed(app: App) -> bool:
    return all(row.status is UpdateStatus.PROCESSING for row in await rows(app))


async def _some_committed(worker: Worker) -> bool:
    return bool(worker.committed)


async def _all_done(app: App) -> bool:
    stored = await rows(app)
    return all(row.status is UpdateStatus.DONE and row.answer is None for row in stored)


async def test_a_send_error_after_the_commit_leaves_the_answer_owed_not_the_update_failed(
    app: App, clock: ManualClock
) -> None:
    worker = Worker(app, app.intake)
    failures = 0

    async def flaky(owed: Owed) -> None:
        nonlocal failures
        if failures < 2:
            failures += 1
            raise ConnectionError("Telegram is away")
        worker.sent.append(owed)

    worker.processor.deliver = flaky
    await app.intake.record([message(1, 42)])
    worker.start()
    await until(lambda: _failed_sends(app, 1))
    (row,) = await rows(app)
    assert row.status is UpdateStatus.DONE and row.answer is not None and row.payload is None
    clock.advance(timedelta(seconds=3))  # past the first pause
    await until(lambda: _failed_sends(app, 2))
    clock.advance(timedelta(seconds=5))
    await until(lambda: _all_done(app))
    await worker.close()
    assert worker.committed == [1]  # processed once, whatever the sending did
    assert [owed.chat_id for owed in worker.sent] == [1]


async def _failed_sends(app: App, count: int) -> bool:
    (row,) = await rows(app)
    return row.answer is not None and row.answer["failures"] == count


async def test_an_answer_that_cannot_be_sent_is_given_up_after_a_few_tries(
    app: App, clock: ManualClock
) -> None:
    await app.intake.record([message(1, 42)])
    (row,) = await app.intake.claim(10)
    async with app.sessions.begin() as session:
        owed = Owed(42, Answer([Reply(Html("hi"))]))
        assert await app.intake.finish(session, row, owed)
    for attempt in range(1, MAX_SENDS + 1):
        retried = await app.intake.answer_failed(row, owed, TimeoutError())
        assert retried is (attempt < MAX_SENDS)
        owed = Owed.from_json((await rows(app))[0].answer or {"chat_id": 42, "replies": []})
    (stored,) = await rows(app)
    assert stored.status is UpdateStatus.DONE and stored.answer is None
    assert stored.error == "answer not sent: TimeoutError"


async def test_done_is_never_overwritten(app: App, clock: ManualClock) -> None:
    await app.intake.record([message(1, 42)])
    (row,) = await app.intake.claim(10)
    clock.advance(timedelta(seconds=60))  # its lease ran out: another process takes it
    (taken,) = await app.intake.claim(10)
    async with app.sessions.begin() as session:
        assert await app.intake.finish(session, taken, None)
    async with app.sessions.begin() as session:  # the first process comes back, too late
        assert not await app.intake.finish(session, row, None)
    assert await app.intake.mark_failed(row, RuntimeError("late")) is False
    (stored,) = await rows(app)
    assert stored.status is UpdateStatus.DONE and stored.error is None


async def test_what_is_stored_of_an_update_and_when_it_is_gone(app: App) -> None:
    shared = message(1, 42)
    shared["message"]["from"].update(last_name="Yılmaz", username="ann_y")
    del shared["message"]["text"]
    shared["message"]["contact"] = {"phone_number": "+31612345678", "first_name": "Ann"}
    group = message(2, -100)
    group["message"]["chat"]["type"] = "group"
    assert await app.intake.record([shared, group]) == 1
    (kept,) = await rows(app)  # a group's chatter is not stored at all
    assert kept.payload is not None
    assert "+31612345678" not in str(kept.payload) and "Yılmaz" not in str(kept.payload)
    assert "ann_y" not in str(kept.payload)
    (row,) = await app.intake.claim(10)
    async with app.sessions.begin() as session:
        assert await app.intake.finish(session, row, None)
    (kept,) = await rows(app)
    assert kept.payload is None and kept.status is UpdateStatus.DONE


async def test_a_failed_update_keeps_no_payload(app: App, clock: ManualClock) -> None:
    await app.intake.record([message(1, 42, text="my address is Taagdreef 12")])
    for _ in range(3):
        (row,) = await app.intake.claim(10)
        await app.intake.mark_failed(row, ValueError("Taagdreef 12 is not a date"))
        clock.advance(timedelta(minutes=1))
    (stored,) = await rows(app)
    assert stored.status is UpdateStatus.FAILED
    assert stored.payload is None and stored.error == "ValueError"


async def test_one_slow_down_per_burst(app: App) -> None:
    intake = Intake(app.sessions, app.clock, per_chat_cap=3)
    await intake.record([message(i, 42) for i in range(1, 7)])  # 3 queued, 3 over the cap
    await intake.record([message(7, 42), message(8, 43)])  # still the same burst
    stored = await rows(app)
    flooded = [row for row in stored if row.error == FLOODED]
    assert [row.update_id for row in flooded] == [4, 5, 6, 7]
    assert all(row.payload is None and row.status is UpdateStatus.DONE for row in flooded)
    assert [row.update_id for row in flooded if row.answer is not None] == [4]
    assert Owed.from_json(flooded[0].answer or {}).chat_id == 42
    assert next(row for row in stored if row.update_id == 8).error is None  # other chat
    while claimed := await intake.claim(10):  # the queue is worked off, one at a time
        for row in claimed:
            if row.status is UpdateStatus.PROCESSING:
                async with app.sessions.begin() as session:
                    await intake.finish(session, row, None)
    await intake.record([message(i, 42) for i in range(9, 14)])  # a new burst
    again = [row for row in await rows(app) if row.update_id >= 9]
    assert [row.update_id for row in again if row.answer is not None] == [12]


async def test_an_answer_cleared_with_none_is_not_owed(app: App) -> None:
    """`values(answer=None)` is SQL NULL (the column is `none_as_null`), which is 'nothing owed'."""
    await app.intake.record([message(1, 42)])
    (row,) = await app.intake.claim(10)
    async with app.sessions.begin() as session:
        assert await app.intake.finish(session, row, Owed(42, Answer([Reply(Html("hi"))])))
        await session.execute(update(ReceivedUpdate).values(answer=None, lease_until=None))
    assert await app.intake.claim(10) == []


async def test_a_chat_s_next_update_waits_while_another_process_holds_an_earlier_one(
    app: App, clock: ManualClock
) -> None:
    first, second = app.intake, Intake(app.sessions, clock)
    await first.record([message(1, 42), message(2, 43)])
    held = await first.claim(10)
    await first.record([message(3, 42), message(4, 44)])
    (other_chat,) = await second.claim(10)
    assert other_chat.update_id == 4  # not 3: it waits behind 1, held by the first process
    assert [row.update_id for row in await first.claim(10, [r.id for r in held])] == [3]
    clock.advance(timedelta(seconds=16))  # the first process died: its leases ran out
    taken = await second.claim(10, [other_chat.id])
    assert [row.update_id for row in taken] == [1, 2]  # 3 still waits: 1 is not held yet
    held = [other_chat.id, *(row.id for row in taken)]
    assert [row.update_id for row in await second.claim(10, held)] == [3]


async def test_an_update_waits_behind_an_earlier_one_another_claim_has_locked(
    app: App,
) -> None:
    """A claim skips rows another process's claim has locked (SKIP LOCKED) and reads them
    as still pending: pending is enough to wait behind, a lease is not needed."""
    if app.engine.dialect.name != "postgresql":
        pytest.skip("row locks that others skip are PostgreSQL's (SQLite has one writer)")
    await app.intake.record([message(1, 42), message(2, 42)])
    async with app.sessions.begin() as other:  # another process, in the middle of its claim
        await other.execute(
            select(ReceivedUpdate.id).where(ReceivedUpdate.update_id == 1).with_for_update()
        )
        assert await app.intake.claim(10) == []  # 2 waits for 1, which it cannot take
    assert [row.update_id for row in await app.intake.claim(10)] == [1]
