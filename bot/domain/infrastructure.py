"""What every long-running part of Wijkbot stands on: settings, a clock, the database.

The background (scheduler and sender) needs only this, not the conversations
or the Telegram intake; `App` adds those on top of it for a runtime.

    Infrastructure (settings, clock, engine, sessions)
        ├── used by bot.jobs.Background
        └── extended by bot.app.App (+ conversation, intake)
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.logs import event

log = logging.getLogger(__name__)
CLOSE_WITHIN = 10.0  # seconds the connections in use get to come back before the engine closes


@dataclass
class Infrastructure:
    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    closed: bool = field(default=False, init=False)

    async def close(self) -> None:
        """Close the engine once every connection is back in the pool (bounded).

        A task that was just cancelled may still be rolling back; closing its connection
        under it makes two closes race inside aiosqlite, and the loser waits forever.
        """
        if not self.closed:
            self.closed = True
            pool = self.engine.pool
            deadline = asyncio.get_running_loop().time() + CLOSE_WITHIN
            while getattr(pool, "checkedout", lambda: 0)() > 0:
                if asyncio.get_running_loop().time() > deadline:
                    event(log, "app.close_forced", logging.WARNING, in_use=pool.checkedout())  # type: ignore[attr-defined]
                    break
                await asyncio.sleep(0.02)
            await self.engine.dispose()
