"""Groups and channels: the bot added, promoted and removed (my_chat_member), leaving,
the admin list, posting rules, and nothing said in a chat without the bot reaching it."""

from __future__ import annotations

import pytest

from bot.emulator import BotAPIEmulator
from tests.emulator import RawApi


@pytest.fixture
async def emu():
    async with BotAPIEmulator(settle=0.05) as emu:
        yield emu


@pytest.fixture
async def api(emu: BotAPIEmulator):
    client = RawApi(emu)
    yield client
    await client.close()


def error(body: dict) -> tuple[int, str]:
    return body["error_code"], body["description"]


async def test_adding_and_removing_the_bot_sends_my_chat_member(
    emu: BotAPIEmulator, api: RawApi
) -> None:
    ann = emu.user(1001, "Ann")
    group = emu.group(-100500, "Buurtgroep Taagdreef", admins=(ann,), with_bot=False)
    before = await ann.send("hallo", chat=group)
    assert "update_id" not in before  # the bot is not in the group: Telegram tells it nothing
    assert error(await api("sendMessage", chat_id=-100500, text="hoi")) == (
        403,
        "Forbidden: bot is not a member of the group chat",
    )

    update = (await group.add_bot(by=ann))["my_chat_member"]
    assert update["chat"] == {"id": -100500, "type": "group", "title": "Buurtgroep Taagdreef"}
    assert update["from"]["id"] == 1001
    assert update["old_chat_member"]["status"] == "left"
    assert update["new_chat_member"]["status"] == "administrator"
    assert update["new_chat_member"]["user"]["id"] == emu.bot_id
    me = (await api("getChatMember", chat_id=-100500, user_id=emu.bot_id))["result"]
    assert me["status"] == "administrator"
    admins = (await api("getChatAdministrators", chat_id=-100500))["result"]
    assert {member["user"]["id"] for member in admins} == {1001, emu.bot_id}
    assert (await api("sendMessage", chat_id=-100500, text="hoi"))["ok"]
    assert "update_id" in await ann.send("hallo", chat=group)

    removed = (await group.remove_bot(by=ann))["my_chat_member"]
    assert removed["new_chat_member"] == {
        "user": emu.bot_user,
        "status": "kicked",
        "until_date": 0,
    }
    assert error(await api("sendMessage", chat_id=-100500, text="hoi")) == (
        403,
        "Forbidden: bot was kicked from the group chat",
    )
    assert error(await api("leaveChat", chat_id=-100500))[0] == 403


async def test_only_an_admin_adds_the_bot_as_admin(emu: BotAPIEmulator) -> None:
    ann, bo = emu.user(1001, "Ann"), emu.user(1002, "Bo")
    group = emu.group(-100501, "Buurt", members=(bo,), admins=(ann,), with_bot=False)
    with pytest.raises(PermissionError):
        await group.add_bot(by=bo)
    update = (await group.add_bot(by=bo, admin=False))["my_chat_member"]
    assert update["new_chat_member"]["status"] == "member"
    promoted = (await group.promote_bot(by=ann))["my_chat_member"]
    assert promoted["old_chat_member"]["status"] == "member"
    assert promoted["new_chat_member"]["status"] == "administrator"


async def test_leaving_a_group(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    group = emu.group(-100502, "Buurt", admins=(ann,), chat_type="supergroup", with_bot=False)
    await group.add_bot(by=ann)
    assert (await api("leaveChat", chat_id=-100502))["ok"]
    assert group.bot_status == "left"
    left = emu.pending_updates[-1]["my_chat_member"]
    assert left["from"]["id"] == emu.bot_id and left["new_chat_member"]["status"] == "left"
    assert error(await api("sendMessage", chat_id=-100502, text="hoi")) == (
        403,
        "Forbidden: bot is not a member of the supergroup chat",
    )
    assert error(await api("leaveChat", chat_id=1001)) == (
        400,
        "Bad Request: chat member status can't be changed in private chats",
    )
    assert error(await api("getChatAdministrators", chat_id=1001))[0] == 400


async def test_channels(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    channel = emu.channel(-100600, "Overvecht Nieuws", admins=(ann,))
    with pytest.raises(ValueError, match="administrator"):
        await channel.add_bot(by=ann, admin=False)
    assert error(await api("sendMessage", chat_id=-100600, text="hoi"))[0] == 403
    await channel.add_bot(by=ann)
    chat = (await api("getChat", chat_id=-100600))["result"]
    assert (chat["type"], chat["title"]) == ("channel", "Overvecht Nieuws")
    assert (await api("sendMessage", chat_id=-100600, text="Nieuws"))["ok"]
    [posted] = await channel.replies()
    assert posted.text == "Nieuws"
    post = (await ann.send("Ons eigen bericht", chat=channel))["channel_post"]
    assert "from" not in post and post["sender_chat"]["id"] == -100600


async def test_twenty_a_minute_per_group(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    channel = emu.channel(-100601, "Nieuws", admins=(ann,))
    await channel.add_bot(by=ann)
    results = [await api("sendMessage", chat_id=-100601, text=f"n{i}") for i in range(21)]
    assert all(r["ok"] for r in results[:20])
    assert error(results[20]) == (429, "Too Many Requests: retry after 3")


async def test_a_group_upgraded_to_a_supergroup_gets_a_new_id(
    emu: BotAPIEmulator, api: RawApi
) -> None:
    ann, kees = emu.user(1001, "Ann"), emu.user(1002, "Kees")
    group = emu.group(-500, "Buurtgroep", members=(kees,), admins=(ann,))
    with pytest.raises(PermissionError):
        await group.upgrade(by=kees)  # only an administrator upgrades a group
    before = len(emu.updates.pending())
    supergroup = await group.upgrade(by=ann)
    assert (supergroup.id, supergroup.type, supergroup.title) == (
        -1000000000500,
        "supergroup",
        "Buurtgroep",
    )
    old, new = [update["message"] for update in emu.updates.pending()[before:]]
    assert old["chat"] == {"id": -500, "type": "group", "title": "Buurtgroep"}
    assert (old["migrate_to_chat_id"], old["from"]["id"]) == (-1000000000500, 1001)
    assert new["chat"]["id"] == -1000000000500 and new["migrate_from_chat_id"] == -500
    body = await api("sendMessage", chat_id=-500, text="hoi")
    assert error(body) == (400, "Bad Request: group chat was upgraded to a supergroup chat")
    assert body["parameters"] == {"migrate_to_chat_id": -1000000000500}
    assert (await api("sendMessage", chat_id=-1000000000500, text="hoi"))["ok"]
    assert supergroup.bot_status == "member" and 1002 in supergroup.chat.members
    with pytest.raises(ValueError):
        await supergroup.upgrade(by=ann)  # a supergroup is upgraded already

    # Not told yet (the bot sends before it reads the news): no updates, the same 400.
    quiet = emu.group(-501, "Stille groep", admins=(ann,))
    before = len(emu.updates.pending())
    await quiet.upgrade(by=ann, new_chat_id=-100501, notify=False)
    assert len(emu.updates.pending()) == before
    body = await api("sendMessage", chat_id=-501, text="hoi")
    assert body["parameters"] == {"migrate_to_chat_id": -100501}
