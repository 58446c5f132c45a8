"""Durable intake: an update is stored before it is acknowledged, then processed.

Both runtimes use it. Polling stores a batch before asking for the next one
(which is what acknowledges it to Telegram); a webhook stores the update
before answering 200. Storing is idempotent on `update_id`, so an update
delivered twice is processed once. Processing claims rows with a lease: a
process that dies mid-update leaves a row whose lease runs out, and the next
process picks it up. An update is marked done in the same transaction as its
effects (see the runtimes' unit-of-work middleware).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.domain.dialect import insert_ignoring_duplicates
from bot.domain.models import ReceivedUpdate, UpdateStatus
from bot.logs import event

log = logging.getLogger(__name__)
MESSENGER = "telegram"
MAX_ATTEMPTS = 3


def telegram_chat_key(update: dict[str, Any]) -> str:
    """The chat an update belongs to; updates of one chat are processed in order."""
    for kind in ("message", "edited_message", "my_chat_member", "chat_member"):
        if kind in update:
            return f"chat:{update[kind]['chat']['id']}"
    if "callback_query" in update:
        return f"chat:{update['callback_query']['from']['id']}"
    return f"update:{update.get('update_id')}"


class Intake:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        lease: timedelta = timedelta(seconds=60),
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.lease = lease

    async def record(self, updates: Sequence[dict[str, Any]]) -> int:
        """Store updates (ignoring ones already stored); returns how many were new."""
        if not updates:
            return 0
        now = self.clock.now()
        rows = [
            {
                "messenger": MESSENGER,
                "update_id": int(item["update_id"]),
                "chat_key": telegram_chat_key(item),
                "payload": item,
                "status": UpdateStatus.PENDING.value,
                "attempts": 0,
                "received_at": now,
            }
            for item in updates
        ]
        async with self.sessions.begin() as session:
            table = ReceivedUpdate.__table__
            insert = insert_ignoring_duplicates(
                table, session.bind.dialect.name, "messenger", "update_id"
            )
            stored = await session.execute(insert.returning(table.c.id), rows)
            return len(stored.all())

    async def claim(self, limit: int) -> list[ReceivedUpdate]:
        """Take up to `limit` updates to process: pending ones, and ones whose lease ran out."""
        now = self.clock.now()
        async with self.sessions.begin() as session:
            rows = list(
                await session.scalars(
                    select(ReceivedUpdate)
                    .where(
                        or_(
                            ReceivedUpdate.status == UpdateStatus.PENDING,
                            (ReceivedUpdate.status == UpdateStatus.PROCESSING)
                            & (ReceivedUpdate.lease_until < now),
                        )
                    )
                    .where(
                        or_(ReceivedUpdate.lease_until.is_(None), ReceivedUpdate.lease_until < now)
                    )
                    .order_by(ReceivedUpdate.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            for row in rows:
                row.status = UpdateStatus.PROCESSING
                row.lease_until = now + self.lease
                row.attempts += 1
        return rows

    @staticmethod
    async def mark_done(session: AsyncSession, row_id: int, now: Any) -> None:
        """Inside the update's own transaction: its effects and 'done' commit together."""
        await session.execute(
            update(ReceivedUpdate)
            .where(ReceivedUpdate.id == row_id)
            .values(status=UpdateStatus.DONE, processed_at=now, lease_until=None)
        )

    async def mark_failed(self, row: ReceivedUpdate, error: BaseException) -> bool:
        """Back to pending after a pause, or failed for good; True when it will be retried."""
        retry = row.attempts < MAX_ATTEMPTS
        now = self.clock.now()
        async with self.sessions.begin() as session:
            await session.execute(
                update(ReceivedUpdate)
                .where(ReceivedUpdate.id == row.id)
                .values(
                    status=UpdateStatus.PENDING if retry else UpdateStatus.FAILED,
                    lease_until=now + timedelta(seconds=2**row.attempts) if retry else None,
                    error=f"{type(error).__name__}: {error}"[:500],
                )
            )
        return retry

    async def pending_count(self) -> int:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(ReceivedUpdate.id).where(
                    ReceivedUpdate.status.in_([UpdateStatus.PENDING, UpdateStatus.PROCESSING])
                )
            )
            return len(rows.all())


class Processor:
    """Runs stored updates through `process`: in order within a chat, chats in parallel."""

    def __init__(
        self,
        intake: Intake,
        process: Callable[[ReceivedUpdate], Awaitable[None]],
        *,
        workers: int = 64,
        idle_poll: float = 1.0,
    ) -> None:
        self.intake = intake
        self.process = process
        self.workers = workers
        self.idle_poll = idle_poll
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(workers)
        self._last_of_chat: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            rows = await self.intake.claim(self.workers * 2)
            for row in rows:
                self._schedule(row)
            if not rows:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle_poll)
            elif len(self._tasks) >= self.workers * 4:
                await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
        await self.drain()

    def abort(self) -> None:
        """Drop the updates in hand; their leases run out and another run takes them."""
        for task in self._tasks:
            task.cancel()

    async def drain(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _schedule(self, row: ReceivedUpdate) -> None:
        before = self._last_of_chat.get(row.chat_key)
        task = asyncio.create_task(self._run(row, before))
        self._last_of_chat[row.chat_key] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._forget(row.chat_key, done))

    def _forget(self, chat_key: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._last_of_chat.get(chat_key) is task:
            del self._last_of_chat[chat_key]

    async def _run(self, row: ReceivedUpdate, before: asyncio.Task[None] | None) -> None:
        if before is not None:
            await asyncio.wait([before])
        async with self._slots:
            try:
                await self.process(row)
            except Exception as exc:  # one bad update must not stop the others
                retried = await self.intake.mark_failed(row, exc)
                event(
                    log,
                    "update.failed",
                    logging.ERROR,
                    update=row.update_id,
                    attempt=row.attempts,
                    retried=retried,
                    error=type(exc).__name__,
                )
                log.debug("update %s failed", row.update_id, exc_info=exc)
                if retried:
                    self.wake()
