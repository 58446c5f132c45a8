"""Group commit of the "sent" marks: messages finished at about the same moment, one transaction.

    worker 1 ── sent ──┐
    worker 2 ── sent ──┼──> UPDATE deliveries ... (executemany) ── COMMIT ──> each returns
    worker 3 ── sent ──┘

A worker returns only once its own mark is committed, so after a crash only the
messages in flight (at most `DELIVERY_CONCURRENCY`) can go out again, as before.
With one worker it is one transaction per message; with several, the marks that
arrive while a transaction is under way go together in the next one.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.models import Delivery, DeliveryStatus

_DELIVERIES = Delivery.__table__
_MARK_SENT = (  # built once: the hot path binds only its parameters
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id == bindparam("row"))
    .values(
        status=DeliveryStatus.SENT,
        last_error=None,
        sent_at=bindparam("at"),
        sent_message_id=bindparam("message"),
        attempts=_DELIVERIES.c.attempts + 1,
    )
)


class SentMarks:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._writing = False

    async def sent(self, delivery_id: int, at: datetime, message_id: int | None) -> None:
        """Return once the row is marked sent (raises what the transaction raised)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(({"row": delivery_id, "at": at, "message": message_id}, done))
        if not self._writing:
            self._writing = True
            try:
                await self._write_all()
            except BaseException:
                if done.done():  # the writer raises the error itself: its own future is read
                    done.exception()
                raise
            finally:
                self._writing = False
        await done

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                async with self.engine.begin() as connection:
                    await connection.execute(_MARK_SENT, [marks for marks, _ in batch])
            except BaseException as exc:  # also a cancellation: nobody may wait forever
                failure = exc if isinstance(exc, Exception) else RuntimeError("not marked")
                for _, done in batch + self._waiting:
                    if not done.done():
                        done.set_exception(failure)
                self._waiting = []
                raise
            for _, done in batch:
                done.set_result(None)
