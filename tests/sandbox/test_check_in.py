"""The sandbox's clock and the check-in code: the coordinator shows the planting day's code,
a resident who opens it a day early hears when it opens, and after "+1 day" is checked in;
the next day's thank-you goes only to those who came."""

from __future__ import annotations

import re

from bot.i18n import LANGUAGE_NAMES, translator
from bot.sandbox.demo import PLANTING
from tests.sandbox.test_api import (  # noqa: F401 - the fixtures are used by name
    JAN,
    PIOTR,
    bot_texts,
    chat_until,
    client,
    onboard,
    post,
    press,
    sandbox,
)

SANNE = 2001  # the coordinator
LINK = re.compile(r"https://t\.me/\w+\?start=([A-Za-z0-9_-]+)")


async def test_the_planting_day_checks_in_on_the_day(client) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    nl, pl = translator("nl"), translator("pl")
    title = PLANTING["title"]
    await post(client, f"/api/chats/{SANNE}/open", {})  # her invite link
    await press(client, SANNE, LANGUAGE_NAMES["nl"])
    await press(client, SANNE, "Taagdreef")
    await press(client, SANNE, "✅ " + nl._("I agree"))
    await chat_until(client, SANNE, lambda c: any("Taagdreef" in t for t in bot_texts(c)[-1:]))
    await press(client, SANNE, "📅 " + nl._("Activities"))
    await press(client, SANNE, "📷 " + nl._("Check-in QR"))
    chat = await chat_until(
        client, SANNE, lambda c: any(m["kind"] == "photo" for m in c["messages"])
    )
    (code,) = [m for m in chat["messages"] if m["kind"] == "photo"]
    found = LINK.search(code["text"])
    assert found is not None, code["text"]
    start = f"/start {found.group(1)}"

    await onboard(client, JAN, "nl")
    await onboard(client, PIOTR, "pl")
    await post(client, f"/api/chats/{JAN}/send", {"text": start})  # a day early
    when = "dinsdag 3 maart 2026"  # the start, 25 hours after the sandbox's, less an hour
    early = nl._(
        "Check-in for {title} opens at {when}. Scan the code again then.", title=title, when=when
    )
    await chat_until(
        client, JAN, lambda c: any(early.split(when)[0] + when in t for t in bot_texts(c))
    )

    await post(client, "/api/clock", {"jump": "day"})  # an hour before the start
    await post(client, f"/api/chats/{JAN}/send", {"text": start})
    joined = nl._("✅ You are signed up and checked in for {title}. Welcome!", title=title)
    await chat_until(client, JAN, lambda c: any(joined in t for t in bot_texts(c)))
    await post(client, f"/api/chats/{PIOTR}/send", {"text": start})  # one place only
    full = pl._(
        "Sorry, {title} is full, so I could not check you in. Ask the organisers there.",
        title=title,
    )
    await chat_until(client, PIOTR, lambda c: any(full in t for t in bot_texts(c)))

    jumped = await post(client, "/api/clock", {"jump": "day"})
    assert jumped["enqueued"]["finished_actions"] == 1  # Jan, who came
    thanks = nl.n_(
        "{title} has taken place. Thank you for coming! {n} neighbour came.",
        "{title} has taken place. Thank you for coming! {n} neighbours came.",
        1,
        title=title,
    )
    await chat_until(client, JAN, lambda c: any(thanks in t for t in bot_texts(c)))
