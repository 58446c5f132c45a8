"""Typing where buttons are offered, through the runtime and the emulator: a buurt's name
typed in Arabic onboarding, a date typed in Polish words in a proposal, shown back for a yes."""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_date
from sqlalchemy import select

from bot.domain.models import Initiative
from bot.emulator import BotAPIEmulator
from bot.i18n import LANGUAGE_NAMES, translator
from tests.e2e.chat import person_of, plain
from tests.e2e.conftest import RunningBot


async def test_a_typed_buurt_and_a_typed_date_are_understood(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    ar = translator("ar")
    amira = emulator.user(8801, first_name="Amira", language_code="ar")
    await amira.send("/start")
    await amira.replies()
    await amira.press(LANGUAGE_NAMES["ar"])
    await amira.replies()
    await amira.send("  VECHTZOOM noord. ")  # typed, not pressed
    (consent,) = await amira.replies()
    assert ar._("Do you agree that Wijkbot stores this?") in plain(consent.text)
    await amira.press("✅ " + ar._("I agree"))
    (welcome,) = await amira.replies()
    assert "Vechtzoom-Noord، Overvecht" in plain(welcome.text)  # the Arabic comma

    pl = translator("pl")
    piotr = emulator.user(8802, first_name="Piotr", language_code="pl")
    await piotr.send("/start")
    await piotr.replies()
    await piotr.press(LANGUAGE_NAMES["pl"])
    await piotr.replies()
    await piotr.send("taagdreef")
    await piotr.replies()
    await piotr.press("✅ " + pl._("I agree"))
    await piotr.replies()
    await piotr.send("/propose")
    await piotr.replies()
    await piotr.send("Sprzątanie parku")
    await piotr.replies()
    await piotr.send("Sprzątamy park razem.")
    await piotr.replies()
    await piotr.press("💚 Zdrowie")
    await piotr.replies()
    await piotr.press("Taagdreef")
    await piotr.replies()
    await piotr.press(pl._("Continue"))
    await piotr.replies()
    await piotr.press(pl._("On one day"))
    await piotr.replies()
    await piotr.send("w przyszłą sobotę")  # "next Saturday"
    (understood,) = await piotr.replies()
    today = bot.clock.now().astimezone(bot.settings.zone).date()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    said = format_date(saturday, "full", locale="pl")
    assert plain(understood.text) == pl._("{when}: is that right?", when=said)
    assert understood.buttons == [["✅ " + pl._("Yes"), "✏️ " + pl._("Change")], ["« Wstecz"]]
    await piotr.press("✅ " + pl._("Yes"))
    (photo,) = await piotr.replies()
    asked = pl._("Do you have a photo that shows your idea? Send it now, or skip this step.")
    assert asked in plain(photo.text)
    person = await person_of(bot, 8802)
    assert person is not None
    async with bot.app.sessions() as session:
        item = await session.scalar(select(Initiative).where(Initiative.owner_id == person.id))
    assert item is not None and item.starts_on == saturday
