"""Wire format: routes, encodings, response objects, files, commands."""

from __future__ import annotations

import re

import aiohttp
import pytest

from bot.emulator import BotAPIEmulator, make_png
from tests.emulator import RawApi, error, standalone


@pytest.fixture
async def emu():
    async with BotAPIEmulator() as emu:
        yield emu


@pytest.fixture
async def api(emu: BotAPIEmulator):
    client = RawApi(emu)
    yield client
    await client.close()


async def test_url_and_get_me(emu: BotAPIEmulator, api: RawApi) -> None:
    assert emu.url.startswith("http://127.0.0.1:")
    body = await api.get("getMe")
    assert body["result"]["id"] == 123456
    assert body["result"]["is_bot"] is True
    assert body["result"]["username"] == "wijkbot_test_bot"


async def test_wrong_token_is_unauthorized(api: RawApi) -> None:
    body = await api.get("getMe", token="123456:WRONG")
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_unknown_method_is_not_found(emu: BotAPIEmulator, api: RawApi) -> None:
    body = await api("sendTelepathy", chat_id=1)
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert emu.calls[-1].error_code == 404


async def test_method_names_are_case_insensitive(emu: BotAPIEmulator, api: RawApi) -> None:
    emu.user(1001, "Ann")
    assert (await api.get("GETME"))["ok"]
    body = await api("SendMessage", chat_id=1001, text="hi")
    assert body["result"]["text"] == "hi"
    assert emu.calls[-1].method == "sendMessage"


async def test_query_string_parameters(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    body = await api.get("sendMessage", chat_id="1001", text="via query")
    assert body["ok"]
    assert ann.last is not None and ann.last.text == "via query"


async def test_form_values_are_decoded_like_telegram(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    markup = {"inline_keyboard": [[{"text": "Ja", "callback_data": "yes"}]]}
    body = await api.form(
        "sendMessage", chat_id="1001", text="123", reply_markup=markup, disable_notification=True
    )
    message = body["result"]
    assert message["text"] == "123"  # String parameters stay strings
    assert message["chat"]["id"] == 1001
    assert message["reply_markup"] == markup
    call = emu.calls_for("sendMessage")[-1]
    assert call.params["chat_id"] == 1001
    assert call.params["reply_markup"] == markup
    assert call.params["disable_notification"] is True
    assert ann.last.buttons == [["Ja"]]


async def test_message_object_shape(emu: BotAPIEmulator, api: RawApi) -> None:
    emu.user(1001, "Ann", username="ann_w")
    body = await api("sendMessage", chat_id=1001, text="<b>Hoi</b> Ann", parse_mode="HTML")
    message = body["result"]
    assert message["message_id"] >= 1
    assert isinstance(message["date"], int)
    assert message["chat"] == {
        "id": 1001,
        "first_name": "Ann",
        "username": "ann_w",
        "type": "private",
    }
    assert message["from"] == {
        "id": 123456,
        "is_bot": True,
        "first_name": "Wijkbot Test",
        "username": "wijkbot_test_bot",
    }
    assert message["text"] == "Hoi Ann"
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 3}]


