"""The baseline: a bare aiogram 3 bot that answers the onboarding script in Wijkbot's shape.

It has what every aiogram bot has (Dispatcher, Router, long polling, the same aiohttp session
and HTML parse mode as Wijkbot) and nothing else: no database, no intake, no translations.
Each step sends the same kind of Bot API calls as Wijkbot does, so the ratio between the two
is the cost of Wijkbot's own work per step:

    /start          -> sendMessage with the language keyboard
    press language  -> answerCallbackQuery + editMessageText with the buurt keyboard
    press buurt     -> answerCallbackQuery + editMessageText with the consent keyboard
    press "✅ ..."  -> answerCallbackQuery + editMessageText with the main menu

Run as its own process: `python -m bench.echo_bot URL TOKEN`; SIGTERM stops it (exit 0).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.filters import CommandStart
from aiogram.types import (
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
)

# The labels the driver presses: the same as Wijkbot's, so one driver serves both bots.
LANGUAGES = (
    ("Nederlands", "nl"),
    ("English", "en"),
    ("Türkçe", "tr"),
    ("العربية", "ar"),
    ("Polski", "pl"),
    ("Українська", "uk"),
)
AREAS = ("Zamenhofdreef", "Taagdreef", "Donaudreef", "Neckardreef", "Tigrisdreef")
MENU = ("💡 Propose an initiative", "📅 Activities", "👤 My profile", "❓ Help")


def keyboard(buttons: Sequence[tuple[str, str]], per_row: int = 2) -> InlineKeyboardMarkup:
    """(label, callback_data) pairs laid out `per_row` to a row, like Wijkbot's keyboards."""
    rows = [
        [InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
        for row in (buttons[i : i + per_row] for i in range(0, len(buttons), per_row))
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def make_router() -> Router:
    router = Router(name="echo")

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        languages = [(label, f"lang:{code}") for label, code in LANGUAGES]
        await message.answer(
            "👋 <b>Welcome!</b>\n\nWhich language do you want to use?",
            reply_markup=keyboard(languages),
        )

    @router.callback_query(F.data.startswith("lang:"))
    async def language(query: CallbackQuery) -> None:
        areas = [(name, f"area:{name.lower()}") for name in AREAS] + [("« Back", "back")]
        await query.answer()
        await _edit(query, "Which buurt do you live in?", keyboard(areas))

    @router.callback_query(F.data.startswith("area:"))
    async def area(query: CallbackQuery) -> None:
        choices = [("✅ I agree", "consent:yes"), ("No, thank you", "consent:no")]
        await query.answer()
        text = "<b>Your privacy</b>\n\nWe keep your name and buurt.\n\nDo you agree?"
        await _edit(query, text, keyboard(choices, per_row=1))

    @router.callback_query(F.data == "consent:yes")
    async def consent(query: CallbackQuery) -> None:
        name = query.from_user.first_name
        menu = [(label, f"menu:{index}") for index, label in enumerate(MENU)]
        await query.answer()
        text = f"Welcome, <b>{_escape(name)}</b>! You are all set.\n\nWhat would you like to do?"
        await _edit(query, text, keyboard(menu))

    return router


async def _edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup) -> None:
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage):
        return
    await message.edit_text(text, reply_markup=markup)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_bot(api_url: str, token: str) -> Bot:
    """A Bot on `api_url` with the aiohttp session and defaults Wijkbot uses too."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
    default = DefaultBotProperties(
        parse_mode=ParseMode.HTML, link_preview=LinkPreviewOptions(is_disabled=True)
    )  # what Wijkbot sends with every message too
    return Bot(token, session=session, default=default)


async def poll(bot: Bot, dispatcher: Dispatcher) -> None:
    """Long-poll until SIGTERM/SIGINT (aiogram's own signal handling)."""
    await bot.delete_webhook(drop_pending_updates=False)  # as Wijkbot does before polling
    await dispatcher.start_polling(bot, handle_signals=True, close_bot_session=True)


async def serve(api_url: str, token: str) -> None:
    dispatcher = Dispatcher()
    dispatcher.include_router(make_router())
    await poll(make_bot(api_url, token), dispatcher)


def command_line(
    module: str, serve: Callable[..., Awaitable[None]], arguments: Sequence[str], argv: Any
) -> int:
    """`python -m MODULE ARGUMENTS...`: run `serve(*arguments)` until stopped."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != len(arguments):
        print(f"usage: python -m {module} {' '.join(arguments)}", file=sys.stderr)
        return 2
    asyncio.run(serve(*args))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return command_line("bench.echo_bot", serve, ("URL", "TOKEN"), argv)


if __name__ == "__main__":
    sys.exit(main())
