"""The parts of a running Wijkbot, built once and handed to a runtime."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.domain import db
from bot.flows.conversation import Conversation
from bot.flows.onboarding import all_flows
from bot.handlers.intake import Intake
from bot.logs import event

log = logging.getLogger(__name__)
CLOSE_WITHIN = 10.0  # seconds the connections in use get to come back before the engine closes


@dataclass
class App:
    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    conversation: Conversation
    intake: Intake
    closed: bool = field(default=False)

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


def build_app(settings: Settings, clock: Clock | None = None) -> App:
    clock = clock or SystemClock()
    engine = db.make_engine(settings.database_url)
    sessions = db.make_sessions(engine)
    return App(
        settings=settings,
        clock=clock,
        engine=engine,
        sessions=sessions,
        conversation=Conversation(settings, clock, all_flows()),
        intake=Intake(sessions, clock),
    )
