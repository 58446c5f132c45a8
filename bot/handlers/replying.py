"""The core's replies to Bot API calls, within Telegram's rules, for either runtime.

A direct answer is not queued in the outbox: it is owed on its update (see
`owed`) and sent right after the step's commit, waiting out a 429 as Telegram
asks; an edit that is no longer possible becomes a new message. Pushed messages
go through `BotApiTransport`, which the sender uses.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.chat.replies import Reply
from bot.delivery.transport import Outcome, Result
from bot.handlers.botapi import BotApi
from bot.handlers.owed import Owed
from bot.logs import event

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRIES = 5


async def patiently(api: BotApi, call: Callable[[], Awaitable[T]]) -> T:
    """Make a Bot API call, waiting as long as Telegram says after a 429."""
    for _ in range(RETRIES - 1):
        try:
            return await call()
        except api.errors as exc:
            outcome = api.outcome_of(exc)
            if outcome.result is not Result.RETRY_AFTER:
                raise
            await asyncio.sleep(outcome.retry_after)
    return await call()


async def send_reply(
    api: BotApi,
    chat_id: int,
    reply: Reply,
    edit_message_id: int | None = None,
    *,
    paid: bool = False,
) -> int:
    """Send (or edit into place) one reply; returns the message id. Raises `api.errors`."""
    if reply.edit and edit_message_id is not None and reply.picture is None and not reply.document:
        try:
            await api.edit_text(chat_id, edit_message_id, reply.text, reply.buttons)
            return edit_message_id
        except api.errors as exc:
            outcome = api.outcome_of(exc)
            if outcome.result is not Result.REJECTED:
                raise
            if "not modified" in outcome.error.lower():
                return edit_message_id
            # Too old, deleted, or a photo: say it in a new message instead.
    file = reply.picture or reply.document
    if file is not None:
        caption = reply.text or None  # no caption at all rather than an empty one
        photo = reply.picture is not None
        return await api.send_file(chat_id, file, caption, reply.buttons, photo=photo, paid=paid)
    return await api.send_text(chat_id, reply.text, reply.buttons, paid=paid)


async def send_answer(api: BotApi, owed: Owed) -> None:
    """Everything said in return to one turn: first the button's answer, then the replies.

    Sending an answer again (after a crash) is safe: a button already answered is
    "query is too old" and an edit already made is "message is not modified", and
    neither is an error.
    """
    assert owed.answer is not None
    if owed.callback_id is not None:
        try:
            await api.answer_callback(owed.callback_id, owed.answer.notice)
        except api.errors as exc:
            if api.outcome_of(exc).result is not Result.REJECTED:
                raise
            # A query too old to answer (or answered already) is fine: the replies still go out.
    try:
        for reply in owed.answer.replies:
            await patiently(
                api, lambda reply=reply: send_reply(api, owed.chat_id, reply, owed.message_id)
            )
    except api.errors as exc:
        if api.outcome_of(exc).result is not Result.UNREACHABLE:
            raise
        event(log, "answer.blocked", chat=owed.chat_id)


class BotApiTransport:
    """The delivery engine's transport: one send, its outcome, no exceptions from Telegram."""

    def __init__(self, api: BotApi) -> None:
        self.api = api

    async def deliver(self, chat_id: int, reply: Reply, *, paid: bool = False) -> Outcome:
        try:
            message_id = await send_reply(self.api, chat_id, reply, paid=paid)
        except self.api.errors as exc:
            return self.api.outcome_of(exc)
        return Outcome(Result.SENT, message_id=message_id)

    async def leave(self, chat_id: int) -> Outcome:
        try:
            await self.api.leave_chat(chat_id)
        except self.api.errors as exc:
            return self.api.outcome_of(exc)
        return Outcome(Result.SENT)
