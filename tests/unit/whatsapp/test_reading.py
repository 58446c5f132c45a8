"""Reading WhatsApp's webhooks: a turn per message, statuses, and only what reading needs kept."""

from __future__ import annotations

import json

from bot.chat.events import Event, Kind
from bot.domain.people import Contact
from bot.handlers.whatsapp.reading import (
    MESSENGER,
    Status,
    chat_key,
    essentials,
    message_key,
    read_update,
    statuses,
    updates,
)
from tests.unit.whatsapp.payloads import AYSE, body, message, status, text


def read(*messages: dict, **kwargs: object) -> list:
    return [
        read_update(kept)
        for kept in (essentials(item) for item in updates(body(*messages, **kwargs)))
        if kept
    ]  # type: ignore[arg-type]


def test_a_text_is_a_turn_of_the_person_by_wa_id_with_their_first_name() -> None:
    [turn] = read(text("merhaba"))
    assert turn.contact == Contact(
        messenger=MESSENGER, external_id=AYSE, chat_id=int(AYSE), first_name="Ayşe"
    )
    assert turn.event == Event(Kind.TEXT, text="merhaba")
    assert turn.chat_id == 905321234567 and turn.callback_id is None


def test_replies_to_buttons_lists_and_templates_are_button_presses() -> None:
    button = {"type": "button_reply", "button_reply": {"id": "o:lang:tr", "title": "Türkçe"}}
    row = {
        "type": "list_reply",
        "list_reply": {"id": "o:area:7", "title": "Taag", "description": "x"},
    }
    quick = {"payload": "still:42:yes", "text": "Yes"}
    turns = read(
        message("interactive", button, wamid="w1"),
        message("interactive", row, wamid="w2"),
        message("button", quick, wamid="w3"),
    )
    assert [turn.event for turn in turns] == [
        Event.button("o:lang:tr"),
        Event.button("o:area:7"),
        Event.button("still:42:yes"),
    ]


def test_photos_locations_and_anything_else() -> None:
    image = {
        "id": "1479537139650973",
        "mime_type": "image/jpeg",
        "sha256": "x",
        "caption": "Bankje",
    }
    where = {"latitude": 52.1, "longitude": 5.12, "name": "Home", "address": "Street 1"}
    turns = read(
        message("image", image, wamid="w1"),
        message("location", where, wamid="w2"),
        message("sticker", {"id": "9", "mime_type": "image/webp"}, wamid="w3"),
        message("contacts", [{"phones": [{"phone": "+31 6 1"}]}], wamid="w4"),  # type: ignore[arg-type]
    )
    assert turns[0].event == Event(Kind.PHOTO, photo="1479537139650973", text="Bankje")
    assert turns[1].event == Event(Kind.LOCATION, location=(52.1, 5.12))
    assert turns[2].event == Event(Kind.OTHER, other="sticker")
    assert turns[3].event == Event(Kind.OTHER, other="contacts")


def test_typed_keywords_and_slash_commands_are_commands() -> None:
    turns = read(text("Unut", wamid="w1"), text("/start abc", wamid="w2"))
    assert turns[0].event == Event(Kind.COMMAND, text="Unut", command="forget", keyword=True)
    assert turns[1].event == Event(Kind.COMMAND, text="/start abc", command="start", args="abc")


def test_each_message_of_a_body_is_its_own_update_keyed_by_its_id_in_order() -> None:
    others = [
        {"profile": {"name": "Ayşe Yılmaz"}, "wa_id": AYSE},
        {"profile": {"name": "Piotr"}, "wa_id": "48600100200"},
    ]
    items = updates(
        body(
            text("one", wamid="wamid.A"),
            text("cześć", wamid="wamid.B", sender="48600100200"),
            text("two", wamid="wamid.C"),
            contacts=others,
        )
    )
    assert [item["update_id"] for item in items] == [
        message_key("wamid.A"),
        message_key("wamid.B"),
        message_key("wamid.C"),
    ]
    assert [chat_key(item) for item in items] == [f"wa:{AYSE}", "wa:48600100200", f"wa:{AYSE}"]
    assert read_update(essentials(items[1]) or {}).contact.first_name == "Piotr"  # type: ignore[union-attr]


def test_message_keys_are_stable_positive_63_bit_and_distinct() -> None:
    keys = {message_key(f"wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQz{n}") for n in range(2000)}
    assert len(keys) == 2000
    assert all(0 <= key < 2**63 for key in keys)
    assert message_key("wamid.X") == message_key("wamid.X")


def test_essentials_keep_only_the_wa_id_the_first_name_and_what_is_read() -> None:
    shared = message(
        "contacts", [{"name": {"formatted_name": "Mo"}, "phones": [{"phone": "+31 6 5555 1234"}]}]
    )  # type: ignore[arg-type]
    document = message("document", {"id": "77", "filename": "paspoort-Ayşe.pdf"}, wamid="w2")
    reply = message(
        "interactive",
        {"type": "button_reply", "button_reply": {"id": "x", "title": "secret title"}},
        wamid="w3",
    )
    kept = [essentials(item) for item in updates(body(shared, document, reply))]
    stored = json.dumps(kept, ensure_ascii=False)
    for gone in ("Yılmaz", "5555", "Mo", "paspoort", "secret title", "1764630000", "15550001234"):
        assert gone not in stored
    assert kept[0] == {
        "update_id": message_key("wamid.1"),
        "from": AYSE,
        "name": "Ayşe",
        "message": {"type": "contacts"},
    }


def test_reactions_and_system_messages_are_not_kept() -> None:
    reaction = message("reaction", {"message_id": "wamid.ours", "emoji": "👍"})
    system = message("system", {"body": "changed number", "wa_id": "31600000000"}, wamid="w2")
    assert [essentials(item) for item in updates(body(reaction, system))] == [None, None]


def test_statuses_are_read_with_whatsapps_code_and_title() -> None:
    said = statuses(
        body(
            statuses=[
                status("wamid.S1", "delivered"),
                status("wamid.S2", "failed", code=131047, title="Re-engagement message"),
            ]
        )
    )
    assert said == [
        Status("wamid.S1", "delivered", AYSE),
        Status("wamid.S2", "failed", AYSE, 131047, "Re-engagement message"),
    ]
    assert said[1].error == "131047 Re-engagement message" and said[0].error == ""


def test_bodies_of_other_objects_or_fields_are_ignored() -> None:
    other = body(text("hi"))
    other["object"] = "page"
    assert updates(other) == [] and statuses(other) == []
    templates = body(text("hi"))
    templates["entry"][0]["changes"][0]["field"] = "message_template_status_update"
    assert updates(templates) == []
