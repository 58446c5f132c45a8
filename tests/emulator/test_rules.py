"""Telegram's validation rules, checked over raw HTTP with Telegram's exact wording."""

from __future__ import annotations

import asyncio
import html

import pytest

from bot.emulator import BotAPIEmulator, Limits, make_png
from tests.emulator import RawApi, error

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
TEXT_BUTTONS = (
    "Bad Request: can't parse inline keyboard button: "
    "Text buttons are unallowed in the inline keyboard"
)


@pytest.fixture
async def emu():
    async with BotAPIEmulator() as emu:
        emu.user(1001, "Ann")
        yield emu


@pytest.fixture
async def api(emu: BotAPIEmulator):
    client = RawApi(emu)
    yield client
    await client.close()


def keyboard(*buttons: dict) -> dict:
    return {"inline_keyboard": [list(buttons)]}


# -- HTML ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("abc<foo>", 'Unsupported start tag "foo" at byte offset 3'),
        ("<b>vet", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("Prijs < 5 euro", 'Unsupported start tag "" at byte offset 6'),
        ("Jan & Piet", 'Character "&" must be escaped as "&amp;" at byte offset 4'),
    ],
)
async def test_html_refused(api: RawApi, text: str, description: str) -> None:
    body = await api("sendMessage", chat_id=1001, text=text, parse_mode="HTML")
    assert error(body) == (400, f"Bad Request: can't parse entities: {description}")


async def test_html_accepted_with_entities(emu: BotAPIEmulator, api: RawApi) -> None:
    user_text = "<script> & co"
    source = f'<b>Ann</b> zegt: <i>{html.escape(user_text)}</i> <a href="https://wijk.nl">link</a>'
    body = await api("sendMessage", chat_id=1001, text=source, parse_mode="HTML")
    assert body["result"]["text"] == "Ann zegt: <script> & co link"
    assert body["result"]["entities"] == [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "italic", "offset": 10, "length": 13},
        {"type": "text_link", "offset": 24, "length": 4, "url": "https://wijk.nl"},
    ]
    last = emu.user(1001).last
    assert last.html == source and last.parse_mode == "HTML"


async def test_without_parse_mode_tags_are_plain_text(api: RawApi) -> None:
    body = await api("sendMessage", chat_id=1001, text="<b>x</b> & y")
    assert body["result"]["text"] == "<b>x</b> & y"
    assert "entities" not in body["result"]


async def test_unknown_parse_mode(api: RawApi) -> None:
    body = await api("sendMessage", chat_id=1001, text="x", parse_mode="BBCode")
    assert error(body) == (400, "Bad Request: unsupported parse_mode")


# -- lengths ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("a" * 4096, True),
        ("a" * 4097, False),
        ("😀" * 2048, True),  # 4096 UTF-16 code units
        ("😀" * 2048 + "a", False),
        ("é" * 4096, True),  # 8192 UTF-8 bytes but 4096 UTF-16 units
        ("مرحبا" * 819 + "a", True),  # RTL text: 4096 units
        ("<b>" + "a" * 4096 + "</b>", True),  # measured after entity parsing
        ("&lt;" * 4096, True),
        ("&lt;" * 4097, False),
    ],
)
async def test_text_length_limits(api: RawApi, text: str, ok: bool) -> None:
    body = await api("sendMessage", chat_id=1001, text=text, parse_mode="HTML")
    if ok:
        assert body["ok"], body
    else:
        assert error(body) == (400, "Bad Request: message is too long")


@pytest.mark.parametrize("text", ["", "   \n ", "<b></b>", "<b> </b>"])
async def test_empty_text(api: RawApi, text: str) -> None:
    body = await api("sendMessage", chat_id=1001, text=text, parse_mode="HTML")
    assert error(body) == (400, "Bad Request: message text is empty")


async def test_text_is_trimmed_like_telegram(api: RawApi) -> None:
    body = await api("sendMessage", chat_id=1001, text="\n  <b>hoi</b>  \n", parse_mode="HTML")
    assert body["result"]["text"] == "hoi"
    assert body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 3}]


@pytest.mark.parametrize(
    ("caption", "ok"),
    [("c" * 1024, True), ("c" * 1025, False), ("😀" * 512, True), ("😀" * 512 + "c", False)],
)
async def test_caption_length(api: RawApi, caption: str, ok: bool) -> None:
    body = await api.form(
        "sendPhoto", chat_id=1001, caption=caption, files={"photo": ("p.png", make_png())}
    )
    if ok:
        assert body["ok"], body
    else:
        assert error(body) == (400, "Bad Request: message caption is too long")


