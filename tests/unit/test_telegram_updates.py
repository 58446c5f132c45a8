"""Reading Telegram's update JSON, shared by both runtimes; and the command menus."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot import logs
from bot.chat.events import Event, Kind
from bot.config import SUPPORTED_LOCALES
from bot.flows import registry
from bot.handlers.telegram import (
    ChatMembership,
    MembershipChange,
    Turn,
    command_menus,
    essentials,
    read_update,
)
from bot.i18n import translator

ANN = {"id": 1001, "is_bot": False, "first_name": "Ann", "language_code": "tr", "username": "ann"}
PRIVATE = {"id": 1001, "type": "private", "first_name": "Ann"}
GROUP = {"id": -500, "type": "group", "title": "Buurt"}


def message(chat: dict[str, Any] = PRIVATE, **content: Any) -> dict[str, Any]:
    sent = {"message_id": 3, "date": 0, "chat": chat, "from": ANN, **content}
    return {"update_id": 7, "message": sent}


def test_a_private_text_is_a_turn_with_the_person_as_telegram_describes_them() -> None:
    turn = read_update(message(text="/start abc"))
    assert isinstance(turn, Turn)
    assert turn.event == Event(Kind.COMMAND, text="/start abc", command="start", args="abc")
    assert turn.chat_id == 1001 and turn.callback_id is None and turn.message_id is None
    contact = turn.contact
    assert (contact.messenger, contact.external_id, contact.chat_id) == ("telegram", "1001", 1001)
    assert (contact.first_name, contact.language_code) == ("Ann", "tr")
    assert contact.username is None  # Wijkbot has no use for it, so it is not kept


@pytest.mark.parametrize(
    "content, event",
    [
        ({"text": ""}, Event(Kind.TEXT, text="")),
        (
            {"photo": [{"file_id": "small"}, {"file_id": "large"}], "caption": "lamp"},
            Event(Kind.PHOTO, photo="large", text="lamp"),
        ),
        (
            {"location": {"latitude": 52.1, "longitude": 5.1}},
            Event(Kind.LOCATION, location=(52.1, 5.1)),
        ),
        (
            {"venue": {"title": "Plein"}, "location": {"latitude": 1.0, "longitude": 2.0}},
            Event(Kind.LOCATION, location=(1.0, 2.0)),
        ),
        ({"sticker": {"file_id": "s"}}, Event(Kind.OTHER, other="sticker")),
        (
            {"animation": {"file_id": "a"}, "document": {"file_id": "a"}, "caption": "x"},
            Event(Kind.OTHER, other="animation", text="x"),
        ),
        ({"new_thing": {}}, Event(Kind.OTHER, other="unknown")),
    ],
)
def test_what_a_message_carries_becomes_the_event(content: dict[str, Any], event: Event) -> None:
    turn = read_update(message(**content))
    assert isinstance(turn, Turn) and turn.event == event
    kept = essentials(message(**content))
    assert kept is not None and read_update(kept) == turn  # what is stored reads the same


def test_only_what_is_read_is_kept_of_an_update() -> None:
    person = {**ANN, "last_name": "Yılmaz", "is_premium": True}
    shared = message(
        chat={**PRIVATE, "last_name": "Yılmaz", "username": "ann"},
        **{"from": person},
        contact={"phone_number": "+31612345678", "first_name": "Ann", "user_id": 1001},
        forward_origin={"type": "user", "sender_user": {"id": 9, "first_name": "Bo"}},
    )
    kept = essentials(shared)
    assert kept == {
        "update_id": 7,
        "message": {
            "message_id": 3,
            "chat": {"id": 1001, "type": "private"},
            "from": {"id": 1001, "first_name": "Ann", "language_code": "tr"},
            "contact": {},
        },
    }
    assert read_update(kept) == read_update(shared)
    press = {
        "id": "q1",
        "from": person,
        "message": {"message_id": 12, "date": 0, "chat": PRIVATE, "text": "Dear Ann Yılmaz"},
        "chat_instance": "c",
        "data": "o:2:area:1",
    }
    kept_press = essentials({"update_id": 8, "callback_query": press})
    assert kept_press is not None
    assert "Yılmaz" not in str(kept_press) and "ann" not in str(kept_press)
    assert read_update(kept_press) == read_update({"update_id": 8, "callback_query": press})


def test_a_pressed_button_is_a_turn_to_answer_and_maybe_edit() -> None:
    query = {
        "id": "q1",
        "from": ANN,
        "message": {"message_id": 12, "date": 0, "chat": PRIVATE},
        "chat_instance": "c",
        "data": "o:2:area:1",
    }
    turn = read_update({"update_id": 8, "callback_query": query})
    assert isinstance(turn, Turn)
    assert turn.event == Event.button("o:2:area:1")
    assert (turn.chat_id, turn.callback_id, turn.message_id) == (1001, "q1", 12)
    without_data = read_update({"update_id": 9, "callback_query": {**query, "data": None}})
    assert isinstance(without_data, Turn) and without_data.event == Event.button("")


@pytest.mark.parametrize(
    "status, reachable", [("kicked", False), ("left", False), ("member", True)]
)
def test_blocking_and_unblocking_change_membership(status: str, reachable: bool) -> None:
    change = {
        "chat": PRIVATE,
        "from": ANN,
        "date": 0,
        "old_chat_member": {"status": "member"},
        "new_chat_member": {"status": status},
    }
    assert read_update({"update_id": 10, "my_chat_member": change}) == MembershipChange(
        "1001", reachable
    )


@pytest.mark.parametrize(
    "update",
    [
        message(chat=GROUP, text="hallo"),  # a group is not a conversation
        {"update_id": 11, "message": {"message_id": 1, "date": 0, "chat": PRIVATE, "text": "x"}},
        {"update_id": 12, "callback_query": {"id": "q", "from": ANN, "inline_message_id": "i"}},
        {
            "update_id": 13,
            "callback_query": {
                "id": "q",
                "from": ANN,
                "data": "m:home",
                "message": {"message_id": 4, "chat": GROUP},
            },
        },
        {"update_id": 14, "edited_message": {"chat": PRIVATE, "from": ANN, "text": "y"}},
        {"update_id": 15, "channel_post": {"message_id": 1, "chat": GROUP, "text": "z"}},
    ],
    ids=["group", "no sender", "inline button", "button in a group", "edited", "channel post"],
)
def test_updates_wijkbot_does_not_act_on(update: dict[str, Any]) -> None:
    assert read_update(update) is None
    assert essentials(update) is None  # stored without any payload


@pytest.mark.parametrize(
    "status, inside",
    [("administrator", True), ("member", True), ("left", False), ("kicked", False)],
)
def test_the_bot_added_to_or_removed_from_a_group(status: str, inside: bool) -> None:
    change = {
        "chat": {**GROUP, "username": "buurt_taagdreef"},
        "from": ANN,
        "date": 0,
        "old_chat_member": {"status": "left", "user": {"id": 1}},
        "new_chat_member": {"status": status, "user": {"id": 1}, "can_post_messages": True},
    }
    update = {"update_id": 16, "my_chat_member": change}
    expected = ChatMembership(-500, "group", "Buurt", "1001", inside)
    assert read_update(update) == expected
    kept = essentials(update)
    assert kept == {  # the chat's id, kind and name, who did it, and the bot's new status
        "update_id": 16,
        "my_chat_member": {
            "chat": GROUP,
            "from": {"id": 1001},
            "new_chat_member": {"status": status},
        },
    }
    assert kept is not None and read_update(kept) == expected


def test_a_command_menu_per_language_and_a_default() -> None:
    menus = dict(command_menus(registry.build(), "pl"))
    assert list(menus) == [*SUPPORTED_LOCALES, None]
    english = dict(menus["en"])
    assert english["language"] == "Change your language"
    assert dict(menus[None])["language"] == translator("pl")._("Change your language")
    assert all([name for name, _ in menu] == list(english) for menu in menus.values())


def test_logs_redact_a_token_also_inside_a_bot_api_url() -> None:
    token = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
    record = logging.LogRecord(
        "httpx", logging.WARNING, __file__, 1, f"POST https://x/bot{token}/getMe; {token}", (), None
    )
    line = logs._RedactingFormatter().format(record)
    assert token not in line and "TEST-TOKEN" not in line
    assert line.endswith("POST https://x/bot<token>/getMe; <token>")
