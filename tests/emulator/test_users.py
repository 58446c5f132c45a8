"""The test-facing side: simulated people sending, pressing, tapping and reading replies."""

from __future__ import annotations

import asyncio

import pytest

from bot.emulator import BotAPIEmulator, make_png
from tests.emulator import RawApi

LANGUAGES = {
    "inline_keyboard": [
        [
            {"text": "Nederlands", "callback_data": "lang:nl"},
            {"text": "Türkçe", "callback_data": "lang:tr"},
        ],
        [{"text": "Website", "url": "https://wijk.nl"}],
    ]
}


@pytest.fixture
async def emu():
    async with BotAPIEmulator(settle=0.05) as emu:
        yield emu


@pytest.fixture
async def api(emu: BotAPIEmulator):
    client = RawApi(emu)
    yield client
    await client.close()


async def test_user_messages_become_updates(emu: BotAPIEmulator) -> None:
    ann = emu.user(1001, first_name="Ann", language_code="tr", username=None)
    assert emu.user(1001) is ann
    update = await ann.send("/start@wijkbot_test_bot ref42")
    message = update["message"]
    assert message["from"] == {
        "id": 1001,
        "is_bot": False,
        "first_name": "Ann",
        "language_code": "tr",
    }
    assert message["chat"] == {"id": 1001, "first_name": "Ann", "type": "private"}
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 23}]
    plain = await ann.send("gewoon tekst")
    assert "entities" not in plain["message"]
    assert plain["message"]["message_id"] == message["message_id"] + 1
    assert emu.pending_updates == [update, plain]


