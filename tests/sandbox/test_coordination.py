"""The sandbox's clock shows the coordinator's daily summary and the weekly news on the day a
resident chose, through its JSON API with the real bot behind it."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from bot.delivery.coordinators import notify_coordinators
from bot.domain import initiatives
from bot.domain.models import Initiative, InitiativeStatus
from bot.i18n import LANGUAGE_NAMES, translator
from bot.sandbox import Sandbox
from tests.factories import initiative
from tests.sandbox.test_api import (  # noqa: F401  (the fixtures)
    JAN,
    PIOTR,
    SANNE,
    bot_texts,
    chat_until,
    client,
    onboard,
    person,
    post,
    press,
    sandbox,
)


async def test_a_summary_at_noon_and_the_weekly_news_on_tuesday(
    client: TestClient,  # noqa: F811
    sandbox: Sandbox,  # noqa: F811
) -> None:
    nl, pl = translator("nl"), translator("pl")
    await post(client, f"/api/chats/{SANNE}/open", {})  # her invite link
    await press(client, SANNE, LANGUAGE_NAMES["nl"])
    await press(client, SANNE, "Taagdreef")
    await press(client, SANNE, "✅ " + nl._("I agree"))
    await chat_until(client, SANNE, lambda c: any("Taagdreef" in t for t in bot_texts(c)[-1:]))
    await press(client, SANNE, "🔔 " + nl._("Notifications"))
    await press(client, SANNE, "🗂️ " + nl._("New proposals: each one at once"))
    await press(client, SANNE, nl._("One summary a day at {time}", time="12:00"))
    await chat_until(
        client,
        SANNE,
        lambda c: any(
            b["text"] == "🗂️ " + nl._("New proposals: one summary a day at {time}", time="12:00")
            for r in c["messages"][-1]["buttons"]
            for b in r
        ),
    )

    await onboard(client, JAN, "nl")
    await press(client, JAN, "🔔 " + nl._("Notifications"))
    await press(client, JAN, "📰 " + nl._("Weekly news: {when}", when="maandag 09:00"))
    await press(client, JAN, "dinsdag")
    await press(client, JAN, "10:00")
    await chat_until(
        client,
        JAN,
        lambda c: any(
            nl._("The weekly news now comes on {when}.", when="dinsdag 10:00") in t
            for t in bot_texts(c)
        ),
    )

    await onboard(client, PIOTR, "pl")
    piotr = await person(sandbox, PIOTR)
    item = await initiative(sandbox.app, piotr, "Ogród sąsiedzki", status=InitiativeStatus.DRAFT)
    async with sandbox.app.sessions.begin() as session:  # Piotr sends his proposal
        stored = await session.get(Initiative, item.id)
        assert stored is not None
        await initiatives.submit(session, stored, sandbox.clock.now())
        await notify_coordinators(session, stored, sandbox.clock.now())

    eleven = await post(client, "/api/clock", {"jump": "hour"})
    assert eleven["enqueued"]["proposals_summaries"] == 0
    noon = await post(client, "/api/clock", {"jump": "hour"})
    assert noon["local"] == "Mon 02 Mar 2026 12:00"
    assert noon["enqueued"]["proposals_summaries"] == 1
    heading = nl.n_(
        "{n} new proposal to review in {neighbourhood}:",
        "{n} new proposals to review in {neighbourhood}:",
        1,
        neighbourhood="Overvecht",
    )
    await chat_until(client, SANNE, lambda c: any(heading in t for t in bot_texts(c)))
    await press(client, SANNE, "📂 Ogród sąsiedzki")
    await press(client, SANNE, "✅ " + nl._("Approve"))
    good_news = pl._(
        "Good news! Your proposal “{title}” is approved. Neighbours can now find and support it.",
        title="Ogród sąsiedzki",
    )
    await chat_until(client, PIOTR, lambda c: any(good_news in t for t in bot_texts(c)))

    tuesday = await post(client, "/api/clock", {"jump": "day"})
    assert tuesday["local"] == "Tue 03 Mar 2026 12:00"
    assert tuesday["enqueued"]["weekly_digest"] == 1  # Jan's day; the others wait for Monday
    chat = await chat_until(
        client, JAN, lambda c: any(nl._("News per initiative") in t for t in bot_texts(c))
    )
    digest = [t for t in bot_texts(chat) if nl._("News per initiative") in t][-1]
    assert "Ogród sąsiedzki" in digest and nl._("New initiative") in digest
