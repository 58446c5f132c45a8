"""Private chats: every message and button press goes to the conversation engine."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.conversation import Conversation
from bot.flows.events import Event
from bot.handlers.aiogram.middlewares import AfterCommit
from bot.handlers.aiogram.send import send_answer
from bot.handlers.aiogram.translate import contact_of, event_of


def make_router() -> Router:
    """A new router each time: aiogram routers belong to exactly one dispatcher."""
    router = Router(name="conversation")
    router.message.filter(F.chat.type == "private")
    router.message.register(on_message, F.from_user)
    router.callback_query.register(on_button, F.message)
    return router


async def on_message(
    message: Message,
    bot: Bot,
    session: AsyncSession,
    conversation: Conversation,
    after_commit: AfterCommit,
) -> None:
    """Any message: text, command, photo, location or anything else."""
    assert message.from_user is not None
    contact = contact_of(message.from_user, message.chat.id)
    answer = await conversation.handle(session, contact, event_of(message))
    after_commit.append(lambda: send_answer(bot, message.chat.id, answer))


async def on_button(
    query: CallbackQuery,
    bot: Bot,
    session: AsyncSession,
    conversation: Conversation,
    after_commit: AfterCommit,
) -> None:
    """A pressed inline button; its data is only a hint, the core checks what it may do."""
    assert query.message is not None
    chat_id = query.message.chat.id
    contact = contact_of(query.from_user, chat_id)
    answer = await conversation.handle(session, contact, Event.button(query.data or ""))
    after_commit.append(
        lambda: send_answer(
            bot,
            chat_id,
            answer,
            callback_id=query.id,
            edit_message_id=query.message.message_id if query.message else None,
        )
    )
