"""The parts of a running Wijkbot, built once and handed to a runtime."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.domain import db
from bot.flows.conversation import Conversation
from bot.flows.onboarding import all_flows
from bot.handlers.intake import Intake


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
        if not self.closed:
            self.closed = True
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
