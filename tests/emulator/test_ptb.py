"""A real python-telegram-bot 22 `Bot` against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.emulator import BotAPIEmulator, make_png

KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Ja", callback_data="rsvp:yes")],
        [InlineKeyboardButton("Nee", callback_data="rsvp:no")],
    ]
)


@pytest.fixture
async def emu() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator(settle=0.05) as emu:
        yield emu


@pytest.fixture
async def bot(emu: BotAPIEmulator) -> AsyncIterator[Bot]:
    bot = Bot(emu.token, base_url=f"{emu.url}/bot", base_file_url=f"{emu.url}/file/bot")
    async with bot:
        yield bot


async def test_ptb_sends_keyboard_photo_and_document(emu: BotAPIEmulator, bot: Bot) -> None:
    ann = emu.user(1001, "Ann")
    png = make_png(64, 48)
    assert bot.username == "wijkbot_test_bot"  # initialize() called getMe

    sent = await bot.send_message(
        1001, "Kom je naar de <b>buurtborrel</b>?", parse_mode=ParseMode.HTML, reply_markup=KEYBOARD
    )
    photo = await bot.send_photo(1001, png, caption="Het plein")
    document = await bot.send_document(1001, InputFile(b"a;b\n1;2\n", filename="lijst.csv"))

    assert sent.text == "Kom je naar de buurtborrel?"
    assert sent.reply_markup == KEYBOARD
    assert (photo.photo[-1].width, photo.photo[-1].height) == (64, 48)
    assert document.document.file_name == "lijst.csv"

    question, picture, sheet = await ann.replies(count=3)
    assert question.text == "Kom je naar de buurtborrel?"
    assert question.entities == [{"type": "bold", "offset": 15, "length": 11}]
    assert question.buttons == [["Ja"], ["Nee"]]
    assert picture.photo == png and picture.caption == "Het plein"
    assert sheet.document == b"a;b\n1;2\n" and sheet.file.mime_type == "text/csv"

    file = await bot.get_file(document.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"a;b\n1;2\n"


async def test_ptb_reads_updates_and_downloads_what_people_send(
    emu: BotAPIEmulator, bot: Bot
) -> None:
    ann = emu.user(1001, "Ann", language_code="tr")
    await ann.send("/start")
    await ann.send_photo(make_png(20, 10), caption="lantaarnpaal")

    updates = await bot.get_updates(timeout=1)
    start, photo = updates
    assert start.message.text == "/start" and start.message.from_user.language_code == "tr"
    assert photo.message.caption == "lantaarnpaal"
    file = await photo.message.photo[-1].get_file()
    assert bytes(await file.download_as_bytearray()) == make_png(20, 10)

    await start.message.reply_text("Welkom!", reply_markup=KEYBOARD, do_quote=True)
    [welcome] = await ann.replies()
    assert welcome.text == "Welkom!"
    assert welcome.to_api()["reply_to_message"]["text"] == "/start"

    query = (await ann.press("Nee"))["callback_query"]
    [pressed] = await bot.get_updates(offset=photo.update_id + 1, timeout=1)
    assert pressed.callback_query.data == "rsvp:no" and pressed.callback_query.id == query["id"]
    assert await pressed.callback_query.answer("Jammer!")
    assert ann.callback_answers[-1].text == "Jammer!"


# PTB itself reads RetryAfter.retry_after, which warns about its upcoming type change.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_sees_telegram_errors(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(1001, "Ann")
    emu.user(1002, "Bo")
    emu.deactivate(1002)

    emu.storm(times=1, retry_after=3)
    with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
        await bot.send_message(1001, "te snel")

    with pytest.raises(Forbidden, match="user is deactivated"):
        await bot.send_message(1002, "hallo?")

    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(1001, "x" * 4097)

    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(4242, "niemand")
