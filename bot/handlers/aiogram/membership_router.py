"""A person blocking or unblocking the bot: stop or resume writing to them."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import ChatMemberUpdated
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.domain import people
from bot.handlers.intake import MESSENGER


def make_router() -> Router:
    router = Router(name="membership")
    router.my_chat_member.register(on_membership, F.chat.type == "private")
    return router


async def on_membership(update: ChatMemberUpdated, session: AsyncSession, clock: Clock) -> None:
    reachable = update.new_chat_member.status not in ("kicked", "left")
    await people.set_reachable(
        session, MESSENGER, str(update.from_user.id), reachable=reachable, now=clock.now()
    )
