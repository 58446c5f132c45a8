"""When people chose to hear things, through the real runtimes: a coordinator's one summary a
day of new proposals at her hour, with an Open button per proposal, and a resident's weekly
news on the weekday and hour she chose, grouped per initiative."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.models import ProgressUpdate, Result, Role
from bot.emulator import BotAPIEmulator
from bot.i18n import translator
from tests.e2e.chat import invited, onboard, person_of, plain, sweep
from tests.e2e.conftest import RunningBot
from tests.e2e.test_one_tap_review import send_for_review
from tests.factories import initiative

TUESDAY = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # Tuesday 3 March, 10:00 in Amsterdam


async def test_one_summary_a_day_at_the_coordinators_hour_and_open_shows_the_review(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    en = translator("en")
    fatima = await invited(bot, emulator, 8800, Role.COORDINATOR)
    await fatima.press("🔔 " + en._("Notifications"))
    await fatima.replies()
    await fatima.press("🗂️ " + en._("New proposals: each one at once"))
    await fatima.replies()
    await fatima.press(en._("One summary a day at {time}", time="18:00"))
    (overview,) = await fatima.replies()
    assert ["🗂️ " + en._("New proposals: one summary a day at {time}", time="18:00")] in (
        overview.buttons
    )
    await fatima.press(en._("Done"))
    await fatima.replies()
    ann = emulator.user(8801, first_name="Ann", language_code="en")
    await onboard(ann, "en")

    bot.clock.set(TUESDAY)
    await send_for_review(bot, 8801, "Book swap <3")
    bot.clock.advance(timedelta(hours=2))
    await send_for_review(bot, 8801, "Street games")
    await fatima.assert_no_reply(within=1.5)  # no message for each: she waits for 18:00

    bot.clock.set(datetime(2026, 3, 3, 16, 59, tzinfo=UTC))  # 17:59 in Amsterdam
    assert await sweep(bot, "proposals_summaries") == 0
    bot.clock.set(datetime(2026, 3, 3, 17, 0, tzinfo=UTC))  # 18:00
    assert await sweep(bot, "proposals_summaries") == 1
    (summary,) = await fatima.replies(timeout=10)
    head = en.n_(
        "{n} new proposal to review in {neighbourhood}:",
        "{n} new proposals to review in {neighbourhood}:",
        2,
        neighbourhood="Overvecht",
    )
    assert plain(head) in summary.text
    assert "“Book swap <3” by Ann" in summary.text and "“Street games” by Ann" in summary.text
    assert summary.buttons == [  # newest first, and the review of all of them
        ["📂 Street games"],
        ["📂 Book swap <3"],
        ["🗂️ " + en._("Review proposals")],
    ]
    bot.clock.advance(timedelta(hours=3))
    assert await sweep(bot, "proposals_summaries") == 0  # one a day
    await fatima.assert_no_reply(within=1.0)

    await fatima.press("📂 Book swap <3", message_id=summary.message_id)
    (review,) = await fatima.replies(timeout=5)
    assert "Book swap <3" in review.text and "Proposed by Ann" in review.text
    assert "Street games" not in review.text  # that proposal, not the other
    assert ["✅ " + en._("Approve")] in review.buttons


async def test_the_weekly_news_on_the_chosen_tuesday_evening_grouped_per_initiative(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    en = translator("en")
    ann = emulator.user(8810, first_name="Ann", language_code="en")
    await onboard(ann, "en")
    await ann.press("🔔 " + en._("Notifications"))
    await ann.replies()
    await ann.press("📰 " + en._("Weekly news: {when}", when="Monday 09:00"))
    (day,) = await ann.replies()
    assert en._("On which day do you want the weekly news?") in day.text
    await ann.press(en.weekday(1))
    await ann.replies()
    await ann.press("18:00")
    (saved,) = await ann.replies()
    assert en._("The weekly news now comes on {when}.", when="Tuesday 18:00") in saved.text
    await ann.press(en._("Done"))
    await ann.replies()

    # Ayşe keeps Monday 09:00; her garden and café are this week's news.
    ayse = emulator.user(8811, first_name="Ayşe", language_code="tr")
    await onboard(ayse, "tr")
    owner = await person_of(bot, 8811)
    assert owner is not None and owner.neighbourhood_id is not None
    monday = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday 07:00 in Amsterdam
    bot.clock.set(monday)
    garden = await initiative(bot.app, owner, "Garden <Taagdreef>")
    cafe = await initiative(bot.app, owner, "Repair café")
    async with bot.app.sessions.begin() as session:
        session.add(
            ProgressUpdate(
                initiative_id=garden.id,
                text="First tomatoes & beans",
                created_at=monday + timedelta(hours=1),
            )
        )
        session.add(
            Result(
                neighbourhood_id=owner.neighbourhood_id,
                initiative_id=cafe.id,
                text="12 lamps repaired",
                number=12,
                published_at=monday + timedelta(hours=2),
            )
        )

    bot.clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # Monday 09:00: Ayşe's, not Ann's
    assert await sweep(bot, "weekly_digest") == 1
    (monday_news,) = await ayse.replies(timeout=10)
    assert "Repair café" in monday_news.text
    bot.clock.set(datetime(2026, 3, 2, 21, 0, tzinfo=UTC))  # all of Monday
    assert await sweep(bot, "weekly_digest") == 0
    await ann.assert_no_reply(within=1.0)

    bot.clock.set(datetime(2026, 3, 3, 16, 59, tzinfo=UTC))  # Tuesday 17:59
    assert await sweep(bot, "weekly_digest") == 0
    bot.clock.set(datetime(2026, 3, 3, 17, 0, tzinfo=UTC))  # Tuesday 18:00
    assert await sweep(bot, "weekly_digest") == 1
    (news,) = await ann.replies(timeout=10)
    news_part = news.text.split("📰 " + en._("News per initiative") + "\n")[1].split("\n\n")[0]
    assert news_part.split("\n") == [
        "Repair café",  # the newest news first: Monday 09:00's result
        "🏆 12 lamps repaired 12",
        "✨ " + en._("New initiative"),
        "Garden <Taagdreef>",  # then the garden: its update, then its start
        "📣 First tomatoes & beans",
        "✨ " + en._("New initiative"),
    ]
    assert news.text.count("Garden <Taagdreef>") == 1  # one group per initiative
    bot.clock.advance(timedelta(hours=4))
    assert await sweep(bot, "weekly_digest") == 0  # once a week
    await ann.assert_no_reply(within=1.0)
