"""The core's replies to Bot API calls, within Telegram's rules.

A direct answer is not queued in the outbox: it is sent at once, waiting out a
429 like Telegram asks, and an edit that is no longer possible becomes a new
message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.flows.replies import Answer, Button, File, Reply
from bot.logs import event

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRIES = 5


def markup(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(text=b.label, callback_data=b.payload)
                for b in row
            ]
            for row in buttons
        ]
    )


def input_file(file: File) -> BufferedInputFile | str:
    if file.file_id:
        return file.file_id
    assert file.data is not None
    return BufferedInputFile(file.data, filename=file.filename)


async def patiently(call: Callable[[], Awaitable[T]]) -> T:
    """Make a Bot API call, waiting as long as Telegram says after a 429."""
    for _ in range(RETRIES - 1):
        try:
            return await call()
        except TelegramRetryAfter as exc:
            await asyncio.sleep(exc.retry_after)
    return await call()


async def send_reply(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    edit_message_id: int | None = None,
    *,
    paid: bool = False,
) -> int:
    """Send (or edit into place) one reply; returns the message id. Raises aiogram's errors."""
    keyboard = markup(reply.buttons)
    if reply.edit and edit_message_id is not None and reply.picture is None and not reply.document:
        try:
            await bot.edit_message_text(
                text=reply.text, chat_id=chat_id, message_id=edit_message_id, reply_markup=keyboard
            )
            return edit_message_id
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return edit_message_id
            # Too old, deleted, or a photo: say it in a new message instead.
    paid_option = {"allow_paid_broadcast": True} if paid else {}
    if reply.picture is not None:
        message = await bot.send_photo(
            chat_id,
            input_file(reply.picture),
            caption=reply.text,
            reply_markup=keyboard,
            **paid_option,
        )
    elif reply.document is not None:
        message = await bot.send_document(
            chat_id,
            input_file(reply.document),
            caption=reply.text,
            reply_markup=keyboard,
            **paid_option,
        )
    else:
        message = await bot.send_message(chat_id, reply.text, reply_markup=keyboard, **paid_option)
    return message.message_id


async def send_answer(
    bot: Bot,
    chat_id: int,
    answer: Answer,
    *,
    callback_id: str | None = None,
    edit_message_id: int | None = None,
) -> None:
    if callback_id is not None:
        # A query too old to answer is fine: the reply below still goes out.
        with contextlib.suppress(TelegramBadRequest):
            await bot.answer_callback_query(callback_id, text=answer.notice)
    try:
        for reply in answer.replies:
            await patiently(lambda reply=reply: send_reply(bot, chat_id, reply, edit_message_id))
    except TelegramForbiddenError:
        event(log, "answer.blocked", chat=chat_id)