# -- keyboards ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "ok"),
    [
        ("x" * 64, True),
        ("x" * 65, False),
        ("é" * 32, True),  # 64 bytes in UTF-8
        ("é" * 32 + "x", False),  # 33 characters but 65 bytes
        ("€" * 21 + "x", True),  # 3-byte characters: 64 bytes
        ("👍" * 16, True),  # 4-byte characters: 64 bytes
        ("👍" * 16 + "x", False),
    ],
)
async def test_callback_data_is_limited_to_64_bytes(api: RawApi, data: str, ok: bool) -> None:
    markup = keyboard({"text": "Kies", "callback_data": data})
    body = await api("sendMessage", chat_id=1001, text="?", reply_markup=markup)
    if ok:
        assert body["result"]["reply_markup"] == markup
    else:
        assert error(body) == (400, "Bad Request: BUTTON_DATA_INVALID")


@pytest.mark.parametrize(
    "button",
    [
        {"text": "Alleen tekst"},
        {"text": "Leeg", "callback_data": ""},
        {"text": "", "callback_data": "x"},
    ],
)
async def test_inline_buttons_need_an_action_and_text(api: RawApi, button: dict) -> None:
    body = await api("sendMessage", chat_id=1001, text="?", reply_markup=keyboard(button))
    assert error(body) == (400, TEXT_BUTTONS)


async def test_inline_button_with_two_actions(api: RawApi) -> None:
    button = {"text": "x", "callback_data": "a", "url": "https://wijk.nl"}
    body = await api("sendMessage", chat_id=1001, text="?", reply_markup=keyboard(button))
    code, description = error(body)
    assert code == 400 and "exactly one of the optional fields" in description


