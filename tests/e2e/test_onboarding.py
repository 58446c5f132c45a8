"""Whole conversations through aiogram, HTTP and the emulator, in every language."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.config import SUPPORTED_LOCALES
from bot.domain.models import ReceivedUpdate
from bot.emulator import BotAPIEmulator
from bot.i18n import translator
from tests.e2e.chat import onboard, person_of, plain
from tests.e2e.conftest import RunningBot


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_onboarding_in_every_language(
    bot: RunningBot, emulator: BotAPIEmulator, locale: str
) -> None:
    name = "Ayşe <b>&amp; co"  # typed by the person: must be shown as typed, not as HTML
    user = emulator.user(1001, first_name=name, language_code=locale)
    welcome = await onboard(user, locale)
    t = translator(locale)
    expected = t._("Welcome, {name}! You are all set for {home}.", name=name, home="X")
    assert plain(expected).split("X")[0] in welcome
    assert name in welcome
    assert t._("What would you like to do?") in welcome
    assert len(user.callback_answers) == 3  # every press was answered
    person = await person_of(bot, 1001)
    assert person is not None and person.locale == locale and person.onboarded
    failed = [call for call in emulator.calls if not call.ok]
    assert failed == []


async def test_onboarding_in_turkish_over_a_webhook(
    webhook_bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(2002, first_name="Mehmet", language_code="tr")
    welcome = await onboard(user, "tr", area="Vechtzoom-Zuid")
    assert "Mehmet" in welcome and "Vechtzoom-Zuid, Overvecht" in welcome
    assert emulator.calls_for("getUpdates") == []  # all of it came by webhook

    settings = webhook_bot.settings
    update = {"update_id": 999999, "message": {"message_id": 1, "date": 0, "text": "x"}}
    async with aiohttp.ClientSession() as http:
        refused = await http.post(settings.webhook_url or "", json=update)
        assert refused.status == 401
        wrong = await http.post(
            settings.webhook_url or "",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
        )
        assert wrong.status == 401
        health = await http.get(f"http://{settings.listen}/healthz")
        assert health.status == 200 and (await health.json())["status"] == "ok"
    person = await person_of(webhook_bot, 2002)
    assert person is not None and person.locale == "tr"


async def test_commands_are_registered_in_every_language(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    for locale in SUPPORTED_LOCALES:
        commands = emulator.commands(language_code=locale)
        names = [c["command"] for c in commands]
        listed = ["start", "propose", "language", "help", "cancel", "mydata", "public", "forget"]
        assert names == listed
        assert commands[2]["description"] == translator(locale)._("Change your language")
    default = emulator.commands()
    assert default[2]["description"] == translator("nl")._("Change your language")


async def test_coordinator_invite_is_redeemed_and_a_forged_one_refused(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    from datetime import timedelta

    from bot.domain import invites, neighbourhoods
    from bot.domain.models import Role

    assert bot.app is not None
    async with bot.app.sessions.begin() as session:
        overvecht = await neighbourhoods.by_slug(session, "overvecht")
        assert overvecht is not None
        _, payload = await invites.create(
            session,
            bot.settings.signing_key(),
            role=Role.COORDINATOR,
            neighbourhood_id=overvecht.id,
            now=bot.clock.now(),
            ttl=timedelta(hours=72),
        )
    t = translator("nl")

    forger = emulator.user(3003, first_name="Mallory", language_code="nl")
    await forger.send(f"/start {payload[:-2]}xx")
    refusal, _ = await forger.replies(count=2)
    assert refusal.text == t._("This invite link is not valid. Check that you copied all of it.")

    coordinator = emulator.user(3004, first_name="Fatima", language_code="nl")
    await coordinator.send(f"/start {payload}")
    welcome, question = await coordinator.replies(count=2)
    assert welcome.text == t._(
        "You are now a coordinator in {neighbourhood}.", neighbourhood="Overvecht"
    )
    assert t._("Which language do you want to use?") in question.text

    async with bot.app.sessions() as session:
        from bot.domain import roles

        forger_person = await person_of(bot, 3003)
        person = await person_of(bot, 3004)
        assert person is not None and forger_person is not None
        permission = roles.Permission.REVIEW_PROPOSALS
        assert await roles.allowed(session, person.id, permission, overvecht.id)
        assert not await roles.allowed(session, forger_person.id, permission, overvecht.id)


async def test_a_restart_in_the_middle_resumes_where_it_was(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(4004, first_name="Piotr", language_code="pl")
    t = translator("pl")
    await user.send("/start")
    await user.replies()
    await user.press("Polski")
    await user.replies()

    await bot.restart()
    await user.press("Zamenhofdreef")  # a button of the message from before the restart
    (consent,) = await user.replies()
    assert t._("Do you agree that Wijkbot stores this?") in consent.text
    await user.press("✅ " + t._("I agree"))
    (welcome,) = await user.replies()
    assert "Zamenhofdreef, Overvecht" in welcome.text


async def test_an_update_delivered_twice_has_one_effect(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(5005, first_name="Sam", language_code="en")
    update = await user.send("/start")
    await user.replies()
    await user.press("English")
    await user.replies()

    emulator.redeliver(update["update_id"])  # /start again, same update_id
    await user.assert_no_reply(within=0.5)
    await user.press("Taagdreef")  # the conversation went on, not back to the start
    (consent,) = await user.replies()
    assert "Do you agree that Wijkbot stores this?" in consent.text


async def test_processing_that_crashed_is_done_again(
    bot: RunningBot, emulator: BotAPIEmulator, clock: ManualClock
) -> None:
    assert bot.app is not None
    conversation = bot.app.conversation
    original = conversation.handle
    calls = 0

    async def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database went away")
        return await original(*args, **kwargs)

    conversation.handle = flaky  # type: ignore[method-assign]
    user = emulator.user(6006, first_name="Lina", language_code="ar")
    update = await user.send("/start")
    await failure_recorded(bot, update["update_id"])
    await user.assert_no_reply(within=0.1)
    clock.advance(timedelta_seconds(5))  # past the retry pause
    (question,) = await user.replies(timeout=5)
    assert translator("ar")._("Which language do you want to use?") in question.text
    assert calls == 2


async def failure_recorded(bot: RunningBot, update_id: int) -> None:
    """Wait until the update's failed attempt is stored, with its retry pause on the clock
    (advancing the clock before that would move the pause along)."""
    assert bot.app is not None
    for _ in range(500):
        async with bot.app.sessions() as session:
            error = await session.scalar(
                select(ReceivedUpdate.error).where(ReceivedUpdate.update_id == update_id)
            )
        if error:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"update {update_id} did not fail as planned")


async def test_an_update_left_by_a_killed_process_is_processed_after_restart(
    bot: RunningBot, emulator: BotAPIEmulator, clock: ManualClock
) -> None:
    assert bot.app is not None
    stuck = asyncio.Event()
    original = bot.app.conversation.handle

    async def hang(*args, **kwargs):  # type: ignore[no-untyped-def]
        stuck.set()
        await asyncio.Event().wait()  # never returns: the process is killed meanwhile

    bot.app.conversation.handle = hang  # type: ignore[method-assign]
    user = emulator.user(7007, first_name="Noor", language_code="en")
    await user.send("/start")
    await asyncio.wait_for(stuck.wait(), 5)
    await bot.crash()
    assert original is not None

    clock.advance(timedelta_seconds(120))  # the dead process's lease runs out
    await bot.start()
    (question,) = await user.replies(timeout=5)
    assert "Which language do you want to use?" in question.text


async def test_blocking_and_unblocking_the_bot(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    user = emulator.user(8008, first_name="Eva", language_code="nl")
    await onboard(user, "nl")
    emulator.block(8008)
    for _ in range(100):
        person = await person_of(bot, 8008)
        if person is not None and person.unreachable_at is not None:
            break
        await asyncio.sleep(0.02)
    assert person is not None and person.unreachable_at is not None
    emulator.unblock(8008)
    await user.send("/start")
    await user.replies()
    person = await person_of(bot, 8008)
    assert person is not None and person.unreachable_at is None


async def test_a_stale_button_and_a_sticker_get_answers(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(9009, first_name="Jan", language_code="nl")
    t = translator("nl")
    await user.send("/start")
    (first,) = await user.replies()
    await user.press("Nederlands")
    await user.replies()
    await user.send("/start")  # a new language question; the first message's buttons are old
    await user.replies()
    await user.send_sticker()
    (hint,) = await user.replies()
    assert t._("I cannot use that kind of message here.") in hint.text
    assert t._("Which language do you want to use?") in hint.text
    await user.press("Taagdreef", message_id=first.message_id)
    (again,) = await user.replies()
    assert user.callback_answers[-1].text == t._("This button is no longer active.")
    assert t._("Which language do you want to use?") in again.text


def timedelta_seconds(seconds: float):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return timedelta(seconds=seconds)
