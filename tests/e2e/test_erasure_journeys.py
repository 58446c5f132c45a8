"""/forget through the real runtime: the intake's stored updates, a coordinator's button
presses on a message that showed the person, and the review that goes on without them."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.domain.models import InitiativeStatus, ReceivedUpdate, Role, UpdateStatus
from bot.emulator import BotAPIEmulator
from bot.i18n import translator
from tests.e2e.chat import invited, onboard, person_of
from tests.e2e.conftest import RunningBot
from tests.factories import initiative
from tests.traces import references_to, traces

USER_ID = 7770123
TYPED = "Quxbrindle soup evening"


async def test_forget_leaves_no_trace_in_the_intake_and_the_review_goes_on(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    coordinator = await invited(bot, emulator, 8200, Role.COORDINATOR)
    tr = translator("tr")
    user = emulator.user(
        USER_ID, "Zeynep", last_name="Kaplan", username="zeynep_ovv", language_code="tr"
    )
    await onboard(user, "tr")
    person = await person_of(bot, USER_ID)
    assert person is not None
    proposal = await initiative(
        bot.app, person, "Pomegranate corner", status=InitiativeStatus.SUBMITTED
    )
    async with bot.app.sessions.begin() as session:
        stored = await session.get(type(proposal), proposal.id)
        assert stored is not None
        stored.description = TYPED
    await user.send(f"{TYPED}, and call me on 06-12345678")  # typed where no step asks for it
    await user.replies()

    await coordinator.press("🗂️ Review proposals")
    await coordinator.replies()
    await coordinator.press("Pomegranate corner")
    (shown,) = await coordinator.replies()
    assert "Proposed by Zeynep" in shown.text and TYPED in shown.text
    await coordinator.press("🤝 Link partners")  # a stored press on the message that shows her
    await coordinator.replies()
    await coordinator.press("Done")
    await coordinator.replies()
    found = await traces(bot.app.engine, "Zeynep", "Kaplan", "zeynep_ovv", TYPED, str(USER_ID))
    assert found  # she is all over the database before

    await user.send("/forget")
    await user.replies()
    await user.press(tr._("Yes, forget me"))
    (done,) = await user.replies()
    farewell = "Done. Wijkbot has forgotten you. Send /start if you ever want to come back."
    assert tr._(farewell) in done.text

    await coordinator.press("❌ Reject")  # on the proposal she withdrew by leaving
    (answer,) = await coordinator.replies()
    assert "Someone has already decided on this proposal." in answer.text

    needles = ("Zeynep", "Kaplan", "zeynep_ovv", TYPED, "Quxbrindle", "12345678", str(USER_ID))
    for _ in range(50):  # the last answer is settled just after it is sent
        found = await traces(bot.app.engine, *needles)
        if not found:
            break
        await asyncio.sleep(0.1)
    assert found == []
    assert await references_to(bot.app.engine, person.id) == []
    async with bot.app.sessions() as session:
        failed = await session.scalars(
            select(ReceivedUpdate.id).where(ReceivedUpdate.status == UpdateStatus.FAILED)
        )
        assert list(failed) == []