async def test_media_updates(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    photo = (await ann.send_photo(caption="kapotte lamp"))["message"]
    assert photo["caption"] == "kapotte lamp"
    assert photo["photo"][-1]["width"] == 640 and photo["photo"][-1]["height"] == 480
    sticker = (await ann.send_sticker("🎉"))["message"]["sticker"]
    assert sticker["emoji"] == "🎉" and sticker["type"] == "regular"
    voice = (await ann.send_voice(duration=3))["message"]["voice"]
    assert voice["duration"] == 3 and voice["mime_type"] == "audio/ogg"
    location = (await ann.send_location(52.1, 5.1))["message"]["location"]
    assert location == {"latitude": 52.1, "longitude": 5.1}
    document = (await ann.send_document(b"data", "plan.txt"))["message"]["document"]
    assert document["file_name"] == "plan.txt" and document["mime_type"] == "text/plain"
    # The bot can fetch what people send.
    file = (await api("getFile", file_id=photo["photo"][-1]["file_id"]))["result"]
    assert emu.files.by_path(file["file_path"]).content == make_png(640, 480)


async def test_replies_wait_and_settle(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")

    async def bot() -> None:
        await asyncio.sleep(0.05)
        await api("sendMessage", chat_id=1001, text="een")
        await asyncio.sleep(0.02)
        await api("sendMessage", chat_id=1001, text="<b>twee</b>", parse_mode="HTML")

    task = asyncio.create_task(bot())
    replies = await ann.replies(timeout=2)
    await task
    assert [m.text for m in replies] == ["een", "twee"]
    assert replies[1].html == "<b>twee</b>"
    assert replies[1].entities == [{"type": "bold", "offset": 0, "length": 4}]
    assert ann.last is replies[1]
    with pytest.raises(TimeoutError, match="expected a reply"):
        await ann.replies(timeout=0.1)


async def test_replies_with_count(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    for text in ("a", "b", "c"):
        await api("sendMessage", chat_id=1001, text=text)
    assert [m.text for m in await ann.replies(count=2)] == ["a", "b"]
    assert [m.text for m in await ann.replies(count=1)] == ["c"]
    with pytest.raises(TimeoutError, match=r"expected 1 message\(s\), got 0"):
        await ann.replies(count=1, timeout=0.1)


async def test_timeout_explains_failed_calls(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    await api("sendMessage", chat_id=1001, text="<oops>", parse_mode="HTML")
    with pytest.raises(TimeoutError) as info:
        await ann.replies(timeout=0.1)
    assert (
        'sendMessage: 400 Bad Request: can\'t parse entities: Unsupported start tag "oops"'
        in str(info.value)
    )


async def test_edits_and_deletions_show_up(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    sent = await api("sendMessage", chat_id=1001, text="Kies", reply_markup=LANGUAGES)
    message_id = sent["result"]["message_id"]
    [first] = await ann.replies()
    assert first.buttons == [["Nederlands", "Türkçe"], ["Website"]]
    assert first.callback_data == [["lang:nl", "lang:tr"], [None]]
    await api("editMessageText", chat_id=1001, message_id=message_id, text="Gekozen: NL")
    [edited] = await ann.replies()
    assert edited is first and edited.edited and edited.text == "Gekozen: NL"
    assert edited.buttons == [] and edited.history == ["Kies"]
    await api("deleteMessage", chat_id=1001, message_id=message_id)
    [deleted] = await ann.replies()
    assert deleted.deleted
    await ann.assert_no_reply(within=0.1)


async def test_press_newest_matching_message(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    old = await api("sendMessage", chat_id=1001, text="Oud", reply_markup=LANGUAGES)
    new = await api("sendMessage", chat_id=1001, text="Nieuw", reply_markup=LANGUAGES)
    await api("sendMessage", chat_id=1001, text="zonder knoppen")
    update = await ann.press("Nederlands")
    query = update["callback_query"]
    assert query["data"] == "lang:nl"
    assert query["message"]["message_id"] == new["result"]["message_id"]
    assert query["from"]["id"] == 1001 and query["chat_instance"]
    by_data = await ann.press("lang:tr", message_id=old["result"]["message_id"])
    assert by_data["callback_query"]["message"]["text"] == "Oud"
    assert by_data["callback_query"]["id"] != query["id"]


async def test_press_explains_what_is_there(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    with pytest.raises(AssertionError, match="no bot message has inline buttons"):
        await ann.press("Nederlands")
    await api("sendMessage", chat_id=1001, text="Kies", reply_markup=LANGUAGES)
    with pytest.raises(AssertionError, match=r"'Nederlands', 'Türkçe'"):
        await ann.press("English")
    with pytest.raises(AssertionError, match="sends no callback"):
        await ann.press("Website")
    with pytest.raises(AssertionError, match="no message 99"):
        await ann.press("Nederlands", message_id=99)


async def test_tap_reply_keyboard(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    with pytest.raises(AssertionError, match="no reply keyboard"):
        await ann.tap("Menu")
    markup = {"keyboard": [["Menu", "Help"], [{"text": "Deel nummer", "request_contact": True}]]}
    await api("sendMessage", chat_id=1001, text="Kies", reply_markup=markup)
    assert ann.reply_keyboard == [["Menu", "Help"], ["Deel nummer"]]
    assert (await ann.tap("Menu"))["message"]["text"] == "Menu"
    contact = (await ann.tap("Deel nummer"))["message"]["contact"]
    assert contact["user_id"] == 1001
    with pytest.raises(AssertionError, match=r"\[\['Menu', 'Help'\], \['Deel nummer'\]\]"):
        await ann.tap("Stop")


async def test_force_reply_makes_the_answer_a_reply(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    prompt = await api(
        "sendMessage", chat_id=1001, text="Je naam?", reply_markup={"force_reply": True}
    )
    answer = await ann.send("Ann de Vries")
    replied = answer["message"]["reply_to_message"]
    assert replied["message_id"] == prompt["result"]["message_id"]
    assert "reply_to_message" not in (await ann.send("los"))["message"]


async def test_groups(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    bo = emu.user(1002, "Bo")
    group = emu.group(-100300, "Buurtgroep", admins=(bo,))
    update = await ann.send("/agenda", chat=group)
    assert update["message"]["chat"] == {"id": -100300, "type": "group", "title": "Buurtgroep"}
    await api("sendMessage", chat_id=-100300, text="Vergadering dinsdag")
    [reply] = await group.replies()
    assert reply.text == "Vergadering dinsdag"
    assert ann.messages == []  # nothing in Ann's private chat
    member = (await api("getChatMember", chat_id=-100300, user_id=1001))["result"]
    admin = (await api("getChatMember", chat_id=-100300, user_id=1002))["result"]
    assert (member["status"], admin["status"]) == ("member", "administrator")


async def test_blocked_person_cannot_act(emu: BotAPIEmulator) -> None:
    ann = emu.user(1001, "Ann")
    emu.block(1001, notify=False)
    with pytest.raises(RuntimeError, match="blocked the bot"):
        await ann.send("hoi")
    assert emu.pending_updates == []
