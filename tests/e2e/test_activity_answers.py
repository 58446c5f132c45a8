"""Answering pushed messages through the real runtimes: "still coming?" a day before."""

from __future__ import annotations

from datetime import timedelta

from bot.emulator import BotAPIEmulator
from bot.i18n import translator
from tests.e2e.chat import onboard, person_of, sweep
from tests.e2e.conftest import RunningBot
from tests.factories import action, initiative, join


async def test_still_coming_yes_and_no_from_the_reminder(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    pl, uk = translator("pl"), translator("uk")
    ola = emulator.user(7400, first_name="Ola", language_code="pl")
    taras = emulator.user(7401, first_name="Taras", language_code="uk")
    await onboard(ola, "pl")
    await onboard(taras, "uk")
    lead = await person_of(bot, 7400)
    person = await person_of(bot, 7401)
    assert lead is not None and person is not None
    garden = await initiative(bot.app, lead, "Garden")
    starts = bot.clock.now() + timedelta(days=2)
    planting = await action(bot.app, starts, title="Planting", initiative_id=garden.id)
    await join(bot.app, planting.id, lead.id)
    await join(bot.app, planting.id, person.id)

    bot.clock.set(starts - timedelta(hours=23))
    assert await sweep(bot, "action_reminders") == 2
    (asked,) = await ola.replies(timeout=5)
    assert pl._("Are you still coming?") in asked.text
    await ola.press("✅ " + pl._("Yes, I am coming"))
    (confirmed,) = await ola.replies()
    assert confirmed.edited and confirmed.message_id == asked.message_id
    assert pl._("Great, see you there! The organisers know you are coming.") in confirmed.text
    assert not confirmed.inline_keyboard

    (asked,) = await taras.replies(timeout=5)
    await taras.press("❌ " + uk._("No, I cannot come"))
    (thanked,) = await taras.replies()
    assert (
        uk._("Thank you for letting us know. Your place is now free for someone else.")
        in thanked.text
    )
    assert (await person_of(bot, 7401)) is not None

    await ola.send("/start")
    await ola.replies()
    await ola.press("👤 " + pl._("My Wijkbot"))
    await ola.replies()
    await ola.press("⚙️ Garden")
    (own,) = await ola.replies()
    seen = pl._(
        "{signed_up}: {confirmed}, {unanswered}",
        signed_up=pl.n_("{n} signed up", "{n} signed up", 1),
        confirmed=pl.n_("{n} confirmed", "{n} confirmed", 1),
        unanswered=pl.n_("{n} not answered yet", "{n} not answered yet", 0),
    )
    assert seen in own.text
