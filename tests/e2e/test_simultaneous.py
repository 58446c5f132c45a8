"""People acting at the same moment, through the real runtime (both runtimes, SQLite or
PostgreSQL): five residents press "Join" on a one-place activity at once.

The five presses arrive in one batch of updates from five chats, which the
runtime processes in parallel, each in its own transaction.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import select

from bot.domain.models import Signup, SignupStatus
from bot.emulator import BotAPIEmulator, SimulatedUser
from bot.i18n import translator
from tests.e2e.conftest import RunningBot
from tests.factories import action, resident

AT_ONCE = 5


async def menu_of(user: SimulatedUser) -> None:
    """Wait for the answer with buttons (the weekly digest may arrive in between)."""
    while not any(message.inline_keyboard for message in await user.replies()):
        pass


async def test_five_residents_press_join_at_once_and_one_gets_the_place(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    en = translator("en")
    for n in range(AT_ONCE):
        await resident(bot.app, 7600 + n, locale="en", first_name=f"Resident {n}")
    starts = bot.clock.now().replace(day=20, hour=10)
    item = await action(bot.app, starts, title="Coffee", capacity=1)
    users = [
        emulator.user(7600 + n, first_name=f"Resident {n}", language_code="en")
        for n in range(AT_ONCE)
    ]
    for user in users:
        await user.send("/start")
        await menu_of(user)
        await user.press("📅 " + en._("Activities"))
        await menu_of(user)

    join = "🙋 " + en._("Join: {title}", title="Coffee")
    await asyncio.gather(*(user.press(join) for user in users))
    joined = en._("🙌 You are in! {title}, {when}.", title="Coffee", when="")[:20]
    waiting = en._(
        "It is full, so you are on the waiting list. If a place comes free, I will tell you."
    )

    async def outcome(user: SimulatedUser) -> str:
        while True:  # (skipping the weekly digest, should it arrive now)
            for message in await user.replies(timeout=15):
                if joined in message.text or waiting in message.text:
                    return "joined" if joined in message.text else "waiting"

    outcomes = Counter([await outcome(user) for user in users])
    assert outcomes == {"joined": 1, "waiting": AT_ONCE - 1}
    async with bot.app.sessions() as session:
        statuses = Counter(
            await session.scalars(select(Signup.status).where(Signup.action_id == item.id))
        )
    assert statuses == {SignupStatus.JOINED: 1, SignupStatus.WAITLISTED: AT_ONCE - 1}
