"""The neighbourhood's own group or channel, through the real runtimes and the emulator's
group chats: a coordinator adds Wijkbot as an administrator and confirms in their private
chat; approved initiatives, results and the wins of the week are posted there in the
neighbourhood's language (Dutch for Overvecht); chatter in the group is neither kept nor
answered; unlinking, removing the bot and a 403 end the link; a chat added by someone who
coordinates nothing is left at once; a group upgraded to a supergroup keeps its link under
its new chat id, whether Wijkbot reads the upgrade first or learns it from a failed post."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.domain.models import (
    ChatLink,
    ChatLinkStatus,
    Delivery,
    DeliveryStatus,
    Identity,
    InitiativeStatus,
    Person,
    ReceivedUpdate,
    Role,
)
from bot.emulator import BotAPIEmulator, SentMessage
from bot.emulator.users import SimulatedGroup, SimulatedUser
from bot.i18n import translator
from tests import factories
from tests.e2e.chat import invited, sweep
from tests.e2e.conftest import RunningBot
from tests.e2e.processes import until

en, nl = translator("en"), translator("nl")
TITLE = "Buurtgroep <Overvecht> & co"


async def reply_with(user: SimulatedUser, text: str) -> SentMessage:
    """The next message to `user` that says `text` (other news may come in between)."""
    async with asyncio.timeout(10):
        while True:
            for message in await user.replies():
                if text in message.html:
                    return message


async def links(bot: RunningBot) -> list[ChatLink]:
    assert bot.app is not None
    async with bot.app.sessions() as session:
        return list(await session.scalars(select(ChatLink).order_by(ChatLink.id)))


async def link_group(
    bot: RunningBot,
    emulator: BotAPIEmulator,
    fatima: SimulatedUser,
    chat_id: int,
    chat_type: str = "supergroup",
) -> SimulatedGroup:
    """Fatima adds Wijkbot to a new supergroup as an admin and confirms it for Overvecht."""
    group = emulator.group(chat_id, TITLE, chat_type=chat_type, admins=(fatima,), with_bot=False)
    await group.add_bot(by=fatima)
    (asked,) = await fatima.replies(timeout=10)
    assert "You added Wijkbot to “Buurtgroep &lt;Overvecht&gt; &amp; co”" in asked.html
    await fatima.press("📢 " + en._("Group or channel"))
    (chats,) = await fatima.replies()
    assert en._("“{title}” waits for your answer.", title=TITLE) in chats.html
    await fatima.press(
        "✅ "
        + en._("“{title}” for {neighbourhood}").format(
            title=TITLE[:19] + "…", neighbourhood="Overvecht"
        )
    )
    (done,) = await fatima.replies()
    assert (
        en._("Linked: the news of the neighbourhood now goes to “{title}”.", title=TITLE)
        in done.html
    )
    (welcome,) = await group.replies(timeout=10)
    assert (
        nl._(
            "Hello! From now on Wijkbot posts the news of {neighbourhood} here: approved "
            "initiatives, results, goals reached and the wins of the week.",
            neighbourhood="Overvecht",
        )
        in welcome.html
    )
    return group


async def test_a_coordinator_links_a_group_that_gets_the_news_and_ignores_chatter(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    fatima = await invited(bot, emulator, 8701, Role.COORDINATOR)
    group = await link_group(bot, emulator, fatima, -1008701)
    [link] = await links(bot)
    assert (link.status, link.title, link.chat_type) == (ChatLinkStatus.LINKED, TITLE, "supergroup")
    assert link.added_by_id is None  # who added it is not needed once it is confirmed

    # Chatter in the group: not kept, not answered, no person made of its author.
    piet = emulator.user(8702, "Piet")
    group.add(piet)
    chatter = [
        await piet.send("/start", chat=group),
        await piet.send("Wie komt er zaterdag?", chat=group),
        await fatima.send("/group", chat=group),
    ]
    await group.assert_no_reply(within=1.0)
    await piet.assert_no_reply(within=0.1)
    async with bot.app.sessions() as session:
        kept = await session.scalar(
            select(func.count(ReceivedUpdate.id)).where(
                ReceivedUpdate.update_id.in_([update["update_id"] for update in chatter])
            )
        )
        stranger = await session.scalar(select(Identity).where(Identity.external_id == "8702"))
    assert kept == 0 and stranger is None

    # An approved initiative, in Overvecht's language, without the proposer's name (no yes).
    owner = await factories.resident(bot.app, 8703, first_name="Yusuf")
    await factories.initiative(
        bot.app, owner, "Moestuin <Zamenhofdreef>", status=InitiativeStatus.SUBMITTED
    )
    await fatima.press("🗂️ " + en._("Review proposals"))
    await fatima.replies()
    await fatima.press("Moestuin <Zamenhofdreef>")
    await fatima.replies()
    await fatima.press("✅ " + en._("Approve"))
    await fatima.replies()
    (post,) = await group.replies(timeout=10)
    assert nl._("A new initiative: “{title}”", title="Moestuin <Zamenhofdreef>") in post.html
    assert "Yusuf" not in post.text
    assert post.buttons == []

    # The wins of the week, Monday morning (the test clock's Monday 10:00 in Amsterdam).
    await sweep(bot, "weekly_digest")
    (wins,) = await group.replies(timeout=10)
    assert wins.kind == "photo"
    assert nl._("This week in {neighbourhood}", neighbourhood="Overvecht") in wins.text
    assert nl.n_("{n} new initiative", "{n} new initiatives", 1) in wins.text
    assert "📰" not in wins.text  # the residents' news per initiative stays with them
    assert await sweep(bot, "weekly_digest") == 0  # once a week
    await group.assert_no_reply(within=0.5)

    # Unlinked from the chat menu: the bot leaves the group and the link is gone.
    await fatima.send("/group")
    chats = await reply_with(fatima, en._("Group or channel"))  # her own weekly news aside
    assert (
        "✅ " + en._("{neighbourhood}: “{title}”", neighbourhood="Overvecht", title=TITLE)
        in chats.html
    )
    await fatima.press("🚪 " + en._("Unlink “{title}”").format(title=TITLE[:23] + "…"))
    await fatima.replies()
    await fatima.press("🚪 " + en._("Yes, unlink"))
    (unlinked,) = await fatima.replies()
    assert en._("Unlinked: Wijkbot leaves “{title}”.", title=TITLE) in unlinked.html

    async def left() -> bool:
        return group.bot_status == "left" and not await links(bot)

    await until(left)
    assert emulator.calls_for("leaveChat")[-1].params["chat_id"] in (-1008701, "-1008701")


async def test_removed_or_refused_the_bot_goes_and_so_does_the_link(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    fatima = await invited(bot, emulator, 8711, Role.COORDINATOR)

    # Someone who coordinates nothing adds the bot: it leaves at once, nobody is asked.
    kees = emulator.user(8712, "Kees")
    stray = emulator.group(-1008712, "Andere groep", admins=(kees,), with_bot=False)
    await stray.add_bot(by=kees)

    async def stray_left() -> bool:
        return stray.bot_status == "left" and not await links(bot)

    await until(stray_left)

    # Removed by an admin of the group: the link and its waiting posts are gone.
    group = await link_group(bot, emulator, fatima, -1008711)
    await group.remove_bot(by=fatima)

    async def gone() -> bool:
        return not await links(bot)

    await until(gone)

    # Linked again, then the bot is taken out without Telegram telling it: the next post
    # gets 403 and the link goes with it.
    group = await link_group(bot, emulator, fatima, -1008713)
    group.chat.bot_status = "kicked"
    owner = await factories.resident(bot.app, 8714, first_name="Sanne")
    item = await factories.initiative(bot.app, owner, "Bankjes", status=InitiativeStatus.SUBMITTED)
    await fatima.press("🗂️ " + en._("Review proposals"))
    await fatima.replies()
    await fatima.press("Bankjes")
    await fatima.replies()
    await fatima.press("✅ " + en._("Approve"))
    await fatima.replies()
    await until(gone)
    async with bot.app.sessions() as session:
        posts = await session.scalar(
            select(func.count(Delivery.id)).where(Delivery.subject == f"initiative:{item.id}")
        )
    assert posts == 1  # only the proposer's news is left; the group's post went with its link
    # A coordinator refuses a chat they added: the bot leaves it.
    other = emulator.group(-1008715, "Verkeerde groep", admins=(fatima,), with_bot=False)
    await other.add_bot(by=fatima)
    await fatima.replies(timeout=10)
    await fatima.send("/group")
    await fatima.replies()
    await fatima.press("✖️ " + en._("“{title}” is not for Wijkbot").format(title="Verkeerde groep"))
    (note,) = await fatima.replies()
    assert en._("Wijkbot leaves “{title}”.", title="Verkeerde groep") in note.html

    async def refused() -> bool:
        return other.bot_status == "left" and not await links(bot)

    await until(refused)


async def test_a_channel_in_webhook_mode_gets_a_result_with_its_photo_only_with_a_yes(
    webhook_bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    bot = webhook_bot
    assert bot.app is not None
    fatima = await invited(bot, emulator, 8721, Role.COORDINATOR)
    channel = emulator.channel(-1008721, "Overvecht Nieuws", admins=(fatima,))
    await channel.add_bot(by=fatima)
    await reply_with(fatima, "Overvecht Nieuws")
    await fatima.send("/group")
    await reply_with(fatima, en._("“{title}” waits for your answer.", title="Overvecht Nieuws"))
    label = en._("“{title}” for {neighbourhood}").format(
        title="Overvecht Nieuws", neighbourhood="Overvecht"
    )
    await fatima.press("✅ " + label)
    await fatima.replies()
    await channel.replies(timeout=10)  # the welcome
    [link] = await links(bot)
    assert (link.chat_type, link.status) == ("channel", ChatLinkStatus.LINKED)

    lead = await factories.resident(bot.app, 8722, first_name="Yusuf")
    await factories.initiative(bot.app, lead, "Moestuin")
    for photos_ok, text in ((False, "Eerste oogst"), (True, "Tweede oogst")):
        async with bot.app.sessions.begin() as session:
            person = await session.get(Person, lead.id)
            assert person is not None
            person.public_photos = photos_ok
        await fatima.send("/result")
        await fatima.replies()
        await fatima.press("Moestuin")
        await fatima.replies()
        await fatima.send(text)
        await fatima.replies()
        await fatima.send("12")
        await fatima.replies()
        await fatima.send_photo(caption="")
        await fatima.replies()
        (post,) = await channel.replies(timeout=10)
        assert nl._("A result for “{title}”!", title="Moestuin") in post.html
        assert text in post.text and "12" in post.text
        # The photo only with the lead's yes (as on the public results page).
        assert post.kind == ("photo" if photos_ok else "text")


async def approve(fatima: SimulatedUser, title: str) -> None:
    """Fatima approves a waiting proposal from her review list."""
    await fatima.press("🗂️ " + en._("Review proposals"))
    await fatima.replies()
    await fatima.press(title)
    await fatima.replies()
    await fatima.press("✅ " + en._("Approve"))
    await fatima.replies()


async def test_a_group_upgraded_to_a_supergroup_keeps_its_link_under_the_new_id(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    fatima = await invited(bot, emulator, 8731, Role.COORDINATOR)
    group = await link_group(bot, emulator, fatima, -8731, chat_type="group")
    [link] = await links(bot)
    assert (link.chat_id, link.chat_type) == (-8731, "group")

    # Fatima makes the group a supergroup: Wijkbot reads Telegram's two service messages.
    supergroup = await group.upgrade(by=fatima)
    new_id = supergroup.id

    async def moved() -> bool:
        return [(found.id, found.chat_id) for found in await links(bot)] == [(link.id, new_id)]

    await until(moved)
    [moved_link] = await links(bot)
    assert (moved_link.chat_type, moved_link.status) == ("supergroup", ChatLinkStatus.LINKED)

    # The upgrade of a group that is not Wijkbot's is not kept (like the rest of its chatter).
    kees = emulator.user(8732, "Kees")
    stranger = emulator.group(-8732, "Andere groep", admins=(kees,))
    await stranger.upgrade(by=kees)
    await supergroup.assert_no_reply(within=0.5)
    async with bot.app.sessions() as session:
        stored = await session.scalar(
            select(func.count(ReceivedUpdate.id)).where(
                ReceivedUpdate.chat_key.in_(["chat:-8732", f"chat:{-(10**12 + 8732)}"])
            )
        )
    assert stored == 0

    # The news now goes to the supergroup, nothing to the old group's id.
    owner = await factories.resident(bot.app, 8733, first_name="Yusuf")
    await factories.initiative(bot.app, owner, "Speeltuin", status=InitiativeStatus.SUBMITTED)
    await approve(fatima, "Speeltuin")
    (post,) = await supergroup.replies(timeout=10)
    assert nl._("A new initiative: “{title}”", title="Speeltuin") in post.html
    old_ids = (-8731, "-8731")
    assert not [
        call for call in emulator.calls_for("sendMessage") if call.params["chat_id"] in old_ids
    ][1:]  # only the welcome, before the upgrade


async def test_a_post_to_a_group_upgraded_unnoticed_goes_to_the_supergroup(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    fatima = await invited(bot, emulator, 8741, Role.COORDINATOR)
    group = await link_group(bot, emulator, fatima, -8741, chat_type="group")
    [link] = await links(bot)
    # Upgraded before Wijkbot read it: the next post gets 400 with the new id.
    supergroup = await group.upgrade(by=fatima, notify=False)
    owner = await factories.resident(bot.app, 8742, first_name="Sanne")
    item = await factories.initiative(bot.app, owner, "Bankjes", status=InitiativeStatus.SUBMITTED)
    await approve(fatima, "Bankjes")
    (post,) = await supergroup.replies(timeout=10)
    assert nl._("A new initiative: “{title}”", title="Bankjes") in post.html
    [moved] = await links(bot)
    assert (moved.id, moved.chat_id, moved.status) == (
        link.id,
        supergroup.id,
        ChatLinkStatus.LINKED,
    )
    refused = [
        call
        for call in emulator.calls_for("sendMessage")
        if call.params["chat_id"] in (-8741, "-8741")
    ]
    assert len(refused) == 2  # the welcome, then the post that got the 400
    async with bot.app.sessions() as session:
        sent = await session.scalar(
            select(Delivery.status).where(
                Delivery.chat_link_id == link.id, Delivery.subject == f"initiative:{item.id}"
            )
        )
    assert sent is DeliveryStatus.SENT  # not failed, not lost
