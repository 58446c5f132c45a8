"""Coordinators and partners through the real runtime: review, broadcast, results, commitments."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.models import InitiativeStatus, Role
from bot.emulator import BotAPIEmulator
from bot.i18n import translator
from tests.e2e.chat import invited, onboard, person_of, sweep
from tests.e2e.conftest import RunningBot
from tests.factories import initiative


async def test_review_decision_reaches_the_proposer_in_turkish(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    coordinator = await invited(bot, emulator, 8100, Role.COORDINATOR)
    proposer = emulator.user(8101, first_name="Ayşe", language_code="tr")
    await onboard(proposer, "tr")
    person = await person_of(bot, 8101)
    assert person is not None
    await initiative(bot.app, person, "Çay saati", status=InitiativeStatus.SUBMITTED)

    await coordinator.press("🗂️ Review proposals")
    await coordinator.replies()
    await coordinator.press("Çay saati")
    await coordinator.replies()
    await coordinator.press("✅ Approve")
    (approved,) = await coordinator.replies()
    assert "Approved: “Çay saati”" in approved.text

    (news,) = await proposer.replies(timeout=5)  # through the outbox and the sender
    tr = translator("tr")
    expected = tr._(
        "Good news! Your proposal “{title}” is approved. Neighbours can now find and support it.",
        title="Çay saati",
    )
    assert expected in news.text


async def test_a_scheduled_broadcast_is_delivered_and_reported(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    coordinator = await invited(bot, emulator, 8200, Role.COORDINATOR)
    neighbour = emulator.user(8201, first_name="Piotr", language_code="pl")
    await onboard(neighbour, "pl")
    await coordinator.press("📣 Broadcast")
    await coordinator.replies()
    await coordinator.press("✍️ New message")
    await coordinator.replies()
    await coordinator.send("Buurtfeest zaterdag! <3")
    await coordinator.replies()
    await coordinator.press("🏘️ Everyone in the neighbourhood")
    (preview,) = await coordinator.replies()
    assert "2 people will receive it." in preview.text
    await coordinator.press("🕒 Send later")
    await coordinator.replies()
    when = (bot.clock.now() + timedelta(days=1)).astimezone(bot.settings.zone)
    await coordinator.send(f"{when.day}-{when.month}-{when.year} 12:00")
    (scheduled,) = await coordinator.replies()
    assert "Scheduled for" in scheduled.text

    bot.clock.advance(timedelta(days=2))
    assert await sweep(bot, "scheduled_broadcasts") == 2
    (message,) = await neighbour.replies(timeout=5)
    assert message.text.endswith("Buurtfeest zaterdag! <3")
    assert (
        translator("pl")._(
            "Message from the coordinators of {neighbourhood}", neighbourhood="Overvecht"
        )
        in message.text
    )
    await coordinator.replies(timeout=5)  # the coordinator's own copy
    assert await sweep(bot, "finished_broadcasts") == 1
    (report,) = await coordinator.replies(timeout=5)
    assert "Sent: 2. Could not be reached: 0. Failed: 0." in report.text


async def test_partner_reminded_and_updates_the_commitment(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    coordinator = await invited(bot, emulator, 8300, Role.COORDINATOR)
    partner = await invited(bot, emulator, 8301, Role.PARTNER, locale="nl", organisation="Mitros")
    await coordinator.press("🤝 Commitments")
    await coordinator.replies()
    await coordinator.press("➕ New commitment")
    await coordinator.replies()
    await coordinator.press("Mitros")
    await coordinator.replies()
    await coordinator.send("Lampen in de passage repareren")
    await coordinator.replies()
    due = (bot.clock.now() + timedelta(days=2)).astimezone(bot.settings.zone)
    await coordinator.send(f"{due.day}-{due.month}-{due.year}")
    (saved,) = await coordinator.replies()
    assert "Saved: Lampen in de passage repareren" in saved.text

    assert await sweep(bot, "commitment_reminders") == 1
    (reminder,) = await partner.replies(timeout=5)
    nl = translator("nl")
    assert "Lampen in de passage repareren" in reminder.text
    await partner.press("🤝 " + nl._("Our commitments"))
    await partner.replies()
    await partner.press("Lampen in de passage repareren")
    await partner.replies()
    await partner.press("✅ " + nl._("Done"))
    (done,) = await partner.replies()
    assert nl._("Saved.") in done.text


async def test_statistics_charts_reach_the_coordinator_as_photos(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    coordinator = await invited(bot, emulator, 8400, Role.COORDINATOR)
    await coordinator.press("📊 Statistics")
    replies = await coordinator.replies(timeout=10, count=5)
    kinds = [message.kind for message in replies]
    assert kinds == ["photo", "photo", "photo", "document", "text"]
    archive = replies[3].document
    assert archive is not None and archive.startswith(b"PK")  # a zip file
    assert all((photo.content or b"").startswith(b"\x89PNG") for photo in replies[:3])
