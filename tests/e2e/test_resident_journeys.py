"""A resident's journeys through the real runtime, HTTP and the emulator, in two languages."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.emulator import BotAPIEmulator, make_png
from bot.i18n import translator
from tests.e2e.chat import onboard, person_of, sweep
from tests.e2e.conftest import RunningBot
from tests.factories import action, initiative


async def test_proposing_in_turkish_with_a_photo_and_markup_in_the_title(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    t = translator("tr")
    user = emulator.user(7100, first_name="Ayşe", language_code="tr")
    await onboard(user, "tr")
    await user.press("💡 " + t._("Propose an initiative"))
    await user.replies()
    await user.send("<b>Çay</b> & simit <3")
    (description,) = await user.replies()
    assert (
        t._("Describe your initiative: what do you want to do, and for whom?") in description.text
    )
    await user.send_sticker()
    (hint,) = await user.replies()
    assert t._("I cannot use that kind of message here.") in hint.text
    await user.send("Komşularla çay içelim. 🫖")
    await user.replies()
    await user.press("🤝 " + "Birlikte yaşamak")
    await user.replies()
    await user.press("Taagdreef")
    await user.replies()
    await user.press(t._("Continue"))
    await user.replies()
    await user.press(t._("Not known yet"))
    await user.replies()
    await user.send_photo(make_png(40, 30), caption="tea")
    (summary,) = await user.replies()
    assert "<b>Çay</b> & simit <3" in summary.text  # shown exactly as typed
    assert "📷" in summary.text
    await user.press("✅ " + t._("Send"))
    replies = await user.replies()
    assert any("Overvecht" in reply.text for reply in replies)
    person = await person_of(bot, 7100)
    assert person is not None


async def test_joining_in_arabic_an_offered_place_and_a_reminder_in_local_time(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    ar, en = translator("ar"), translator("en")
    layla = emulator.user(7200, first_name="Layla", language_code="ar")
    tom = emulator.user(7201, first_name="Tom", language_code="en")
    await onboard(layla, "ar")
    await onboard(tom, "en")
    lead = await person_of(bot, 7201)
    assert lead is not None
    garden = await initiative(bot.app, lead, "Garden")
    # Tuesday 3 March 2026 18:30 UTC is 19:30 in Amsterdam.
    starts = bot.clock.now().replace(day=3, hour=18, minute=30)
    await action(
        bot.app, starts, title="Planting", place="Taagdreef 12", capacity=1, initiative_id=garden.id
    )

    await tom.press("📅 " + en._("Activities"))
    await tom.replies()
    await tom.press("🙋 " + en._("Join: {title}", title="Planting"))
    (joined,) = await tom.replies()
    assert "You are in! Planting" in joined.text

    await layla.press("📅 " + ar._("Activities"))
    await layla.replies()
    await layla.press("🙋 " + ar._("Join: {title}", title="Planting"))
    (waiting,) = await layla.replies()
    assert (
        ar._("It is full, so you are on the waiting list. If a place comes free, I will tell you.")
        in waiting.text
    )

    await tom.press("↩️ " + en._("Leave: {title}", title="Planting"))
    await tom.replies()
    (offered,) = await layla.replies(timeout=5)  # through the outbox and the sender
    assert ar._("A place is free for {title}. Do you want it?", title="Planting") in offered.text
    await layla.press("✅ " + ar._("Yes, I want it"))
    (taken,) = await layla.replies()
    assert taken.edited and taken.message_id == offered.message_id
    when = ar.datetime(starts, bot.settings.zone)
    assert ar._("🙌 The place is yours! {title}, {when}.", title="Planting", when=when) in (
        taken.text
    )

    bot.clock.set(starts - timedelta(hours=3))
    assert await sweep(bot, "action_reminders") == 1
    (reminder,) = await layla.replies(timeout=5)
    assert ar.datetime(starts, bot.settings.zone) in reminder.text  # 7:30 م, local time
    assert "7:30" in reminder.text
    assert "Taagdreef 12" in reminder.text
    assert await sweep(bot, "action_reminders") == 0
    await layla.assert_no_reply(within=1.5)  # and nothing twice


async def test_my_data_as_a_file_and_forget_me(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    t = translator("nl")
    user = emulator.user(7300, first_name="Jan", language_code="nl")
    await onboard(user, "nl")
    await user.send("/mydata")
    (export,) = await user.replies()
    assert export.document is not None
    document = json.loads(export.content or b"{}")
    assert document["person"]["first_name"] == "Jan"
    await user.send("/forget")
    await user.replies()
    await user.press(t._("Yes, forget me"))
    (done,) = await user.replies()
    assert (
        t._("Done. Wijkbot has forgotten you. Send /start if you ever want to come back.")
        in done.text
    )
    assert await person_of(bot, 7300) is None
