"""The neighbourhood's goals through the real runtimes: a resident reads them in 🏠 My buurt, a
coordinator counts one by hand, the neighbourhood celebrates the 50 % it passed (with the
goal's card), and the resident sees the new count."""

from __future__ import annotations

from bot.domain.models import Role
from bot.emulator import BotAPIEmulator
from bot.i18n import translator
from bot.reports.card import GoalCard, goal_card
from tests.e2e.chat import invited, onboard, plain, sweep
from tests.e2e.conftest import RunningBot

PLACES = "Places where neighbours meet every week"
PLACES_AR = "أماكن يلتقي فيها الجيران كل أسبوع"


async def test_a_resident_sees_goals_and_a_coordinator_counts_one(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    ar, en = translator("ar"), translator("en")
    layla = emulator.user(8600, first_name="Layla", language_code="ar")
    await onboard(layla, "ar")
    await layla.press("🏠 " + ar._("My buurt"))
    (home,) = await layla.replies()
    assert ar._("Our goals") in home.text
    assert PLACES_AR in home.text
    assert "▓▓▓░░░░░░░ 37% · " + ar._("{value} of {target}", value="3", target="8") in home.text
    assert "الصحة" not in home.text  # a theme is shown by its emoji, the goal by its title
    assert "السكان يشاركون في أنشطة صحية" in home.text

    fatima = await invited(bot, emulator, 8601, Role.COORDINATOR)
    await fatima.press("🎯 " + en._("Goals"))
    await fatima.replies()
    await fatima.press("🎯 " + PLACES)
    (goal,) = await fatima.replies()
    assert "Latest count: Buurthuis Taagdreef" in goal.text
    await fatima.press("✏️ " + en._("Update the count"))
    await fatima.replies()
    await fatima.send("five")
    (again,) = await fatima.replies()
    assert en._("Please type a number, for example 4.") in again.text
    await fatima.send("5")
    await fatima.replies()
    await fatima.send("Two more: <Zambesidreef> & Tigrisdreef")
    (saved,) = await fatima.replies()
    assert "Saved." in saved.text
    assert "Latest count: Two more: <Zambesidreef> & Tigrisdreef" in plain(saved.text)
    assert "▓▓▓▓▓▓░░░░ 62% · 5 of 8" in saved.text

    # The goal started at 3 of 8 (past 25 %, not news); 5 of 8 passes 50 %: celebrated once.
    assert await sweep(bot, "goal_celebrations") == 2  # Layla and Fatima live there
    (celebration,) = await layla.replies(timeout=5)
    expected = ar._(
        "{neighbourhood} is {percent} of the way to a goal!",
        percent="50%",
        neighbourhood="Overvecht",
    )
    assert expected in celebration.text and PLACES_AR in celebration.text
    # The words are the photo's caption; the photo is the goal's card in Arabic.
    assert celebration.kind == "photo" and celebration.photo is not None
    card = GoalCard("Overvecht", PLACES_AR, 5, 8, "2026-2027")
    assert celebration.photo == goal_card(card, ar)
    assert await sweep(bot, "goal_celebrations") == 0
    await layla.assert_no_reply(within=1.5)

    await layla.press("🏠 " + ar._("My buurt"))  # the celebration's button
    (home,) = await layla.replies()
    assert "▓▓▓▓▓▓░░░░ 62%" in home.text
    await layla.press("🎯 " + PLACES_AR)
    (shown,) = await layla.replies()
    assert "Two more: <Zambesidreef> & Tigrisdreef" in plain(shown.text)
