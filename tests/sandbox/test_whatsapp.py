"""WhatsApp people in the sandbox, through the page's JSON API: the real WhatsApp runtime
behind the Cloud API emulator, on the sandbox's clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.domain.models import Delivery, Identity, Person
from bot.emulator import make_png
from bot.i18n import LANGUAGE_NAMES, translator
from bot.sandbox import Sandbox
from bot.sandbox.demo import WELCOME
from bot.sandbox.web import make_app
from bot.sandbox.whatsapp_views import formatted
from tests.sandbox.conftest import START
from tests.sandbox.test_api import bot_texts, chat_until, post, until

ELIF = 1006  # a Turkish-speaking resident on WhatsApp
JAN = 1002  # on Telegram


@pytest.fixture
async def sandbox(tmp_path: Any) -> AsyncIterator[Sandbox]:
    async with Sandbox(tmp_path, start=START) as running:
        yield running


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(make_app(sandbox), host="127.0.0.1")) as test_client:
        yield test_client


def choices(message: dict[str, Any]) -> dict[str, str]:
    """What a message offers to tap: title -> data (reply buttons, list rows, quick replies)."""
    offered = {b["text"]: b["data"] for row in message["buttons"] for b in row if "data" in b}
    for section in (message.get("list") or {}).get("sections", []):
        offered |= {row["title"]: row["data"] for row in section["rows"]}
    return offered


async def tap(client: TestClient, user_id: int, title: str) -> dict[str, Any]:
    """Tap the newest button, list row or quick reply titled `title`, as the page does;
    returns the message it was on."""
    chat = await chat_until(
        client, user_id, lambda c: any(title in choices(m) for m in c["messages"])
    )
    message = next(m for m in reversed(chat["messages"]) if title in choices(m))
    body = {"message_id": message["id"], "data": choices(message)[title]}
    await post(client, f"/api/chats/{user_id}/press", body)
    return message


async def onboard(client: TestClient, user_id: int, locale: str) -> dict[str, Any]:
    t = translator(locale)
    await post(client, f"/api/chats/{user_id}/start", {})
    language = await tap(client, user_id, LANGUAGE_NAMES[locale])
    assert language["kind"] == "list"  # six languages: more than three reply buttons hold
    await tap(client, user_id, "Taagdreef")
    consent = await tap(client, user_id, "✅ " + t._("I agree"))
    assert consent["kind"] == "buttons"
    return await chat_until(
        client, user_id, lambda c: any("Taagdreef" in text for text in bot_texts(c)[-1:])
    )


async def resident(sandbox: Sandbox, wa_id: str) -> Person | None:
    async with sandbox.app.sessions() as session:
        return await session.scalar(
            select(Person)
            .join(Identity, Identity.person_id == Person.id)
            .where(Identity.messenger == "whatsapp", Identity.external_id == wa_id)
        )


async def test_the_cast_has_whatsapp_residents_and_the_page_adds_more(client: TestClient) -> None:
    people = (await (await client.get("/api/people")).json())["people"]
    apps = {p["name"]: p["app"] for p in people}
    assert apps["Elif"] == apps["Oksana"] == "whatsapp"
    assert apps["Jan"] == apps["Sanne"] == "telegram"

    added = await post(
        client, "/api/people", {"name": "Henk", "language": "nl", "app": "whatsapp"}, 201
    )
    assert (added["name"], added["app"], added["count"]) == ("Henk", "whatsapp", 0)
    await post(client, f"/api/chats/{added['id']}/start", {})
    chat = await chat_until(client, added["id"], lambda c: bool(bot_texts(c)))
    assert chat["messages"][0] == {**chat["messages"][0], "from": "person", "text": "Hallo"}
    assert translator("nl")._("Which language do you want to use?") in bot_texts(chat)[0]
    telegram = await post(client, "/api/people", {"name": "Kees", "language": "nl"}, 201)
    assert telegram["app"] == "telegram"  # the default
    refused = await post(client, "/api/people", {"name": "X", "language": "nl", "app": "sms"}, 400)
    assert "app must be one of telegram, whatsapp" in refused["error"]


async def test_a_whatsapp_resident_onboards_with_a_list_and_reply_buttons(
    client: TestClient, sandbox: Sandbox
) -> None:
    elif_ = sandbox.characters[ELIF]
    chat = await onboard(client, ELIF, "tr")
    assert chat["app"] == "whatsapp" and "Elif" in bot_texts(chat)[-1]
    mine = [m for m in chat["messages"] if m["from"] == "person"]
    assert [m["text"] for m in mine] == [
        "Merhaba",
        LANGUAGE_NAMES["tr"],
        "Taagdreef",
        "✅ " + translator("tr")._("I agree"),
    ]  # what the app shows for a tap: its title
    assert not any(m["edited"] for m in chat["messages"])  # WhatsApp cannot edit
    assert chat["reply_keyboard"] == [] and chat["notice"] is None
    found = await resident(sandbox, elif_.wa_id)
    assert found is not None and (found.locale, found.onboarded) == ("tr", True)

    inspector = await (await client.get("/api/inspector")).json()
    graph = [c for c in inspector["calls"] if c["api"] == "graph"]
    assert graph and all(c["ok"] for c in graph)
    sent = [c for c in graph if c["method"] == "messages"]
    assert {c["params"]["to"] for c in sent} == {elif_.wa_id}
    assert {"interactive", "text"} >= {c["params"]["type"] for c in sent}
    assert "messaging_product" not in sent[0]["params"]  # the same in every call: left out
    assert sent[0]["result"].startswith("wamid …")


async def test_a_press_names_its_message_and_a_choice_it_has(client: TestClient) -> None:
    await post(client, f"/api/chats/{ELIF}/start", {})
    chat = await chat_until(client, ELIF, lambda c: bool(bot_texts(c)))
    question = chat["messages"][-1]
    wrong = {"message_id": question["id"], "data": "o:1:lang:xx"}
    assert "no such button" in (await post(client, f"/api/chats/{ELIF}/press", wrong, 400))["error"]
    gone = {"message_id": "wamid.nothing", "data": "o:1:lang:tr"}
    assert (await client.post(f"/api/chats/{ELIF}/press", json=gone)).status == 404
    telegram_id = {"message_id": 1, "data": choices(question)[LANGUAGE_NAMES["tr"]]}
    assert "error" in await post(client, f"/api/chats/{ELIF}/press", telegram_id, 400)
    assert "error" in await post(client, f"/api/chats/{ELIF}/tap", {"text": "Menu"}, 404)


async def test_two_days_later_a_broadcast_comes_as_a_template_with_its_quick_reply(
    client: TestClient, sandbox: Sandbox
) -> None:
    tr = translator("tr")
    await onboard(client, ELIF, "tr")
    assert sandbox.cloud_api.window_open(sandbox.characters[ELIF].wa_id)
    for _ in range(2):
        await post(client, "/api/clock", {"jump": "day"})
    assert not sandbox.cloud_api.window_open(sandbox.characters[ELIF].wa_id)

    chat = await chat_until(client, ELIF, lambda c: c["messages"][-1]["kind"] == "template")
    template = chat["messages"][-1]
    assert template["template"] == {"name": "wijkbot_broadcast", "language": "tr"}
    assert WELCOME["tr"] in template["text"] and "Elif" in template["text"]
    assert "{" not in template["text"]  # the body's parameters are filled in
    assert list(choices(template)) == [tr._("Open")]

    opened = await tap(client, ELIF, tr._("Open"))
    assert opened["id"] == template["id"]
    chat = await chat_until(client, ELIF, lambda c: c["messages"][-1]["from"] == "bot")
    assert chat["messages"][-2]["text"] == tr._("Open")  # the quick reply, as shown
    assert chat["messages"][-1]["kind"] != "template"  # the window is open again
    assert sandbox.cloud_api.window_open(sandbox.characters[ELIF].wa_id)

    inspector = await until(
        client, "/api/inspector", lambda i: any(d["receipt"] for d in i["deliveries"])
    )
    [row] = [d for d in inspector["deliveries"] if d["recipient"] == "Elif"]
    assert (row["kind"], row["status"], row["receipt"]) == ("broadcast", "sent", "delivered")
    assert (await post(client, f"/api/chats/{ELIF}/read", {}))["read"] > 0  # the page showed it
    assert (await post(client, f"/api/chats/{ELIF}/read", {}))["read"] == 0
    read = await until(client, "/api/inspector", lambda i: i["deliveries"][0]["receipt"] == "read")
    assert read["deliveries"][0]["recipient"] == "Elif"
    sent = [c for c in inspector["calls"] if c["params"].get("type") == "template"]
    assert len(sent) == 1 and sent[0]["ok"]
    async with sandbox.app.sessions() as session:
        kinds = await session.scalars(select(Delivery.kind))
        assert list(kinds) == ["broadcast"]


async def test_photos_and_stickers_from_whatsapp_are_shown(client: TestClient) -> None:
    picture = make_png(5, 4)
    response = await client.post(f"/api/chats/{ELIF}/photo?caption=Park", data=picture)
    assert response.status == 200, await response.text()
    await post(client, f"/api/chats/{ELIF}/sticker", {})
    chat = await chat_until(
        client, ELIF, lambda c: len([m for m in c["messages"] if m["from"] == "person"]) == 2
    )
    photo, sticker = [m for m in chat["messages"] if m["from"] == "person"]
    assert (photo["kind"], photo["text"], photo["media"]["kind"]) == ("image", "Park", "photo")
    served = await client.get(photo["media"]["url"])
    assert (served.content_type, await served.read()) == ("image/png", picture)
    assert sticker["kind"] == "sticker"
    assert (await client.get(sticker["media"]["url"])).content_type == "image/webp"
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    refused = await client.post(f"/api/chats/{ELIF}/photo", data=gif)
    assert refused.status == 400
    assert (await client.get("/files/whatsapp/123")).status == 404
    # Telegram people have the sticker button too.
    await post(client, f"/api/chats/{JAN}/sticker", {})
    jan = await chat_until(client, JAN, lambda c: bool(c["messages"]))
    assert (jan["messages"][0]["kind"], jan["messages"][0]["media"]) == ("sticker", None)


def test_whatsapps_marks_become_entities() -> None:
    plain, entities = formatted("*Plantdag* op _zaterdag_, ```code *x*``` a_b: https://x.nl/k")
    assert plain == "Plantdag op zaterdag, code *x* a_b: https://x.nl/k"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 8},
        {"type": "italic", "offset": 12, "length": 8},
        {"type": "code", "offset": 22, "length": 8},
        {"type": "text_link", "offset": 36, "length": 14, "url": "https://x.nl/k"},
    ]
    typed = "a\u2060*\u2060b c\u2060*\u2060d"  # typed stars, kept inside their words by joiners
    assert formatted(typed) == (typed, [])
    assert formatted("*😀 vet*") == ("😀 vet", [{"type": "bold", "offset": 0, "length": 6}])


async def test_a_picture_and_a_link_from_the_bot_show_as_whatsapp_shows_them(
    client: TestClient, sandbox: Sandbox
) -> None:
    wa_id = sandbox.characters[ELIF].wa_id
    await post(client, f"/api/chats/{ELIF}/send", {"text": "Merhaba"})  # opens her window
    await chat_until(client, ELIF, lambda c: bool(bot_texts(c)))
    card = make_png(8, 6)
    media = sandbox.cloud_api.media.add(card, "image/png")
    emu = sandbox.cloud_api
    base = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": wa_id}
    emu.send({**base, "type": "image", "image": {"id": media.id, "caption": "*Wins* van de week"}})
    link = {
        "type": "cta_url",
        "body": {"text": "De kaart"},
        "footer": {"text": "Overvecht"},
        "action": {
            "name": "cta_url",
            "parameters": {"display_text": "Open", "url": "https://example.org/kaart"},
        },
    }
    emu.send({**base, "type": "interactive", "interactive": link})
    chat = await chat_until(client, ELIF, lambda c: c["messages"][-1]["kind"] == "link")
    picture, shown = chat["messages"][-2:]
    assert (picture["kind"], picture["text"]) == ("image", "Wins van de week")
    assert picture["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    assert await (await client.get(picture["media"]["url"])).read() == card
    assert (shown["text"], shown["footer"], shown["list"]) == ("De kaart", "Overvecht", None)
    assert shown["buttons"] == [[{"text": "Open", "url": "https://example.org/kaart"}]]
