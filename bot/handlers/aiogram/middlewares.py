"""A database session per update, committed together with marking the update done."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.handlers.intake import Intake

AfterCommit = list[Callable[[], Awaitable[None]]]


class UnitOfWork(BaseMiddleware):
    """Injects `session` and `after_commit`; sends answers only once the state is saved.

    Committing before sending means a crash can lose an answer, never apply an
    update twice: the update is done in the same transaction as its effects.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        after_commit: AfterCommit = []
        async with self.sessions() as session:
            data["session"] = session
            data["after_commit"] = after_commit
            result = await handler(event, data)
            intake_row = data.get("intake_row")
            if intake_row is not None:
                await Intake.mark_done(session, intake_row, self.clock.now())
            await session.commit()
        for send in after_commit:
            await send()
        return result