async def test_reply_keyboard_is_remembered_and_removed(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001)
    markup = {
        "keyboard": [["Menu", {"text": "Deel nummer", "request_contact": True}]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
        "is_persistent": False,
        "input_field_placeholder": "Kies...",
    }
    body = await api("sendMessage", chat_id=1001, text="Kies", reply_markup=markup)
    assert "reply_markup" not in body["result"]  # Telegram only echoes inline keyboards
    assert ann.reply_keyboard == [["Menu", "Deel nummer"]]
    assert ann.last.reply_keyboard == [["Menu", "Deel nummer"]]
    await api("sendMessage", chat_id=1001, text="Weg", reply_markup={"remove_keyboard": True})
    assert ann.reply_keyboard is None
    await api("sendMessage", chat_id=1001, text="Naam?", reply_markup={"force_reply": True})
    assert (await api("sendMessage", chat_id=1001, text="x", reply_markup={"foo": 1}))[
        "ok"
    ] is False


# -- editing and deleting -----------------------------------------------------------------
async def test_edit_rules(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001)
    markup = keyboard({"text": "A", "callback_data": "a"})
    sent = await api(
        "sendMessage", chat_id=1001, text="<b>Vraag</b>", parse_mode="HTML", reply_markup=markup
    )
    message_id = sent["result"]["message_id"]

    same = await api(
        "editMessageText",
        chat_id=1001,
        message_id=message_id,
        text="<b>Vraag</b>",
        parse_mode="HTML",
        reply_markup=markup,
    )
    assert error(same) == (400, NOT_MODIFIED)

    # Same text without reply_markup is a change: it removes the keyboard, as on Telegram.
    edited = await api(
        "editMessageText",
        chat_id=1001,
        message_id=message_id,
        text="<b>Vraag</b>",
        parse_mode="HTML",
    )
    assert "reply_markup" not in edited["result"]
    assert edited["result"]["edit_date"] >= sent["result"]["date"]
    assert ann.last.buttons == [] and ann.last.edited

    restored = await api.form(
        "editMessageReplyMarkup", chat_id=1001, message_id=message_id, reply_markup=markup
    )
    assert restored["result"]["reply_markup"] == markup
    again = await api.form(
        "editMessageReplyMarkup", chat_id=1001, message_id=message_id, reply_markup=markup
    )
    assert error(again) == (400, NOT_MODIFIED)

    changed = await api(
        "editMessageText", chat_id=1001, message_id=message_id, text="Antwoord", reply_markup=markup
    )
    assert changed["result"]["text"] == "Antwoord"
    assert ann.last.text == "Antwoord" and ann.last.history == ["Vraag", "Vraag"]

    missing = await api("editMessageText", chat_id=1001, message_id=999, text="x")
    assert error(missing) == (400, "Bad Request: message to edit not found")
    no_id = await api("editMessageText", chat_id=1001, text="x")
    assert error(no_id) == (400, "Bad Request: message identifier is not specified")
    caption = await api("editMessageCaption", chat_id=1001, message_id=message_id, caption="c")
    assert error(caption) == (400, "Bad Request: there is no caption in the message to edit")
    reply_kb = await api(
        "editMessageReplyMarkup",
        chat_id=1001,
        message_id=message_id,
        reply_markup={"keyboard": [["x"]]},
    )
    assert error(reply_kb) == (400, "Bad Request: inline keyboard expected")


async def test_edit_caption(emu: BotAPIEmulator, api: RawApi) -> None:
    sent = await api.form(
        "sendPhoto", chat_id=1001, caption="oud", files={"photo": ("p.png", make_png())}
    )
    message_id = sent["result"]["message_id"]
    edited = await api(
        "editMessageCaption",
        chat_id=1001,
        message_id=message_id,
        caption="<b>nieuw</b>",
        parse_mode="HTML",
    )
    assert edited["result"]["caption"] == "nieuw"
    assert emu.user(1001).last.caption == "nieuw"
    text_edit = await api("editMessageText", chat_id=1001, message_id=message_id, text="x")
    assert error(text_edit) == (400, "Bad Request: there is no text in the message to edit")


async def test_delete_rules(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001)
    sent = await api("sendMessage", chat_id=1001, text="weg ermee")
    message_id = sent["result"]["message_id"]
    assert (await api("deleteMessage", chat_id=1001, message_id=message_id))["result"] is True
    assert ann.messages[-1].deleted and ann.last is None
    again = await api("deleteMessage", chat_id=1001, message_id=message_id)
    assert error(again) == (400, "Bad Request: message to delete not found")
    edit = await api("editMessageText", chat_id=1001, message_id=message_id, text="x")
    assert error(edit) == (400, "Bad Request: message to edit not found")
    # The bot may delete what the person sent in a private chat.
    incoming = await ann.send("oeps")
    own_id = incoming["message"]["message_id"]
    assert (await api.form("deleteMessage", chat_id="1001", message_id=str(own_id)))["ok"]


async def test_reply_to_unknown_message(api: RawApi) -> None:
    body = await api("sendMessage", chat_id=1001, text="x", reply_parameters={"message_id": 77})
    assert error(body) == (400, "Bad Request: message to be replied not found")
    lenient = {"message_id": 77, "allow_sending_without_reply": True}
    assert (await api("sendMessage", chat_id=1001, text="x", reply_parameters=lenient))["ok"]


# -- callback queries ---------------------------------------------------------------------
async def test_answer_callback_query_rules(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001)
    await api(
        "sendMessage",
        chat_id=1001,
        text="?",
        reply_markup=keyboard({"text": "Ja", "callback_data": "yes"}),
    )
    first = (await ann.press("Ja"))["callback_query"]["id"]
    second = (await ann.press("yes"))["callback_query"]["id"]

    too_long = await api("answerCallbackQuery", callback_query_id=first, text="x" * 201)
    assert error(too_long) == (400, "Bad Request: MESSAGE_TOO_LONG")
    ok = await api("answerCallbackQuery", callback_query_id=first, text="x" * 200, show_alert=True)
    assert ok["result"] is True
    assert error(await api("answerCallbackQuery", callback_query_id=first)) == (400, TOO_OLD)
    assert error(await api("answerCallbackQuery", callback_query_id="12345")) == (400, TOO_OLD)

    # 15 (emulated) seconds later the query can no longer be answered.
    emu.limits = Limits(time_scale=1000)
    await asyncio.sleep(0.02)
    assert error(await api("answerCallbackQuery", callback_query_id=second)) == (400, TOO_OLD)
    assert [(a.text, a.show_alert) for a in ann.callback_answers] == [("x" * 200, True)]


# -- people who can't be reached ----------------------------------------------------------
async def test_blocked_deactivated_and_never_started(emu: BotAPIEmulator, api: RawApi) -> None:
    emu.user(1002, "Bo")
    emu.user(1003, "Cas")
    emu.user(1004, "Dirk", started=False)
    emu.block(1002)
    emu.deactivate(1003)
    assert error(await api("sendMessage", chat_id=1002, text="x")) == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    assert error(await api("sendChatAction", chat_id=1002, action="typing"))[0] == 403
    assert error(await api("sendMessage", chat_id=1003, text="x")) == (
        403,
        "Forbidden: user is deactivated",
    )
    assert error(await api("sendMessage", chat_id=1004, text="x")) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )
    [update] = emu.pending_updates
    member = update["my_chat_member"]
    assert member["chat"]["id"] == 1002
    assert (member["old_chat_member"]["status"], member["new_chat_member"]["status"]) == (
        "member",
        "kicked",
    )

    emu.unblock(1002)
    assert (await api("sendMessage", chat_id=1002, text="welkom terug"))["ok"]
    assert emu.pending_updates[-1]["my_chat_member"]["new_chat_member"]["status"] == "member"
    await emu.user(1004).send("/start")
    assert (await api("sendMessage", chat_id=1004, text="hoi"))["ok"]
