"""Talk to a running bot through the emulator as people would: onboard, join by invite, sweep.

The end-to-end counterpart of tests/chat.py; the `bot` fixture runs each test
on both runtimes.
"""

from __future__ import annotations

import html
from datetime import timedelta

from bot.config import SUPPORTED_LOCALES
from bot.domain import invites, neighbourhoods
from bot.domain.models import Person, Role
from bot.emulator import BotAPIEmulator, SimulatedUser
from bot.i18n import LANGUAGE_NAMES, translator
from bot.jobs.scheduler import run_sweep
from bot.jobs.sweeps import SWEEPS
from tests import factories
from tests.e2e.conftest import RunningBot


def plain(text: str) -> str:
    """What a person reads of our HTML."""
    return html.unescape(text)


def language_rows() -> list[list[str]]:
    """The language question's buttons: every catalog's language, two to a row."""
    names = [LANGUAGE_NAMES[code] for code in SUPPORTED_LOCALES]
    return [names[i : i + 2] for i in range(0, len(names), 2)]


async def onboard(user: SimulatedUser, locale: str, area: str = "Taagdreef") -> str:
    """Go through onboarding; returns the final message's text."""
    t = translator(locale)
    await user.send("/start")
    (question,) = await user.replies()
    assert t._("Which language do you want to use?") in question.text
    assert question.buttons == language_rows()

    await user.press(LANGUAGE_NAMES[locale])
    (buurt,) = await user.replies()
    assert buurt.edited and buurt.message_id == question.message_id
    assert t._("Which buurt do you live in?") in buurt.text

    await user.press(area)
    (consent,) = await user.replies()
    assert t._("Do you agree that Wijkbot stores this?") in consent.text

    await user.press("✅ " + t._("I agree"))
    (welcome,) = await user.replies()
    return welcome.text


async def person_of(bot: RunningBot, user_id: int) -> Person | None:
    assert bot.app is not None
    return await factories.person_of(bot.app, user_id)


async def sweep(bot: RunningBot, name: str) -> int:
    assert bot.app is not None and bot.runtime is not None
    sender = bot.runtime.background.sender
    return await run_sweep(name, SWEEPS[name], bot.app.sessions, bot.clock, sender.wake)


async def invited(
    bot: RunningBot,
    emulator: BotAPIEmulator,
    user_id: int,
    role: Role,
    locale: str = "en",
    organisation: str | None = None,
) -> SimulatedUser:
    assert bot.app is not None
    async with bot.app.sessions.begin() as session:
        overvecht = await neighbourhoods.by_slug(session, "overvecht")
        assert overvecht is not None
        org = (
            await invites.organisation_named(session, organisation, bot.clock.now())
            if organisation
            else None
        )
        _, payload = await invites.create(
            session,
            bot.settings.signing_key(),
            role=role,
            neighbourhood_id=overvecht.id,
            organisation_id=org.id if org else None,
            now=bot.clock.now(),
            ttl=timedelta(hours=1),
        )
    user = emulator.user(user_id, first_name="Fatima", language_code=locale)
    await user.send(f"/start {payload}")
    await user.replies(count=2)  # the invite's answer, then the language question
    t = translator(locale)
    await user.press(LANGUAGE_NAMES[locale])
    await user.replies()
    await user.press("Taagdreef")
    await user.replies()
    await user.press("✅ " + t._("I agree"))
    await user.replies()
    return user
