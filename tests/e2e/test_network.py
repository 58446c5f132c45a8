"""The long breath through the real runtimes: on the first of the month the coordinator gets
the state of the network as a chart, and a resident silent for 60 days is invited back once."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.models import Role
from bot.emulator import BotAPIEmulator
from bot.i18n import translator
from tests.e2e.chat import invited, onboard, person_of, plain, sweep
from tests.e2e.conftest import RunningBot
from tests.factories import action, initiative


async def test_the_coordinator_gets_the_month_as_a_chart_on_the_first(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    fatima = await invited(bot, emulator, 8700, Role.COORDINATOR, locale="tr")
    neighbour = emulator.user(8701, first_name="Jan", language_code="nl")
    await onboard(neighbour, "nl")

    bot.clock.set(datetime(2026, 3, 31, 21, 0, tzinfo=UTC))  # 23:00 on 31 March, local time
    assert await sweep(bot, "network_report") == 0
    bot.clock.set(datetime(2026, 4, 1, 7, 30, tzinfo=UTC))  # 09:30 on 1 April
    assert await sweep(bot, "network_report") == 1  # the coordinator, not the resident
    (report,) = await fatima.replies(timeout=10)
    assert report.kind == "photo" and (report.content or b"").startswith(b"\x89PNG")
    tr = translator("tr")
    caption = plain(report.text)
    assert (
        tr._(
            "{neighbourhood} in {month}: the state of the network",
            neighbourhood="Overvecht",
            month="Mart 2026",
        )
        in caption
    )
    assert tr.n_("{n} resident active", "{n} residents active", 2) in caption
    assert tr.n_("{n} new resident", "{n} new residents", 2) in caption
    assert "Jan" not in caption  # numbers only
    assert await sweep(bot, "network_report") == 0  # once, whatever the reruns
    await fatima.assert_no_reply(within=1.5)
    await neighbour.assert_no_reply(within=0.3)


async def test_a_silent_resident_is_invited_back_once(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    layla = emulator.user(8702, first_name="Layla", language_code="ar")
    await onboard(layla, "ar")
    owner = await person_of(bot, 8702)
    assert owner is not None
    garden = await initiative(bot.app, owner, "حديقة الجيران")  # in her buurt, Taagdreef
    starts = datetime(2026, 5, 9, 12, 0, tzinfo=UTC)
    await action(bot.app, starts, title="Planting", place="Taagdreef 12", initiative_id=garden.id)

    bot.clock.set(datetime(2026, 4, 25, 10, 0, tzinfo=UTC))  # 54 days: not yet
    assert await sweep(bot, "silence_invitations") == 0
    bot.clock.set(datetime(2026, 5, 5, 10, 0, tzinfo=UTC))  # 64 days without a word
    assert await sweep(bot, "silence_invitations") == 1
    (invitation,) = await layla.replies(timeout=10)
    ar = translator("ar")
    assert ar._("Hello {name}, we have not heard from you for a while.", name="Layla") in (
        invitation.text
    )
    assert "Planting" in invitation.text and "Taagdreef 12" in invitation.text
    assert ar.datetime(starts, bot.settings.zone) in invitation.text
    assert await sweep(bot, "silence_invitations") == 0
    await layla.assert_no_reply(within=1.5)

    await layla.press("📅 " + ar._("Activities"))  # the invitation's button opens the agenda
    (agenda,) = await layla.replies()
    assert "Planting" in agenda.text
