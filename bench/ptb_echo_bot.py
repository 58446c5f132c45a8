"""The python-telegram-bot baseline: the same onboarding script as bench/echo_bot.py.

A bare python-telegram-bot 22 Application (handlers, long polling, HTML parse mode), with
no database, intake or translations, so `wijkbot` on `RUNTIME=ptb` is compared with what
the same framework does on its own.

Run as its own process: `python -m bench.ptb_echo_bot URL TOKEN`; SIGTERM stops it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, Defaults

from bench.echo_bot import AREAS, LANGUAGES, MENU, _escape


def keyboard(buttons: Sequence[tuple[str, str]], per_row: int = 2) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(label, callback_data=data) for label, data in row]
        for row in (buttons[i : i + per_row] for i in range(0, len(buttons), per_row))
    ]
    return InlineKeyboardMarkup(rows)


async def start(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    languages = [(label, f"lang:{code}") for label, code in LANGUAGES]
    await update.effective_message.reply_text(
        "👋 <b>Welcome!</b>\n\nWhich language do you want to use?", reply_markup=keyboard(languages)
    )


async def press(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    if query.data.startswith("lang:"):
        areas = [(name, f"area:{name.lower()}") for name in AREAS] + [("« Back", "back")]
        await query.edit_message_text("Which buurt do you live in?", reply_markup=keyboard(areas))
    elif query.data.startswith("area:"):
        choices = [("✅ I agree", "consent:yes"), ("No, thank you", "consent:no")]
        text = "<b>Your privacy</b>\n\nWe keep your name and buurt.\n\nDo you agree?"
        await query.edit_message_text(text, reply_markup=keyboard(choices, per_row=1))
    elif query.data == "consent:yes":
        menu = [(label, f"menu:{index}") for index, label in enumerate(MENU)]
        name = _escape(query.from_user.first_name)
        text = f"Welcome, <b>{name}</b>! You are all set.\n\nWhat would you like to do?"
        await query.edit_message_text(text, reply_markup=keyboard(menu))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m bench.ptb_echo_bot URL TOKEN", file=sys.stderr)
        return 2
    api_url, token = args
    defaults = Defaults(
        parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    application = (
        Application.builder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .defaults(defaults)
        .concurrent_updates(True)
        # PTB's default is one HTTP connection; the aiogram echo bot is not limited that way.
        .connection_pool_size(64)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(press))
    application.run_polling(drop_pending_updates=False, close_loop=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
