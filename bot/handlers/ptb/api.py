"""The Bot API calls Wijkbot makes, through python-telegram-bot 22 (`RUNTIME=ptb`).

Only PTB's `telegram.Bot` is used, not its `Application`: updates go through
Wijkbot's durable intake, and conversation state lives in Wijkbot's database
(not in a ConversationHandler or PicklePersistence), so the two runtimes can
serve the same database one after the other.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.chat.replies import File
from bot.config import Settings
from bot.delivery.transport import Outcome, Result
from bot.handlers.botapi import Buttons
from bot.i18n import Html

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class RawUpdatesRequest(HTTPXRequest):
    """PTB's connection for getUpdates, keeping the JSON of the last updates it received.

    PTB turns updates into its objects; the intake stores them as Telegram sent
    them, so that the other runtime reads exactly what this one stored.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.received: list[dict[str, Any]] = []

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        data = HTTPXRequest.parse_json_payload(payload)
        if data.get("ok") and isinstance(data.get("result"), list):
            self.received = data["result"]
        return data


def markup(buttons: Buttons) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.payload)
                for b in row
            ]
            for row in buttons
        ]
    )


def input_file(file: File) -> InputFile | str:
    if file.file_id:
        return file.file_id
    assert file.data is not None
    return InputFile(file.data, filename=file.filename)


def retry_seconds(error: RetryAfter) -> float:
    # PTB 22 warns that `retry_after` will become a timedelta; read either, quietly.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class PtbApi:
    errors: tuple[type[Exception], ...] = (TelegramError, TimeoutError)

    def __init__(self, settings: Settings) -> None:
        url = settings.telegram_api_url
        # Every worker may be answering, and the sender sending, at the same time.
        self.request = HTTPXRequest(
            connection_pool_size=settings.workers + settings.delivery_concurrency,
            connect_timeout=10.0,
            read_timeout=30.0,
            write_timeout=30.0,
            pool_timeout=10.0,
        )
        # getUpdates waits its own `timeout` on top of this read timeout.
        self.updates_request = RawUpdatesRequest(connect_timeout=10.0, read_timeout=10.0)
        self.bot = Bot(
            settings.require_token(),
            base_url=f"{url}/bot",
            base_file_url=f"{url}/file/bot",
            request=self.request,
            get_updates_request=self.updates_request,
        )

    def outcome_of(self, error: Exception) -> Outcome:
        if isinstance(error, RetryAfter):
            return Outcome(Result.RETRY_AFTER, retry_after=retry_seconds(error), error=str(error))
        if isinstance(error, Forbidden):
            return Outcome(Result.UNREACHABLE, error=str(error)[:500])
        if isinstance(error, ChatMigrated):  # a group that became a supergroup: its new id
            return Outcome(Result.REJECTED, error=str(error)[:500], migrated_to=error.new_chat_id)
        if isinstance(error, BadRequest):  # a subclass of NetworkError in PTB: first
            return Outcome(Result.REJECTED, error=str(error)[:500])
        if isinstance(error, NetworkError | TimeoutError):  # 5xx, time-outs (TimedOut)
            return Outcome(Result.TRANSIENT, error=f"{type(error).__name__}: {error}"[:500])
        if isinstance(error, TelegramError):  # an invalid token, a conflict
            return Outcome(Result.REJECTED, error=str(error)[:500])
        raise TypeError(f"not a python-telegram-bot error: {error!r}")

    async def start(self) -> str:
        await self.bot.initialize()  # getMe
        return self.bot.username

    async def close(self) -> None:
        await self.bot.shutdown()
        # A bot that was never started has its connections open all the same.
        for request in (self.request, self.updates_request):
            await request.shutdown()

    async def set_commands(self, commands: Sequence[tuple[str, str]], language: str | None) -> None:
        menu = [BotCommand(name, text) for name, text in commands]
        await self.bot.set_my_commands(menu, language_code=language)

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def set_webhook(self, url: str, secret: str, allowed_updates: Sequence[str]) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=list(allowed_updates))

    async def get_updates(
        self, offset: int | None, wait: int, allowed_updates: Sequence[str]
    ) -> list[dict[str, Any]]:
        self.updates_request.received = []
        await self.bot.get_updates(
            offset=offset, timeout=wait, allowed_updates=list(allowed_updates)
        )
        return self.updates_request.received

    async def leave_chat(self, chat_id: int) -> None:
        await self.bot.leave_chat(chat_id)

    async def answer_callback(self, callback_id: str, text: str | None) -> None:
        await self.bot.answer_callback_query(callback_id, text=text)

    async def edit_text(self, chat_id: int, message_id: int, text: Html, buttons: Buttons) -> None:
        await self.bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=markup(buttons),
        )

    async def send_text(self, chat_id: int, text: Html, buttons: Buttons, *, paid: bool) -> int:
        message = await self.bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=markup(buttons),
            allow_paid_broadcast=paid or None,
        )
        return message.message_id

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
            parse_mode=ParseMode.HTML,
            reply_markup=markup(buttons),
            allow_paid_broadcast=paid or None,
        )
        return message.message_id
