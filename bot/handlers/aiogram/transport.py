"""The delivery engine's transport over aiogram: one send, its outcome, no exceptions."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.delivery.transport import Outcome, Result
from bot.flows.replies import Reply
from bot.handlers.aiogram.send import send_reply


class AiogramTransport:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def deliver(self, chat_id: int, reply: Reply, *, paid: bool = False) -> Outcome:
        try:
            message_id = await send_reply(self.bot, chat_id, reply, paid=paid)
        except TelegramRetryAfter as exc:
            return Outcome(Result.RETRY_AFTER, retry_after=exc.retry_after, error=exc.message)
        except TelegramForbiddenError as exc:
            return Outcome(Result.UNREACHABLE, error=exc.message[:500])
        except TelegramBadRequest as exc:
            return Outcome(Result.REJECTED, error=exc.message[:500])
        except (TelegramServerError, TelegramNetworkError, TimeoutError) as exc:
            return Outcome(Result.TRANSIENT, error=f"{type(exc).__name__}: {exc}"[:500])
        except TelegramAPIError as exc:
            return Outcome(Result.REJECTED, error=exc.message[:500])
        return Outcome(Result.SENT, message_id=message_id)
