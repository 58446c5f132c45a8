"""A refusal changes nothing, through the real runtimes: the issue's reproduction.

A coordinator of Lansingerland presses a forged "cancel" button carrying the id of
Overvecht's broadcast draft, is refused, and sends /cancel. Before, the refused id
stayed in the conversation state (the runtime committed after the refusal) and
/cancel deleted Overvecht's draft.
"""

from __future__ import annotations

from bot.domain import neighbourhoods
from bot.domain.models import Broadcast
from bot.emulator import BotAPIEmulator
from tests.chat import REFUSED
from tests.e2e.conftest import RunningBot
from tests.factories import LANSINGERLAND, new_invite_in, resident, snapshot


async def test_a_forged_cancel_and_then_cancel_leave_another_neighbourhood_s_draft(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    app = bot.app
    assert app is not None
    now = app.clock.now()
    async with app.sessions.begin() as session:
        await neighbourhoods.load(session, neighbourhoods.parse(LANSINGERLAND), now)
    author = await resident(app, 901, first_name="Fatma")
    async with app.sessions.begin() as session:
        draft = Broadcast(
            neighbourhood_id=author.neighbourhood_id,
            author_id=author.id,
            text="Concept: buurtfeest",
            audience={},
            created_at=now,
        )
        session.add(draft)
    payload = await new_invite_in(app, "lansingerland")
    outsider = emulator.user(902, first_name="Kees", language_code="en")
    await outsider.send(f"/start {payload}")
    await outsider.replies()
    for button in ("English", "Berkel", "✅ I agree"):
        await outsider.press(button)
        await outsider.replies()
    await outsider.send("/broadcast")
    (overview,) = await outsider.replies()
    data = overview.callback_data[0][0]
    assert data is not None
    code, version, *_ = data.split(":")
    before = await snapshot(app)

    forged = {
        "id": "forged-1",
        "from": outsider.to_api(),
        "message": overview.to_api(),
        "chat_instance": emulator.chat_instance(outsider.id),
        "data": f"{code}:{version}:cancel:{draft.id}",
    }
    emulator.feed_raw({"callback_query": forged})
    replies = await outsider.replies()
    assert any(REFUSED in reply.text for reply in replies)
    await outsider.send("/cancel")
    await outsider.replies()

    assert await snapshot(app) == before
    async with app.sessions() as session:
        assert await session.get(Broadcast, draft.id) is not None
