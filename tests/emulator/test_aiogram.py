"""A real aiogram 3 stack against the emulator: sending, errors, polling and webhooks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.filters import CommandStart
from aiogram.methods import SendMessage
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.emulator import BotAPIEmulator, make_png

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [
            InlineKeyboardButton(text="Nederlands", callback_data="lang:nl"),
            InlineKeyboardButton(text="Türkçe", callback_data="lang:tr"),
        ]
    ]
)


@pytest.fixture
async def emu() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator(settle=0.05) as emu:
        yield emu


@pytest.fixture
async def bot(emu: BotAPIEmulator) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emu.url))
    bot = Bot(emu.token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await bot.session.close()


async def test_aiogram_sends_keyboard_photo_and_document(emu: BotAPIEmulator, bot: Bot) -> None:
    ann = emu.user(1001, "Ann", language_code="nl")
    png = make_png(400, 300)

    sent = await bot.send_message(1001, "<b>Welkom</b> in de wijk!", reply_markup=KEYBOARD)
    photo = await bot.send_photo(
        1001, BufferedInputFile(png, "buurtfeest.png"), caption="<i>Buurtfeest</i>"
    )
    document = await bot.send_document(
        1001, BufferedInputFile(b"%PDF-1.4 notulen", "notulen.pdf"), caption="Notulen"
    )

    assert sent.text == "Welkom in de wijk!" and sent.entities[0].type == "bold"
    assert sent.reply_markup.model_dump(exclude_none=True) == KEYBOARD.model_dump(exclude_none=True)
    assert (photo.photo[-1].width, photo.photo[-1].height) == (400, 300)
    assert document.document.file_name == "notulen.pdf"

    welcome, picture, notes = await ann.replies(count=3)
    assert welcome.text == "Welkom in de wijk!"
    assert welcome.html == "<b>Welkom</b> in de wijk!"
    assert welcome.buttons == [["Nederlands", "Türkçe"]]
    assert welcome.callback_data == [["lang:nl", "lang:tr"]]
    assert picture.photo == png and picture.caption == "Buurtfeest"
    assert notes.document == b"%PDF-1.4 notulen"
    assert notes.file.file_name == "notulen.pdf" and notes.file.mime_type == "application/pdf"

    downloaded = await bot.download(document.document.file_id)
    assert downloaded is not None and downloaded.read() == b"%PDF-1.4 notulen"


async def test_aiogram_sees_telegram_errors(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(1001, "Ann")
    emu.user(1002, "Bo")
    emu.block(1002)

    emu.storm(times=1, retry_after=4)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(1001, "te snel")
    assert retry.value.retry_after == 4

    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1002, "hallo?")

    with pytest.raises(TelegramBadRequest, match="Unsupported start tag"):
        await bot.send_message(1001, "1 <3 de buurt")

    sent = await bot.send_message(1001, "Zelfde", reply_markup=KEYBOARD)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Zelfde", chat_id=1001, message_id=sent.message_id, reply_markup=KEYBOARD
        )


def language_router() -> Router:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("Kies je taal", reply_markup=KEYBOARD)

    @router.callback_query(F.data.startswith("lang:"))
    async def choose(query: CallbackQuery) -> None:
        await query.answer("Opgeslagen")
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"Taal: <b>{query.data.split(':')[1]}</b>")

    return router


async def test_aiogram_polling_round_trip(emu: BotAPIEmulator, bot: Bot) -> None:
    ann = emu.user(1001, "Ann")
    dp = Dispatcher()
    dp.include_router(language_router())
    polling = asyncio.create_task(
        dp.start_polling(bot, polling_timeout=1, handle_signals=False, close_bot_session=False)
    )
    try:
        await ann.send("/start")
        [menu] = await ann.replies(timeout=5)
        assert menu.text == "Kies je taal" and menu.buttons == [["Nederlands", "Türkçe"]]

        await ann.press("Türkçe")
        [edited] = await ann.replies(timeout=5)
        assert edited is menu and edited.edited
        assert edited.text == "Taal: tr" and edited.buttons == []
        assert [answer.text for answer in ann.callback_answers] == ["Opgeslagen"]
    finally:
        await dp.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
    # aiogram resolved the update types from its handlers and sent them along.
    polls = emu.calls_for("getUpdates")
    assert set(polls[0].params["allowed_updates"]) == {"message", "callback_query"}


async def test_aiogram_webhook_with_reply_in_response(emu: BotAPIEmulator, bot: Bot) -> None:
    ann = emu.user(1001, "Ann")
    router = Router()

    @router.message()
    async def echo(message: Message) -> SendMessage:  # returned: sent in the webhook response
        return message.answer(f"Je zei: <i>{message.text}</i>")

    dp = Dispatcher()
    dp.include_router(router)
    app = web.Application()
    SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token="geheim").register(
        app, path="/webhook"
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        await bot.set_webhook(f"http://127.0.0.1:{port}/webhook", secret_token="geheim")
        await ann.send("hallo buurt")
        [reply] = await ann.replies(timeout=5)
        assert reply.text == "Je zei: hallo buurt"
        assert reply.entities == [{"type": "italic", "offset": 8, "length": 11}]
        assert emu.calls_for("sendMessage")[-1].source == "webhook"
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 0 and info.last_error_message is None
    finally:
        await bot.delete_webhook()
        await runner.cleanup()
