"""One scheduler and sender at a time: the process holding the leader lock.

Other processes wait and take over when the leader dies (its database
connection, and with it the PostgreSQL advisory lock, goes away): each tries
the lock every `retry` seconds (`LEADER_RETRY`), so the scheduler and the
sender stand still for about that long (tests/e2e/test_leader_failover.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot import metrics
from bot.config import LEADER_RETRY
from bot.domain.dialect import try_leader_lock
from bot.logs import event

log = logging.getLogger(__name__)


class LeadershipLost(Exception):
    pass


class Leadership:
    def __init__(
        self, engine: AsyncEngine, *, retry: float = LEADER_RETRY, heartbeat: float = 10.0
    ) -> None:
        self.engine = engine
        self.retry = retry
        self.heartbeat = heartbeat
        self._connection: AsyncConnection | None = None
        self._leading = False

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Wait until this process leads; False when `stop` came first."""
        announced = False
        while not stop.is_set():
            connection = await self.engine.connect()
            if await try_leader_lock(connection):
                await connection.commit()
                if self.engine.dialect.name == "postgresql":
                    self._connection = connection  # the lock lives as long as this connection
                else:
                    await connection.close()  # nothing to hold: don't keep a pooled connection
                self._leading = True
                event(log, "leader.acquired")
                metrics.LEADER.set(1)
                return True
            await connection.close()
            if not announced:
                event(log, "leader.standby")
                announced = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.retry)
        return False

    async def hold(self, stop: asyncio.Event) -> None:
        """Return when `stop` is set; raise LeadershipLost when the lock's connection fails."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.heartbeat)
            if self._connection is None or self.engine.dialect.name != "postgresql":
                continue
            try:
                await self._connection.execute(text("SELECT 1"))
                await self._connection.commit()
            except Exception as exc:
                event(log, "leader.lost", logging.ERROR, error=type(exc).__name__)
                raise LeadershipLost from exc

    async def release(self) -> None:
        """Stop leading: a standby takes the lock at its next try (within `retry` seconds)."""
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None
        if self._leading:
            self._leading = False
            metrics.LEADER.set(0)
            event(log, "leader.released")
