"""One-tap coordination through the real runtimes: a review request with Open and Approve."""

from __future__ import annotations

from sqlalchemy import select

from bot.delivery.coordinators import notify_coordinators
from bot.domain import initiatives
from bot.domain.models import Initiative, InitiativeStatus, Role
from bot.emulator import BotAPIEmulator
from bot.i18n import translator
from tests.chat import REFUSED
from tests.e2e.chat import invited, onboard, person_of, plain
from tests.e2e.conftest import RunningBot
from tests.factories import initiative, snapshot


async def send_for_review(bot: RunningBot, user_id: int, title: str) -> int:
    """The resident's proposal, sent as the propose flow sends it: the coordinators are told."""
    assert bot.app is not None
    person = await person_of(bot, user_id)
    assert person is not None
    item = await initiative(bot.app, person, title, status=InitiativeStatus.DRAFT)
    async with bot.app.sessions.begin() as session:
        stored = await session.get(Initiative, item.id)
        assert stored is not None
        await initiatives.submit(session, stored, bot.clock.now())
        await notify_coordinators(session, stored, bot.clock.now())
    assert bot.runtime is not None
    bot.runtime.background.sender.wake()
    return item.id


async def test_approve_in_one_tap_and_the_second_coordinator_is_told(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    fatima = await invited(bot, emulator, 8600, Role.COORDINATOR)
    gerrit = await invited(bot, emulator, 8601, Role.COORDINATOR, locale="nl")
    ayse = emulator.user(8602, first_name="Ayşe", language_code="tr")
    await onboard(ayse, "tr")
    await send_for_review(bot, 8602, "Çay saati <3")

    en, nl, tr = translator("en"), translator("nl"), translator("tr")
    (request,) = await fatima.replies(timeout=5)
    expected_request = en._(
        "📝 New proposal to review: “{title}” by {name}.", title="Çay saati <3", name="Ayşe"
    )
    assert request.text == plain(expected_request)
    assert request.buttons == [["📂 " + en._("Open"), "✅ " + en._("Approve")]]
    (other,) = await gerrit.replies(timeout=5)
    assert other.buttons == [["📂 " + nl._("Open"), "✅ " + nl._("Approve")]]

    await fatima.press("✅ Approve")
    (approved,) = await fatima.replies(timeout=5)
    assert approved.edited and approved.message_id == request.message_id
    assert "Approved: “Çay saati <3”. The proposer will hear it now." in approved.text
    assert not approved.inline_keyboard
    (news,) = await ayse.replies(timeout=5)  # through the outbox and the sender
    assert (
        plain(
            tr._(
                "Good news! Your proposal “{title}” is approved. Neighbours can now find and "
                "support it.",
                title="Çay saati <3",
            )
        )
        in news.text
    )

    await gerrit.press("✅ " + nl._("Approve"))
    (told,) = await gerrit.replies(timeout=5)
    expected = nl._(
        "“{title}” is already approved by another coordinator. Nothing was changed.",
        title="Çay saati <3",
    )
    assert told.text == plain(expected)
    assert gerrit.callback_answers[-1].text == plain(expected)
    async with bot.app.sessions() as session:  # type: ignore[union-attr]
        statuses = list(await session.scalars(select(Initiative.status)))
    assert statuses == [InitiativeStatus.APPROVED]


async def test_open_shows_the_review_and_a_resident_is_refused(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    fatima = await invited(bot, emulator, 8700, Role.COORDINATOR)
    ann = emulator.user(8701, first_name="Ann", language_code="en")
    await onboard(ann, "en")
    await send_for_review(bot, 8701, "Book swap")
    (request,) = await fatima.replies(timeout=5)

    await fatima.press("📂 Open", message_id=request.message_id)
    (review,) = await fatima.replies(timeout=5)
    assert "Book swap" in review.text and "Proposed by Ann" in review.text
    assert ["✅ Approve"] in review.buttons

    # The Approve button's data, pressed by a resident on a message of her own: refused.
    approve = request.callback_data[0][1]
    assert approve is not None
    own = ann.last
    assert own is not None
    before = await snapshot(bot.app)  # type: ignore[arg-type]
    forged = {
        "id": "forged-approve",
        "from": ann.to_api(),
        "message": own.to_api(),
        "chat_instance": emulator.chat_instance(ann.id),
        "data": approve,
    }
    emulator.feed_raw({"callback_query": forged})
    replies = await ann.replies(timeout=5)
    assert any(REFUSED in reply.text for reply in replies)
    assert await snapshot(bot.app) == before  # type: ignore[arg-type]
    async with bot.app.sessions() as session:  # type: ignore[union-attr]
        statuses = list(await session.scalars(select(Initiative.status)))
    assert statuses == [InitiativeStatus.SUBMITTED]
