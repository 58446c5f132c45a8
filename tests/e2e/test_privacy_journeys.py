"""What residents see of each other, and the cap on waiting proposals, through both runtimes."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.initiatives import WAITING_LIMIT
from bot.domain.models import Initiative, InitiativeStatus, Role
from bot.emulator import BotAPIEmulator
from tests.e2e.chat import invited, onboard, person_of
from tests.e2e.conftest import RunningBot
from tests.factories import initiative, resident


async def test_a_leads_name_is_for_coordinators_only(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    lead = await resident(bot.app, 8300, first_name="Hatice")
    await initiative(bot.app, lead, "Garden")
    neighbour = emulator.user(8301, "Piet", language_code="en")
    await onboard(neighbour, "en")
    coordinator = await invited(bot, emulator, 8302, Role.COORDINATOR)
    for user in (neighbour, coordinator):
        await user.press("🔎 Initiatives")
        await user.replies()
        await user.press("1. Garden")
    (seen_by_neighbour,) = await neighbour.replies()
    (seen_by_coordinator,) = await coordinator.replies()
    assert "Growing vegetables" in seen_by_neighbour.text
    assert "Hatice" not in seen_by_neighbour.text
    assert "Led by Hatice" in seen_by_coordinator.text


async def test_a_fourth_waiting_proposal_stays_a_draft(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    user = emulator.user(8310, "Ann", language_code="en")
    await onboard(user, "en")
    person = await person_of(bot, 8310)
    assert person is not None
    for number in range(WAITING_LIMIT):
        await initiative(bot.app, person, f"Idea {number}", status=InitiativeStatus.SUBMITTED)
    await user.press("💡 Propose an initiative")
    await user.replies()
    for text in ("Repair café", "Fixing things together on Saturdays."):
        await user.send(text)
        await user.replies()
    for label in ("🤝 Living together", "Taagdreef", "Continue", "Not known yet", "Skip"):
        await user.press(label)
        await user.replies()
    await user.press("✅ Send")
    (refused,) = await user.replies()
    assert f"You already have {WAITING_LIMIT} proposals waiting for review" in refused.text
    assert "kept as a draft" in refused.text
    async with bot.app.sessions() as session:
        draft = await session.scalar(select(Initiative).where(Initiative.title == "Repair café"))
    assert draft is not None and draft.status is InitiativeStatus.DRAFT
