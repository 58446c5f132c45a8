"""Answering pushed messages through the real runtimes: "still coming?" a day before."""

from __future__ import annotations

from datetime import timedelta

from bot.emulator import BotAPIEmulator, make_png
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


async def test_an_offered_place_declined_then_left_unanswered_goes_down_the_queue(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    en, nl, tr, uk = (translator(code) for code in ("en", "nl", "tr", "uk"))
    people = [
        emulator.user(7500 + n, first_name=name, language_code=code)
        for n, (name, code) in enumerate(
            (("Ann", "en"), ("Bas", "nl"), ("Cem", "tr"), ("Dana", "uk"))
        )
    ]
    ann, bas, cem, dana = people
    for user, t in zip(people, (en, nl, tr, uk), strict=True):
        await onboard(user, t.locale)
    await action(bot.app, bot.clock.now() + timedelta(days=3), title="Planting", capacity=1)
    for place, (user, t) in enumerate(zip(people, (en, nl, tr, uk), strict=True)):
        await user.press("📅 " + t._("Activities"))
        await user.replies()
        await user.press("🙋 " + t._("Join: {title}", title="Planting"))
        (joined,) = await user.replies()
        if place:
            assert t._("You are number {n} in the queue.", n=place) in joined.text

    await ann.press("↩️ " + en._("Leave: {title}", title="Planting"))
    await ann.replies()
    (offered,) = await bas.replies(timeout=5)
    assert nl._("A place is free for {title}. Do you want it?", title="Planting") in offered.text
    assert nl.n_("answer within {n} hour", "answer within {n} hours", 12) in offered.text
    await bas.press("❌ " + nl._("No, thank you"))
    (declined,) = await bas.replies()
    assert declined.edited and not declined.inline_keyboard
    assert (
        nl._("Thank you for letting us know. The place goes to the next person waiting.")
        in declined.text
    )

    (offered,) = await cem.replies(timeout=5)
    assert tr._("Yes, I want it") in str(offered.inline_keyboard)
    bot.clock.advance(timedelta(hours=12))  # Cem does not answer in time
    assert await sweep(bot, "offer_expiry") == 1
    assert await sweep(bot, "offer_expiry") == 0
    (offered_to_dana,) = await dana.replies(timeout=5)
    assert uk._("A place is free for {title}. Do you want it?", title="Planting") in (
        offered_to_dana.text
    )
    await cem.press("✅ " + tr._("Yes, I want it"))
    (too_late,) = await cem.replies()
    assert (
        tr._("This place is no longer offered to you: the time to answer has passed.")
        in too_late.text
    )
    await dana.press("✅ " + uk._("Yes, I want it"))
    (taken,) = await dana.replies()
    assert taken.edited and "Planting" in taken.text
    assert uk._("🙌 The place is yours! {title}, {when}.", title="Planting", when="")[:5] in (
        taken.text
    )


async def test_the_lead_tells_how_it_went_and_followers_hear_it(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    ar, tr = translator("ar"), translator("tr")
    lead_user = emulator.user(7600, first_name="Layla", language_code="ar")
    fan_user = emulator.user(7601, first_name="Ayşe", language_code="tr")
    await onboard(lead_user, "ar")
    await onboard(fan_user, "tr")
    lead, fan = await person_of(bot, 7600), await person_of(bot, 7601)
    assert lead is not None and fan is not None
    garden = await initiative(bot.app, lead, "Garden")
    starts = bot.clock.now() + timedelta(hours=1)
    planting = await action(bot.app, starts, title="Planting", initiative_id=garden.id)
    await join(bot.app, planting.id, fan.id)

    bot.clock.set(starts + timedelta(hours=3))
    assert await sweep(bot, "report_requests") == 1
    (request,) = await lead_user.replies(timeout=5)
    assert "Planting" in request.text and "Garden" in request.text
    await lead_user.press("📝 " + ar._("Tell how it went"))
    (question,) = await lead_user.replies()
    assert "Planting" in question.text
    await lead_user.send("زرعنا ٣٠٠ بصلة <3")
    await lead_user.replies()
    await lead_user.send_photo(make_png(40, 30))
    await lead_user.replies()
    await lead_user.send("12")
    await lead_user.replies()

    (news,) = await fan_user.replies(timeout=5)  # through the outbox and the sender
    assert tr._("News from “{title}”:", title="Garden") in news.text
    assert "زرعنا ٣٠٠ بصلة <3" in news.text  # as typed (the HTML was escaped when sent)
    assert news.kind == "photo"

    bot.clock.set(starts + timedelta(days=3, hours=3))
    assert await sweep(bot, "report_requests") == 0  # told: no reminder
