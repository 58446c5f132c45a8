"""The conventional peer: onboarding written the way most aiogram bots are (tgbot-template style).

Where the echo bot (bench/echo_bot.py) is the framework alone, the peer is what an organisation
would get from a typical aiogram project doing the same job as Wijkbot's onboarding:

    Dispatcher + Router, FSM on MemoryStorage (state in process memory: lost on restart)
    /start          -> state "language", sendMessage with the language keyboard
    press language  -> answerCallbackQuery + editMessageText: the buurt question
    press buurt     -> answerCallbackQuery + editMessageText: the privacy text and consent
    press "✅ ..."  -> the person saved with the SQLAlchemy async ORM (SQLite file), then
                       answerCallbackQuery + editMessageText: the welcome and main menu

Buttons and texts are those of Wijkbot's onboarding in English (same labels, same lengths),
so one driver serves all bots. Nothing is stored before an update is acknowledged, no
update is deduplicated, nothing is translated: that is the difference being measured.

Run as its own process: `python -m bench.peer_bot URL TOKEN DATABASE_FILE`; SIGTERM stops it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from aiogram import Dispatcher, F, Router
from aiogram.filters import CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy import BigInteger, String
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bench.echo_bot import LANGUAGES, _edit, _escape, command_line, keyboard, make_bot, poll

AREAS = (
    "Zamenhofdreef",
    "Taagdreef",
    "Donaudreef",
    "Neckardreef",
    "Zambesidreef",
    "Tigrisdreef",
    "Vechtzoom-Noord",
    "Vechtzoom-Zuid",
)
WELCOME = (
    "👋 Welcome to Wijkbot! I help neighbours and organisations work together.\n\n"
    "Which language do you want to use?"
)
PRIVACY = (
    "<b>Your privacy</b>\nWijkbot stores your first name, your language, your buurt and what you"
    " do with the bot, such as initiatives you propose and activities you join.\nCoordinators of"
    " your neighbourhood can see your first name and what you take part in. Other residents do"
    " not see your name, also not on an initiative you lead. We do not share your data with"
    " anyone else.\nYou can ask for your data or have it erased at any time.\n\n"
    "Do you agree that Wijkbot stores this?"
)
MENU = (
    ("💡 Propose an initiative",),
    ("🔎 Initiatives", "📅 Activities"),
    ("👤 My Wijkbot",),
    ("🔔 Notifications", "🌐 Language"),
    ("🏠 My buurt", "🔒 Privacy", "❓ Help"),
)


MENU_KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text=label, callback_data=f"menu:{label}") for label in row]
        for row in MENU
    ]
)


class Base(DeclarativeBase):
    pass


class Resident(Base):
    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    first_name: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8))
    area: Mapped[str] = mapped_column(String(64))
    consent_at: Mapped[datetime]


class Onboarding(StatesGroup):
    language = State()
    area = State()
    consent = State()


def make_router(sessions: async_sessionmaker) -> Router:
    router = Router(name="onboarding")

    @router.message(CommandStart())
    async def start(message: Message, state: FSMContext) -> None:
        await state.set_state(Onboarding.language)
        buttons = [(label, f"lang:{code}") for label, code in LANGUAGES]
        await message.answer(WELCOME, reply_markup=keyboard(buttons))

    @router.callback_query(Onboarding.language, F.data.startswith("lang:"))
    async def language(query: CallbackQuery, state: FSMContext) -> None:
        await state.update_data(locale=(query.data or "").removeprefix("lang:"))
        await state.set_state(Onboarding.area)
        buttons = [(name, f"area:{name}") for name in AREAS]
        buttons += [("Another buurt", "area:"), ("« Back", "back")]
        await query.answer()
        await _edit(query, "Which buurt do you live in?", keyboard(buttons))

    @router.callback_query(Onboarding.area, F.data.startswith("area:"))
    async def area(query: CallbackQuery, state: FSMContext) -> None:
        await state.update_data(area=(query.data or "").removeprefix("area:"))
        await state.set_state(Onboarding.consent)
        buttons = [("✅ I agree", "consent:yes"), ("No, thank you", "consent:no")]
        buttons.append(("« Back", "back"))
        await query.answer()
        await _edit(query, PRIVACY, keyboard(buttons, per_row=1))

    @router.callback_query(Onboarding.consent, F.data == "consent:yes")
    async def consent(query: CallbackQuery, state: FSMContext) -> None:
        data = await state.get_data()
        name = query.from_user.first_name
        async with sessions() as session, session.begin():
            session.add(
                Resident(
                    telegram_id=query.from_user.id,
                    first_name=name,
                    locale=data["locale"],
                    area=data["area"],
                    consent_at=datetime.now(UTC),
                )
            )
        await state.clear()
        where = f"{data['area'] or 'Overvecht'}, Overvecht"
        text = (
            f"Welcome, {_escape(name)}! You are all set for {_escape(where)}.\n\n"
            "What would you like to do?"
        )
        await query.answer()
        await _edit(query, text, MENU_KEYBOARD)

    return router


async def _create_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)


async def serve(api_url: str, token: str, database: str) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{database}")
    await _create_tables(engine)
    dispatcher = Dispatcher(storage=MemoryStorage())
    dispatcher.include_router(make_router(async_sessionmaker(engine, expire_on_commit=False)))
    try:
        await poll(make_bot(api_url, token), dispatcher)
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    return command_line("bench.peer_bot", serve, ("URL", "TOKEN", "DATABASE_FILE"), argv)


if __name__ == "__main__":
    sys.exit(main())