async def test_multipart_photo_with_attach_reference(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    png = make_png(1000, 500)
    body = await api.form(
        "sendPhoto",
        chat_id=1001,
        photo="attach://upload1",
        caption="<i>Buurtfeest</i>",
        parse_mode="HTML",
        files={"upload1": ("feest.png", png)},
    )
    sizes = body["result"]["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [
        (90, 45),
        (320, 160),
        (800, 400),
        (1000, 500),
    ]
    assert all(s["file_id"] and s["file_unique_id"] for s in sizes)
    assert body["result"]["caption"] == "Buurtfeest"
    assert body["result"]["caption_entities"] == [{"type": "italic", "offset": 0, "length": 10}]
    assert ann.last.photo == png
    assert ann.last.caption == "Buurtfeest"
    assert ann.last.html == "<i>Buurtfeest</i>"


async def test_multipart_document_as_named_part(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    body = await api.form(
        "sendDocument", chat_id=1001, files={"document": ("notulen.pdf", b"%PDF-1.4 x")}
    )
    document = body["result"]["document"]
    assert document["file_name"] == "notulen.pdf"
    assert document["mime_type"] == "application/pdf"
    assert document["file_size"] == 10
    assert ann.last.document == b"%PDF-1.4 x"
    # Sending again by file_id reuses the stored file.
    again = await api("sendDocument", chat_id=1001, document=document["file_id"])
    assert again["result"]["document"]["file_unique_id"] == document["file_unique_id"]


async def test_photo_must_be_an_image(emu: BotAPIEmulator, api: RawApi) -> None:
    emu.user(1001, "Ann")
    body = await api.form("sendPhoto", chat_id=1001, files={"photo": ("x.png", b"not an image")})
    assert error(body) == (400, "Bad Request: IMAGE_PROCESS_FAILED")
    body = await api("sendPhoto", chat_id=1001, photo="no-such-file-id")
    assert error(body) == (400, "Bad Request: wrong file identifier/HTTP URL specified")
    body = await api("sendPhoto", chat_id=1001)
    assert error(body) == (400, "Bad Request: there is no photo in the request")


async def test_media_group_with_attachments(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    media = [
        {"type": "photo", "media": "attach://a", "caption": "een"},
        {"type": "photo", "media": "attach://b"},
    ]
    body = await api.form(
        "sendMediaGroup",
        chat_id=1001,
        media=media,
        files={"a": ("a.png", make_png(2, 2)), "b": ("b.png", make_png(3, 3))},
    )
    messages = body["result"]
    assert len(messages) == 2
    assert messages[0]["media_group_id"] == messages[1]["media_group_id"]
    assert messages[0]["caption"] == "een"
    assert [m.kind for m in ann.messages] == ["photo", "photo"]


async def test_get_file_and_download(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    update = await ann.send_document(b"col1,col2\n", "lijst.csv")
    file_id = update["message"]["document"]["file_id"]
    body = await api("getFile", file_id=file_id)
    file_path = body["result"]["file_path"]
    assert file_path.endswith(".csv")
    assert body["result"]["file_size"] == 10
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emu.url}/file/bot{emu.token}/{file_path}") as response:
            assert response.status == 200
            assert await response.read() == b"col1,col2\n"
        async with session.get(f"{emu.url}/file/bot{emu.token}/documents/none.txt") as response:
            assert response.status == 404
        async with session.get(f"{emu.url}/file/bot1:WRONG/{file_path}") as response:
            assert response.status == 401
    assert error(await api("getFile", file_id="nope")) == (400, "Bad Request: invalid file_id")


async def test_commands_are_stored_per_scope_and_language(emu: BotAPIEmulator, api: RawApi) -> None:
    emu.user(1001, "Ann")
    nl = [{"command": "start", "description": "Begin"}]
    tr = [{"command": "start", "description": "Başla"}]
    admin = [{"command": "stats", "description": "Cijfers"}]
    assert (await api.form("setMyCommands", commands=nl))["result"] is True
    assert (await api("setMyCommands", commands=tr, language_code="tr"))["ok"]
    scope = {"type": "chat", "chat_id": 1001}
    assert (await api.form("setMyCommands", commands=admin, scope=scope))["ok"]

    assert (await api("getMyCommands"))["result"] == nl
    assert (await api("getMyCommands", language_code="tr"))["result"] == tr
    assert (await api.form("getMyCommands", scope=scope))["result"] == admin
    assert emu.commands() == nl
    assert emu.commands(language_code="tr") == tr
    assert emu.commands({"type": "chat", "chat_id": 1001}) == admin
    assert emu.commands("all_private_chats") == []

    assert (await api("deleteMyCommands", language_code="tr"))["ok"]
    assert emu.commands(language_code="tr") == []
    bad = [{"command": "Start!", "description": "x"}]
    assert error(await api("setMyCommands", commands=bad)) == (
        400,
        "Bad Request: BOT_COMMAND_INVALID",
    )


async def test_descriptions_and_lifecycle_methods(emu: BotAPIEmulator, api: RawApi) -> None:
    assert (await api("setMyDescription", description="Buurtbot", language_code="nl"))["ok"]
    assert (await api("setMyShortDescription", short_description="Hallo"))["ok"]
    assert emu.description("nl") == "Buurtbot"
    assert emu.short_description() == "Hallo"
    assert (await api("getMyDescription", language_code="nl"))["result"] == {
        "description": "Buurtbot"
    }
    assert (await api("logOut"))["result"] is True
    assert (await api("close"))["result"] is True


async def test_get_chat_and_chat_not_found(emu: BotAPIEmulator, api: RawApi) -> None:
    emu.user(1001, "Ann", language_code="tr")
    emu.group(-100200, "Buurtgroep Noord")
    private = (await api("getChat", chat_id=1001))["result"]
    assert private["type"] == "private" and private["first_name"] == "Ann"
    group = (await api("getChat", chat_id=-100200))["result"]
    assert group["type"] == "group" and group["title"] == "Buurtgroep Noord"
    assert error(await api("getChat", chat_id=4242)) == (400, "Bad Request: chat not found")
    body = await api("sendMessage", chat_id=4242, text="x")
    assert error(body) == (400, "Bad Request: chat not found")
    assert error(await api("sendMessage", text="x")) == (400, "Bad Request: chat_id is empty")


async def test_chat_actions(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    assert (await api("sendChatAction", chat_id=1001, action="typing"))["result"] is True
    body = await api("sendChatAction", chat_id=1001, action="dancing")
    assert error(body) == (400, "Bad Request: wrong parameter action in request")
    assert ann.actions == ["typing"]


async def test_invalid_json_body(emu: BotAPIEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        url = f"{emu.url}/bot{emu.token}/sendMessage"
        headers = {"Content-Type": "application/json"}
        async with session.post(url, data=b"{oops", headers=headers) as response:
            assert response.status == 400
            assert (await response.json())["description"] == "Bad Request: can't parse JSON object"


async def test_stub_answers_unimplemented_methods(emu: BotAPIEmulator, api: RawApi) -> None:
    emu.stub("pinChatMessage", True)
    emu.stub("getChatMemberCount", lambda params: 3 if params.get("chat_id") == -1 else 0)
    assert (await api("pinChatMessage", chat_id=1, message_id=2))["result"] is True
    assert (await api.form("getChatMemberCount", chat_id=-1))["result"] == 3
    assert emu.calls_for("pinChatMessage")[0].ok


async def test_invoke_without_http(emu: BotAPIEmulator) -> None:
    ann = emu.user(1001, "Ann")
    body = await emu.invoke(
        "sendMessage", {"chat_id": 1001, "text": "<i>direct</i>", "parse_mode": "HTML"}
    )
    assert body["ok"] and body["result"]["text"] == "direct"
    assert emu.calls[-1].source == "direct"
    assert (await emu.invoke("sendMessage", {"chat_id": 1001}))["description"] == (
        "Bad Request: message text is empty"
    )
    assert [m.text for m in ann.messages] == ["direct"]


async def test_command_line_entry_point() -> None:
    async with standalone("bot.emulator", "--port", "0", "--user", "1001:Ann") as line:
        url = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert url is not None, line
        async with aiohttp.ClientSession() as session:
            api = f"{url[0]}/bot123456:TEST-TOKEN"
            async with session.post(
                f"{api}/sendMessage", data={"chat_id": "1001", "text": "hoi"}
            ) as response:
                body = await response.json()
        assert body["result"]["chat"]["first_name"] == "Ann"
