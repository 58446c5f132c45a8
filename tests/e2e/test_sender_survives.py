"""The sender keeps going: the longest emoji update as a caption, a row that cannot be made,
and a sender that crashes is restarted while /healthz says so.

Each on both runtimes, through the running bot's own supervised sender and the emulator,
which refuses what Telegram would refuse (a caption over 1024 UTF-16 units, broken HTML).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from bot.chat.replies import Reply
from bot.delivery import outbox
from bot.delivery.kinds import KINDS, Kind, RenderContext
from bot.delivery.preferences import Category
from bot.domain.models import Delivery, DeliveryStatus, Person, Support
from bot.emulator import BotAPIEmulator
from bot.emulator.html_rules import utf16_len
from bot.flows.mine import UPDATE_LIMIT
from bot.i18n import N_, translator
from tests.e2e.chat import onboard, person_of
from tests.e2e.conftest import RunningBot
from tests.factories import initiative

HELLO = N_("Done: I will now write to you in {language}.")


async def _unrenderable(ctx: RenderContext, delivery: Delivery) -> Reply | None:
    raise KeyError(delivery.payload["missing"])


@pytest.fixture(autouse=True)
def broken_kind() -> Iterator[None]:
    KINDS["test_unrenderable"] = Kind("test_unrenderable", Category.SERVICE, _unrenderable)
    yield
    del KINDS["test_unrenderable"]


async def push(bot: RunningBot, person: Person, kind: str, subject: str) -> None:
    """A message into the outbox, as a sweep or a flow puts it there; the sender is woken."""
    assert bot.app is not None and bot.runtime is not None
    message = outbox.Message(
        person.id, kind, subject, payload={"msgid": HELLO, "params": {"language": "x"}}
    )
    async with bot.app.sessions.begin() as session:
        await outbox.enqueue(session, [message], now=bot.clock.now())
    bot.runtime.background.sender.wake()


async def test_the_longest_emoji_update_with_a_photo_reaches_followers_and_more_follows(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    t = translator("en")
    lead = emulator.user(7600, first_name="Lea", language_code="en")
    follower = emulator.user(7601, first_name="Fer", language_code="en")
    await onboard(lead, "en")
    await onboard(follower, "en")
    lead_person, follower_person = await person_of(bot, 7600), await person_of(bot, 7601)
    assert lead_person is not None and follower_person is not None
    tea = await initiative(bot.app, lead_person, "Tea 🫖 & <talk>")
    async with bot.app.sessions.begin() as session:
        session.add(
            Support(initiative_id=tea.id, person_id=follower_person.id, created_at=bot.clock.now())
        )

    await lead.press("👤 " + t._("My Wijkbot"))
    await lead.replies()
    await lead.press("⚙️ Tea 🫖 & <talk>")
    await lead.replies()
    await lead.press("📣 " + t._("Post an update"))
    await lead.replies()
    await lead.send("😀" * UPDATE_LIMIT)  # 800 characters, but 1600 units: too long for a caption
    (refused,) = await lead.replies()
    assert "That is 1600 characters (an emoji counts as 2); at most 800 fit." in refused.text
    await lead.send("😀" * (UPDATE_LIMIT // 2))  # 400 characters, 800 UTF-16 units: accepted
    (photo_question,) = await lead.replies()
    assert t._("Add a photo? Send it now, or skip.") in photo_question.text
    await lead.send_photo()
    await lead.replies()
    await lead.press(t._("Skip"))
    (posted,) = await lead.replies()
    assert "Posted! 1 person will hear about it." in posted.text

    (news,) = await follower.replies(timeout=10)
    assert news.kind == "photo"
    assert "😀" * 400 in news.text and "Tea 🫖 & <talk>" in news.text
    assert utf16_len(news.text) <= 1024

    await push(bot, follower_person, "notice", "after")
    (after,) = await follower.replies(timeout=10)
    assert "Done: I will now write to you in x." in after.text


async def test_an_unrenderable_row_fails_with_its_reason_and_the_next_rows_go_out(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None and bot.runtime is not None
    first = emulator.user(7700, language_code="en")
    second = emulator.user(7701, language_code="en")
    await onboard(first, "en")
    await onboard(second, "en")
    first_person, second_person = await person_of(bot, 7700), await person_of(bot, 7701)
    assert first_person is not None and second_person is not None

    await push(bot, first_person, "test_unrenderable", "broken")
    await push(bot, second_person, "notice", "fine")
    await push(bot, first_person, "notice", "fine too")

    (hello,) = await second.replies(timeout=10)
    assert "Done: I will now write to you in x." in hello.text
    bot.clock.advance(timedelta(seconds=2))  # a chat's second message waits for its interval
    bot.runtime.background.sender.wake()
    (also,) = await first.replies(timeout=10)  # the same person's next message, too
    assert "Done: I will now write to you in x." in also.text
    async with bot.app.sessions() as session:
        rows = dict((await session.execute(select(Delivery.kind, Delivery.status))).all())
        reason = await session.scalar(
            select(Delivery.last_error).where(Delivery.kind == "test_unrenderable")
        )
    assert rows["test_unrenderable"] is DeliveryStatus.FAILED and reason == "KeyError"
    health = bot.runtime.background.health
    assert health.sender_restarts == 0 and health.ok  # isolated, not crashed and restarted


async def test_a_crashed_sender_is_restarted_and_healthz_tells(webhook_bot: RunningBot) -> None:
    assert webhook_bot.runtime is not None
    sender = webhook_bot.runtime.background.sender
    url = f"http://{webhook_bot.settings.listen}/healthz"
    real_send_due = sender.send_due

    async def crash_once() -> int:
        sender.send_due = real_send_due  # type: ignore[method-assign]
        raise OSError("database connection lost")

    async with aiohttp.ClientSession() as http:

        async def health_until(check: Callable[[int, dict[str, Any]], bool]) -> dict[str, Any]:
            for _ in range(500):
                async with http.get(url) as response:
                    body = await response.json()
                    if check(response.status, body):
                        return body
                await asyncio.sleep(0.01)
            raise AssertionError(f"/healthz never showed it; last {body}")

        await health_until(lambda status, body: status == 200 and body["sender"] == "running")
        sender.send_due = crash_once  # type: ignore[method-assign]
        sender.wake()
        down = await health_until(lambda status, body: status == 503)
        assert down["status"] == "sender_down" and down["sender"] == "restarting"
        assert down["sender_last_error"] == "OSError" and down["sender_restarts"] == 1
        up = await health_until(lambda status, body: status == 200)
        assert up["sender"] == "running" and up["sender_restarts"] == 1
