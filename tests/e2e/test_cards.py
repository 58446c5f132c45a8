"""Picture cards through the real runtimes: a coordinator publishes a result without a photo
in the chat, and the initiative's lead, who reads Arabic, gets it as a photo: the result's
card in Arabic, with the words as its caption."""

from __future__ import annotations

from bot.domain.models import Role
from bot.emulator import BotAPIEmulator
from bot.i18n import translator
from bot.reports.card import ResultCard, result_card
from tests.e2e.chat import invited, onboard, person_of
from tests.e2e.conftest import RunningBot
from tests.factories import initiative


async def test_a_result_reaches_its_lead_as_a_card_in_arabic(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    layla = emulator.user(8700, first_name="Layla", language_code="ar")
    await onboard(layla, "ar")
    lead = await person_of(bot, 8700)
    assert lead is not None
    await initiative(bot.app, lead, "حديقة الخضار")
    coordinator = await invited(bot, emulator, 8701, Role.COORDINATOR)

    await coordinator.press("🏆 Publish a result")
    await coordinator.replies()
    await coordinator.press("حديقة الخضار")
    await coordinator.replies()
    await coordinator.send("First harvest shared with 30 neighbours")
    await coordinator.replies()
    await coordinator.send("30")
    await coordinator.replies()
    await coordinator.press("Skip")
    (published,) = await coordinator.replies()
    assert "Published!" in published.text

    (celebration,) = await layla.replies(timeout=5)  # through the outbox and the sender
    ar = translator("ar")
    assert celebration.kind == "photo" and celebration.photo is not None
    assert ar._("A result for “{title}”!", title="حديقة الخضار") in celebration.text
    assert "First harvest shared with 30 neighbours" in celebration.text
    day = bot.clock.now().astimezone(bot.settings.zone).date()  # published now, by its clock
    words = "First harvest shared with 30 neighbours"
    card = ResultCard("Overvecht", day, words, 30, "حديقة الخضار")
    assert celebration.photo == result_card(card, ar)
