"""Simulated people: pressing buttons, list rows and quick replies, sending media and
locations, reading with `replies()`."""

from __future__ import annotations

import pytest

from bot.emulator.whatsapp import CloudAPIEmulator
from bot.emulator.whatsapp.errors import GraphError
from tests.emulator.whatsapp import Graph, HookServer, wamid

ANN = "31612345678"


@pytest.fixture
async def ann(emu: CloudAPIEmulator):
    ann = emu.user(ANN, "Ann")
    await ann.send("hallo")
    return ann


def buttons(*pairs: tuple[str, str], body: str = "Kies") -> dict:
    return {
        "type": "button",
        "body": {"text": body},
        "action": {
            "buttons": [{"type": "reply", "reply": {"id": i, "title": t}} for i, t in pairs]
        },
    }


def listing() -> dict:
    return {
        "type": "list",
        "header": {"type": "text", "text": "Buurt"},
        "body": {"text": "Waar wil je helpen?"},
        "footer": {"text": "1/1"},
        "action": {
            "button": "Kies",
            "sections": [
                {"title": "Groen", "rows": [{"id": "p:1", "title": "Tuin", "description": "Za"}]},
                {"title": "Zorg", "rows": [{"id": "p:2", "title": "Boodschappen"}]},
            ],
        },
    }


async def test_user_is_one_per_wa_id(emu: CloudAPIEmulator):
    assert emu.user(ANN, "Ann") is emu.user(ANN, "Other")
    with pytest.raises(ValueError):
        emu.user("+31612345678", "Plus")


async def test_press_reply_button(emu: CloudAPIEmulator, graph: Graph, ann):
    old = wamid(await graph.send(ANN, "interactive", buttons(("old", "Ja"))))
    new = wamid(await graph.send(ANN, "interactive", buttons(("yes", "Ja"), ("no", "Nee"))))
    [_, shown] = await ann.replies()
    assert (shown.buttons, shown.button_ids, shown.text) == (["Ja", "Nee"], ["yes", "no"], "Kies")
    pressed = await ann.press("Ja")  # the newest message with that title
    assert pressed["type"] == "interactive"
    assert pressed["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "yes", "title": "Ja"},
    }
    assert pressed["context"] == {"from": emu.display_phone_number, "id": new}
    assert new != old


async def test_press_list_row(emu: CloudAPIEmulator, graph: Graph, ann):
    wamid(await graph.send(ANN, "interactive", listing()))
    [shown] = await ann.replies()
    assert shown.list_button == "Kies" and shown.sections == ["Groen", "Zorg"]
    assert (shown.header, shown.footer) == ("Buurt", "1/1")
    assert [(r.title, r.description, r.section) for r in shown.rows] == [
        ("Tuin", "Za", "Groen"),
        ("Boodschappen", None, "Zorg"),
    ]
    pressed = await ann.press("Tuin")
    assert pressed["interactive"] == {
        "type": "list_reply",
        "list_reply": {"id": "p:1", "title": "Tuin", "description": "Za"},
    }
    pressed = await ann.press("Boodschappen")
    assert pressed["interactive"]["list_reply"] == {"id": "p:2", "title": "Boodschappen"}


async def test_press_template_quick_reply(emu: CloudAPIEmulator, graph: Graph, ann):
    template = {
        "name": "reopen",
        "language": {"code": "nl"},
        "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "Ann"}]},
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "0",
                "parameters": [{"type": "payload", "payload": "menu"}],
            },
        ],
    }
    sent = wamid(await graph.send(ANN, "template", template))
    [shown] = await ann.replies()
    assert shown.template is not None and shown.template.quick_replies == ["menu"]
    pressed = await ann.press("menu")
    assert pressed["type"] == "button"
    assert pressed["button"] == {"payload": "menu", "text": "menu"}
    assert pressed["context"]["id"] == sent


async def test_press_without_such_button_explains(emu: CloudAPIEmulator, graph: Graph, ann):
    with pytest.raises(AssertionError, match="nothing to press"):
        await ann.press("Ja")
    wamid(await graph.send(ANN, "interactive", buttons(("yes", "Ja"))))
    with pytest.raises(AssertionError, match="'Ja'"):
        await ann.press("Nee")


async def test_send_image_can_be_downloaded_by_the_bot(emu: CloudAPIEmulator, graph: Graph):
    ann = emu.user(ANN, "Ann")
    sent = await ann.send_image(b"\xff\xd8jpeg bytes", caption="Kapotte lamp")
    assert sent["type"] == "image"
    image = sent["image"]
    assert (image["caption"], image["mime_type"]) == ("Kapotte lamp", "image/jpeg")
    async with graph.session.get(f"{emu.api_url}/{image['id']}", headers=graph.headers) as r:
        info = await r.json()
    assert info["sha256"] == image["sha256"]
    assert await graph.get(info["url"]) == (200, b"\xff\xd8jpeg bytes")
    generated = await ann.send_image()
    assert generated["image"]["mime_type"] == "image/png" and "caption" not in generated["image"]


async def test_location_and_sticker(emu: CloudAPIEmulator):
    ann = emu.user(ANN, "Ann")
    located = await ann.send_location(52.09, 5.12)
    assert located["type"] == "location"
    assert located["location"] == {"latitude": 52.09, "longitude": 5.12}
    sticker = await ann.send_sticker()
    assert sticker["type"] == "sticker" and sticker["sticker"]["mime_type"] == "image/webp"
    assert emu.window_open(ANN)


async def test_replies_with_count_and_timeout(emu: CloudAPIEmulator, graph: Graph, ann):
    for text in ("a", "b", "c"):
        wamid(await graph.text(ANN, text))
    first = await ann.replies(count=2)
    assert [m.text for m in first] == ["a", "b"]
    assert [m.text for m in await ann.replies()] == ["c"]
    assert [m.status for m in emu.received(ANN)] == ["read"] * 3
    with pytest.raises(TimeoutError):
        await ann.replies(timeout=0.1)


async def test_timeout_names_the_failed_sends(emu: CloudAPIEmulator, graph: Graph):
    bob = emu.user("31600000001", "Bob")  # never wrote: the window is closed
    wamid(await graph.text(bob.wa_id, "hoi"))
    with pytest.raises(TimeoutError, match="131047"):
        await bob.replies(timeout=0.1)


async def test_a_blocking_person_does_not_write(emu: CloudAPIEmulator, ann):
    ann.block()
    with pytest.raises(RuntimeError):
        await ann.send("x")


async def test_hook_gets_button_reply(emu: CloudAPIEmulator, graph: Graph, ann, hook: HookServer):
    wamid(await graph.send(ANN, "interactive", buttons(("yes", "Ja"))))
    await ann.replies()
    await ann.press("Ja")
    await emu.wait_webhooks()
    assert [m["type"] for m in hook.messages] == ["text", "interactive"]
    assert hook.messages[-1]["interactive"]["button_reply"]["id"] == "yes"


def test_graph_error_status_entry():
    error = GraphError.of(131047, "more than 24 hours")
    assert error.to_status_error() == {
        "code": 131047,
        "title": "Re-engagement message",
        "message": "Re-engagement message",
        "error_data": {"details": "more than 24 hours"},
    }
