"""The Bot API calls Wijkbot makes, through aiogram 3 (`RUNTIME=aiogram`, the default)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiogram import Bot, methods
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import Response
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    GetUpdates,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
)

from bot.chat.replies import File
from bot.config import Settings
from bot.delivery.transport import Outcome, Result
from bot.handlers.aiogram.session import LeanSession
from bot.handlers.botapi import Buttons
from bot.i18n import Html

# aiogram builds `Response[<result type>]` for every call; pydantic keeps those generic
# models only weakly, so under load they are collected and rebuilt again and again (about
# 6% of the bot's CPU in the onboarding benchmark). Holding them once keeps them built.
_RESPONSE_TYPES = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        methods.GetMe,
        methods.GetUpdates,
        methods.SetMyCommands,
        methods.DeleteWebhook,
        methods.SetWebhook,
        methods.SendMessage,
        methods.SendPhoto,
        methods.SendDocument,
        methods.EditMessageText,
        methods.AnswerCallbackQuery,
    )
)


def make_bot(settings: Settings) -> Bot:
    session = LeanSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        settings.require_token(),
        session=session,
        default=DefaultBotProperties(
            parse_mode=ParseMode.HTML, link_preview=LinkPreviewOptions(is_disabled=True)
        ),
    )


def markup(buttons: Buttons) -> InlineKeyboardMarkup | None:
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


class AiogramApi:
    errors: tuple[type[Exception], ...] = (TelegramAPIError, TimeoutError)

    def __init__(self, settings: Settings, bot: Bot | None = None) -> None:
        self.bot = bot or make_bot(settings)

    def outcome_of(self, error: Exception) -> Outcome:
        if isinstance(error, TelegramRetryAfter):
            return Outcome(
                Result.RETRY_AFTER, retry_after=float(error.retry_after), error=error.message
            )
        if isinstance(error, TelegramForbiddenError):
            return Outcome(Result.UNREACHABLE, error=error.message[:500])
        if isinstance(error, TelegramServerError | TelegramNetworkError | TimeoutError):
            return Outcome(Result.TRANSIENT, error=f"{type(error).__name__}: {error}"[:500])
        if isinstance(error, TelegramMigrateToChat):
            return Outcome(
                Result.REJECTED,
                error=error.message[:500],
                migrated_to=int(error.migrate_to_chat_id),
            )
        if isinstance(error, TelegramBadRequest | TelegramAPIError):
            return Outcome(Result.REJECTED, error=error.message[:500])
        raise TypeError(f"not an aiogram error: {error!r}")

    async def start(self) -> str:
        return (await self.bot.get_me()).username or ""

    async def close(self) -> None:
        await self.bot.session.close()

    async def set_commands(self, commands: Sequence[tuple[str, str]], language: str | None) -> None:
        menu = [BotCommand(command=name, description=text) for name, text in commands]
        await self.bot.set_my_commands(menu, language_code=language)

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def set_webhook(self, url: str, secret: str, allowed_updates: Sequence[str]) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=list(allowed_updates))

    async def get_updates(
        self, offset: int | None, wait: int, allowed_updates: Sequence[str]
    ) -> list[dict[str, Any]]:
        request = GetUpdates(offset=offset, timeout=wait, allowed_updates=list(allowed_updates))
        return await self._call(request, wait + 10)  # Telegram's JSON, as it came

    async def leave_chat(self, chat_id: int) -> None:
        await self.bot.leave_chat(chat_id)

    async def answer_callback(self, callback_id: str, text: str | None) -> None:
        await self._call(AnswerCallbackQuery(callback_query_id=callback_id, text=text))

    async def edit_text(self, chat_id: int, message_id: int, text: Html, buttons: Buttons) -> None:
        edit = EditMessageText(
            text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup(buttons)
        )
        await self._call(edit)

    async def send_text(self, chat_id: int, text: Html, buttons: Buttons, *, paid: bool) -> int:
        send = SendMessage(
            chat_id=chat_id,
            text=text,
            reply_markup=markup(buttons),
            allow_paid_broadcast=paid or None,
        )
        message = await self._call(send)
        return int(message["message_id"])

    async def _call(self, method: TelegramMethod[Any], request_timeout: float | None = None) -> Any:
        """The calls of every step and message, lean: JSON in, plain JSON out."""
        assert isinstance(self.bot.session, LeanSession)
        return await self.bot.session.call(self.bot, method, request_timeout)

    async def send_file(
        self,
        chat_id: int,
        file: File,
        caption: Html | None,
        buttons: Buttons,
        *,
        photo: bool,
        paid: bool,
    ) -> int:
        send = self.bot.send_photo if photo else self.bot.send_document
        message = await send(
            chat_id,
            input_file(file),
            caption=caption,
            reply_markup=markup(buttons),
            allow_paid_broadcast=paid or None,
        )
        return message.message_id
