"""Check-in through the real runtimes: the lead gets the activity's QR code as a photo, and
neighbours who open its link on the day are checked in, a newcomer after onboarding; the
coordinator's statistics say who came, and the thank-you goes to them only."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.domain.models import Role, Signup
from bot.emulator import BotAPIEmulator
from bot.i18n import LANGUAGE_NAMES, translator
from tests.e2e.chat import invited, onboard, person_of, sweep
from tests.e2e.conftest import RunningBot
from tests.factories import action, initiative, join

LINK = re.compile(r"https://t\.me/wijkbot_test_bot\?start=([A-Za-z0-9_-]+)")


async def test_the_lead_shows_the_code_and_neighbours_check_in(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    ar, pl, uk = translator("ar"), translator("pl"), translator("uk")
    lead_user = emulator.user(7700, first_name="Layla", language_code="ar")
    ola = emulator.user(7701, first_name="Ola", language_code="pl")
    await onboard(lead_user, "ar")
    await onboard(ola, "pl")
    lead, person = await person_of(bot, 7700), await person_of(bot, 7701)
    assert lead is not None and person is not None
    garden = await initiative(bot.app, lead, "Garden")
    starts = bot.clock.now() + timedelta(days=2)
    planting = await action(bot.app, starts, title="Planting", initiative_id=garden.id, capacity=5)
    await join(bot.app, planting.id, person.id)

    await lead_user.press("👤 " + ar._("My Wijkbot"))
    await lead_user.replies()
    await lead_user.press("⚙️ Garden")
    await lead_user.replies()
    photos_before = len(emulator.calls_for("sendPhoto"))
    await lead_user.press("📷 " + ar._("Check-in QR: {title}", title="Planting"))
    (code,) = [
        message for message in await lead_user.replies(timeout=10) if message.kind == "photo"
    ]
    assert len(emulator.calls_for("sendPhoto")) == photos_before + 1
    assert (code.content or b"").startswith(b"\x89PNG")
    found = LINK.search(code.text)
    assert found is not None, code.text
    payload = found.group(1)
    assert len(payload) <= 64

    await ola.send(f"/start {payload}")  # two days early
    (early, _menu) = await ola.replies(count=2)
    assert (
        pl._(
            "Check-in for {title} opens at {when}. Scan the code again then.",
            title="Planting",
            when="",
        )[:20]
        in early.text
    )

    bot.clock.set(starts - timedelta(minutes=30))
    await ola.send(f"/start {payload}")
    (checked_in, _menu) = await ola.replies(count=2)
    assert pl._("✅ You are checked in for {title}. Welcome!", title="Planting") in checked_in.text
    await ola.send(f"/start {payload}")
    (again, _menu) = await ola.replies(count=2)
    assert pl._("You are already checked in for {title}.", title="Planting") in again.text

    taras = emulator.user(7702, first_name="Taras", language_code="uk")
    await taras.send(f"/start {payload}")
    (note, _question) = await taras.replies(count=2)
    assert uk._("Welcome! First a few questions, then I will check you in.") in note.text
    await taras.press(LANGUAGE_NAMES["uk"])
    await taras.replies()
    await taras.press("Taagdreef")
    await taras.replies()
    await taras.press("✅ " + uk._("I agree"))
    (joined, _menu) = await taras.replies(count=2)
    assert (
        uk._("✅ You are signed up and checked in for {title}. Welcome!", title="Planting")
        in joined.text
    )

    await ola.send("/start c1_" + "A" * 22)
    (forged, _menu) = await ola.replies(count=2)
    assert (
        pl._(
            "This check-in code is not valid. Nothing was changed. Ask the organisers for the code."
        )
        in forged.text
    )

    taras_person = await person_of(bot, 7702)
    assert taras_person is not None
    async with bot.app.sessions() as session:
        came = list(
            await session.scalars(
                select(Signup.person_id).where(
                    Signup.action_id == planting.id, Signup.checked_in_at.is_not(None)
                )
            )
        )
    assert sorted(came) == sorted([person.id, taras_person.id])


async def test_who_came_reaches_the_statistics_and_the_thank_you_only_them(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    nl, tr = translator("nl"), translator("tr")
    coordinator = await invited(bot, emulator, 7800, Role.COORDINATOR, locale="nl")
    came_user = emulator.user(7801, first_name="Ayşe", language_code="tr")
    stayed_user = emulator.user(7802, first_name="Bas", language_code="nl")
    await onboard(came_user, "tr")
    await onboard(stayed_user, "nl")
    came, stayed = await person_of(bot, 7801), await person_of(bot, 7802)
    assert came is not None and stayed is not None
    starts = bot.clock.now() + timedelta(days=1)
    planting = await action(bot.app, starts, title="Planting")
    for person in (came, stayed):
        await join(bot.app, planting.id, person.id)

    await coordinator.press("📅 " + nl._("Activities"))
    await coordinator.replies()
    await coordinator.press("📷 " + nl._("Check-in QR"))
    (code,) = [m for m in await coordinator.replies(timeout=10) if m.kind == "photo"]
    found = LINK.search(code.text)
    assert found is not None
    bot.clock.set(starts)
    await came_user.send(f"/start {found.group(1)}")
    (checked_in, _menu) = await came_user.replies(count=2)
    assert tr._("✅ You are checked in for {title}. Welcome!", title="Planting") in checked_in.text

    await coordinator.send("/stats")
    replies = await coordinator.replies(timeout=15, count=6)
    (turnout,) = [m for m in replies if nl._("Check-in: who came") in m.text]
    assert (
        nl._(
            "{title} · {day}: {came}, {did_not_come}",
            title="Planting",
            day=nl.date(starts, bot.settings.zone),
            came=nl.n_("{n} came", "{n} came", 1),
            did_not_come=nl.n_("{n} did not come", "{n} did not come", 1),
        )
        in turnout.text
    )

    bot.clock.set(starts + timedelta(hours=3))
    assert await sweep(bot, "finished_actions") == 1
    (thanks,) = await came_user.replies(timeout=5)
    assert (
        tr.n_(
            "{title} has taken place. Thank you for coming! {n} neighbour came.",
            "{title} has taken place. Thank you for coming! {n} neighbours came.",
            1,
            title="Planting",
        )
        in thanks.text
    )
    await stayed_user.assert_no_reply()
