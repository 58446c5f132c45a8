"""The sandbox's JSON API over HTTP, with the real bot behind it (no browser needed)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.domain.models import Identity, Person, Role, RoleGrant
from bot.emulator import make_png
from bot.emulator.wire import UploadedFile
from bot.i18n import LANGUAGE_NAMES, translator
from bot.jobs.sweeps import SWEEPS
from bot.sandbox import Sandbox
from bot.sandbox.demo import PLANTING, WELCOME
from bot.sandbox.web import STATIC, make_app
from tests.sandbox.conftest import START

JAN = 1002
SANNE = 2001  # the coordinator
PIOTR = 1004


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    async with Sandbox(tmp_path, start=START) as running:
        yield running


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(make_app(sandbox), host="127.0.0.1")) as test_client:
        yield test_client


async def post(client: TestClient, path: str, body: Any, status: int = 200) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status == status, await response.text()
    return await response.json()


async def until(
    client: TestClient, path: str, ready: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """GET `path` as the page would, until `ready` holds (or fail after 10 s)."""
    for _ in range(200):
        body = await (await client.get(path)).json()
        if ready(body):
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"{path} never got there: {body}")


async def chat_until(
    client: TestClient, user_id: int, ready: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    return await until(client, f"/api/chats/{user_id}", ready)


def bot_texts(chat: dict[str, Any]) -> list[str]:
    return [m["text"] for m in chat["messages"] if m["from"] == "bot" and not m["deleted"]]


async def press(client: TestClient, user_id: int, label: str) -> None:
    """Press the newest button whose label is `label`, as the page does."""
    chat = await chat_until(
        client,
        user_id,
        lambda c: any(b["text"] == label for m in c["messages"] for r in m["buttons"] for b in r),
    )
    for message in reversed(chat["messages"]):
        for button in (b for row in message["buttons"] for b in row):
            if button["text"] == label:
                body = {"message_id": message["id"], "data": button["data"]}
                await post(client, f"/api/chats/{user_id}/press", body)
                return


async def onboard(client: TestClient, user_id: int, locale: str) -> dict[str, Any]:
    t = translator(locale)
    await post(client, f"/api/chats/{user_id}/send", {"text": "/start"})
    await press(client, user_id, LANGUAGE_NAMES[locale])
    await press(client, user_id, "Taagdreef")
    await press(client, user_id, "✅ " + t._("I agree"))
    return await chat_until(
        client, user_id, lambda c: any("Taagdreef" in text for text in bot_texts(c)[-1:])
    )


async def person(sandbox: Sandbox, user_id: int) -> Person:
    async with sandbox.app.sessions() as session:
        found = await session.scalar(
            select(Person).join(Identity).where(Identity.external_id == str(user_id))
        )
    assert found is not None, f"no person for Telegram user {user_id}"
    return found


async def test_the_page_is_served_from_this_machine_only(client: TestClient) -> None:
    page = await client.get("/")
    assert page.status == 200
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    html = await page.text()
    assert '<script type="module" src="/static/app.js">' in html
    for name in ("app.js", "render.js", "style.css"):
        response = await client.get(f"/static/{name}")
        assert response.status == 200, name
    for path in STATIC.iterdir():  # no CDN, no web font: the machine may have no internet
        assert not re.search(r"https?://", path.read_text(encoding="utf-8")), path.name


async def test_the_cast_speaks_six_languages_and_holds_roles(client: TestClient) -> None:
    people = (await (await client.get("/api/people")).json())["people"]
    residents = {p["name"]: p["language"] for p in people if p["role"] == "resident"}
    assert residents == {
        "Ayşe": "tr",
        "Jan": "nl",
        "Layla": "ar",
        "Piotr": "pl",
        "Emma": "en",
        "Elif": "tr",
        "Oksana": "uk",
    }
    assert {p["role"] for p in people} == {"resident", "coordinator", "partner"}
    assert all(p["count"] == 0 for p in people)


async def test_a_resident_onboards_by_pressing_buttons(
    client: TestClient, sandbox: Sandbox
) -> None:
    chat = await onboard(client, JAN, "nl")
    assert chat["messages"][0] == {**chat["messages"][0], "from": "person", "text": "/start"}
    assert chat["messages"][0]["entities"][0]["type"] == "bot_command"
    edited = [m for m in chat["messages"] if m["from"] == "bot" and m["edited"]]
    assert edited, "onboarding edits its question in place, and the page is told so"
    assert all(re.fullmatch(r"\d\d:\d\d", m["time"]) for m in chat["messages"])
    jan = await person(sandbox, JAN)
    assert (jan.locale, jan.consent_at is not None) == ("nl", True)


async def test_coordinator_and_partner_open_their_invite_once(
    client: TestClient, sandbox: Sandbox
) -> None:
    for user_id in (2001, 2002):
        assert (await post(client, f"/api/chats/{user_id}/open", {}))["invite_opened"] is True
        assert (await post(client, f"/api/chats/{user_id}/open", {}))["invite_opened"] is False
        chat = await chat_until(client, user_id, lambda c: bool(bot_texts(c)))
        assert chat["messages"][0]["text"].startswith("/start i")
    assert (await post(client, f"/api/chats/{JAN}/open", {}))["invite_opened"] is False
    for user_id, role in ((2001, Role.COORDINATOR), (2002, Role.PARTNER)):
        found = await person(sandbox, user_id)
        async with sandbox.app.sessions() as session:
            roles = await session.scalars(
                select(RoleGrant.role).where(RoleGrant.person_id == found.id)
            )
            assert list(roles) == [role]


async def test_people_added_in_the_page_can_talk_to_the_bot(client: TestClient) -> None:
    added = await post(client, "/api/people", {"name": " Noor\u0007 ", "language": "ar"}, 201)
    assert (added["name"], added["language"], added["role"]) == ("Noor", "ar", "resident")
    await post(client, f"/api/chats/{added['id']}/send", {"text": "/start"})
    chat = await chat_until(client, added["id"], lambda c: bool(bot_texts(c)))
    assert translator("ar")._("Which language do you want to use?") in bot_texts(chat)[0]

    refused = [
        {"name": "", "language": "nl"},
        {"name": "x" * 65, "language": "nl"},
        {"name": "Noor", "language": "fr"},
    ]
    for body in refused:
        assert "error" in await post(client, "/api/people", body, 400)


async def test_what_a_person_typed_comes_back_as_data(client: TestClient) -> None:
    typed = "<b>vet</b> &amp; <script>alert(1)</script>"
    await post(client, f"/api/chats/{JAN}/send", {"text": typed})
    chat = await chat_until(client, JAN, lambda c: bool(c["messages"]))
    assert (chat["messages"][0]["text"], chat["messages"][0]["entities"]) == (typed, [])
    assert "error" in await post(client, f"/api/chats/{JAN}/send", {"text": "  "}, 400)
    assert "error" in await post(client, f"/api/chats/{JAN}/send", {"text": "x" * 4097}, 400)
    missing = await client.post("/api/chats/4242/send", json={"text": "hoi"})
    assert missing.status == 404


async def test_photos_are_kept_and_served(client: TestClient) -> None:
    picture = make_png(4, 3)
    response = await client.post(f"/api/chats/{JAN}/photo?caption=Ons%20plein", data=picture)
    assert response.status == 200, await response.text()
    chat = await chat_until(client, JAN, lambda c: bool(c["messages"]))
    sent = chat["messages"][0]
    assert (sent["kind"], sent["text"], sent["media"]["kind"]) == ("photo", "Ons plein", "photo")
    served = await client.get(sent["media"]["url"])
    assert (served.content_type, await served.read()) == ("image/png", picture)
    refused = await client.post(f"/api/chats/{JAN}/photo", data=b"not a picture")
    assert refused.status == 400
    assert (await client.get("/files/photos/nothing.jpg")).status == 404


async def test_a_jump_runs_the_sweeps_and_the_sender_delivers(
    client: TestClient, sandbox: Sandbox
) -> None:
    await onboard(client, JAN, "nl")
    jumped = await post(client, "/api/clock", {"jump": "hour"})
    assert jumped["local"] == "Mon 02 Mar 2026 11:00"
    assert jumped["enqueued"]["scheduled_broadcasts"] == 1  # Jan is the only one onboarded
    chat = await chat_until(client, JAN, lambda c: WELCOME["nl"] in bot_texts(c)[-1])
    assert chat["messages"][-1]["time"] == "11:00"

    inspector = await until(
        client, "/api/inspector", lambda i: i["deliveries"][0]["status"] != "sending"
    )
    [row] = inspector["deliveries"]
    assert (row["kind"], row["recipient"], row["status"]) == ("broadcast", "Jan", "sent")
    assert row["next_attempt"] is None and row["sent"].startswith("Mon 11:00")
    sends = [c for c in inspector["calls"] if c["method"] == "sendMessage"]
    assert sends[0]["params"]["chat_id"] == JAN and sends[0]["ok"]
    assert sends[0]["result"].startswith("message #")
    assert inspector["polls"] > 0
    assert all(c["method"] != "getUpdates" for c in inspector["calls"])


async def test_the_demo_activity_asks_still_coming_and_offers_the_place(
    client: TestClient,
) -> None:
    """Jan takes the one place of the planting day, Piotr waits; an hour on, Jan is asked
    "still coming?" and says no, and the place is offered to Piotr."""
    nl, pl = translator("nl"), translator("pl")
    for user_id, locale in ((JAN, "nl"), (PIOTR, "pl")):
        t = translator(locale)
        await onboard(client, user_id, locale)
        await press(client, user_id, "📅 " + t._("Activities"))
        await press(client, user_id, "🙋 " + t._("Join: {title}", title=PLANTING["title"]))
    jumped = await post(client, "/api/clock", {"jump": "hour"})
    assert jumped["enqueued"]["action_reminders"] == 1  # Jan holds the place, Piotr waits
    await press(client, JAN, "❌ " + nl._("No, I cannot come"))
    await chat_until(
        client,
        JAN,
        lambda c: any(
            nl._("Thank you for letting us know. Your place is now free for someone else.") in text
            for text in bot_texts(c)
        ),
    )
    offered = pl._("A place is free for {title}. Do you want it?", title=PLANTING["title"])
    await chat_until(client, PIOTR, lambda c: any(offered in text for text in bot_texts(c)))
    await press(client, PIOTR, "✅ " + pl._("Yes, I want it"))
    await chat_until(
        client,
        PIOTR,
        lambda c: any("🙌" in text and PLANTING["title"] in text for text in bot_texts(c)),
    )


async def test_the_clock_jumps_forward_to_the_weekly_digest(client: TestClient) -> None:
    clock = await (await client.get("/api/clock")).json()
    assert (clock["local"], clock["zone"]) == ("Mon 02 Mar 2026 10:00", "Europe/Amsterdam")
    assert [j["name"] for j in clock["jumps"]] == ["hour", "day", "monday", "month"]
    assert (await post(client, "/api/clock", {"jump": "day"}))["local"].startswith("Tue 03 Mar")
    monday = await post(client, "/api/clock", {"jump": "monday"})
    assert monday["local"] == "Mon 09 Mar 2026 09:00"
    assert set(monday["enqueued"]) == set(SWEEPS)  # every sweep ran at once
    assert "error" in await post(client, "/api/clock", {"jump": "back"}, 400)


async def test_on_the_first_of_the_month_the_coordinator_gets_the_state_of_the_network(
    client: TestClient,
) -> None:
    nl = translator("nl")
    await post(client, f"/api/chats/{SANNE}/open", {})  # her invite link
    await press(client, SANNE, LANGUAGE_NAMES["nl"])
    await press(client, SANNE, "Taagdreef")
    await press(client, SANNE, "✅ " + nl._("I agree"))
    await chat_until(client, SANNE, lambda c: any("Taagdreef" in t for t in bot_texts(c)[-1:]))
    month = await post(client, "/api/clock", {"jump": "month"})
    assert month["local"] == "Wed 01 Apr 2026 09:00"
    assert month["enqueued"]["network_report"] == 1
    title = nl._(
        "{neighbourhood} in {month}: the state of the network",
        neighbourhood="Overvecht",
        month="maart 2026",
    )
    chat = await chat_until(
        client,
        SANNE,
        lambda c: c["messages"][-1]["kind"] == "photo" and title in c["messages"][-1]["text"],
    )
    assert nl.n_("{n} resident active", "{n} residents active", 1) in chat["messages"][-1]["text"]


async def test_other_sites_and_hosts_are_refused(client: TestClient) -> None:
    foreign = await client.post(
        f"/api/chats/{JAN}/send", json={"text": "hoi"}, headers={"Origin": "http://evil.test"}
    )
    assert foreign.status == 403
    rebound = await client.get("/api/people", headers={"Host": "evil.test"})
    assert rebound.status == 403
    own = f"http://{client.server.host}:{client.server.port}"
    mine = await client.post(
        f"/api/chats/{JAN}/send", json={"text": "hoi"}, headers={"Origin": own}
    )
    assert mine.status == 200


async def test_changes_are_announced_as_server_sent_events(client: TestClient) -> None:
    response = await client.get("/api/events")
    assert response.headers["Content-Type"] == "text/event-stream"
    assert await response.content.readuntil(b"\n\n") == b"data: change\n\n"
    await post(client, f"/api/chats/{JAN}/send", {"text": "/start"})
    announced = await asyncio.wait_for(response.content.readuntil(b"\n\n"), 3)
    assert announced == b"data: change\n\n"
    response.close()


async def test_edited_and_deleted_messages_are_marked(client: TestClient, sandbox: Sandbox) -> None:
    await post(client, f"/api/chats/{JAN}/send", {"text": "/start"})
    chat = await chat_until(client, JAN, lambda c: bool(bot_texts(c)))
    question = chat["messages"][-1]
    await sandbox.emulator.invoke(
        "editMessageText", {"chat_id": JAN, "message_id": question["id"], "text": "Nieuw"}
    )
    edited = (await chat_until(client, JAN, lambda c: c["messages"][-1]["edited"]))["messages"]
    assert (edited[-1]["text"], edited[-1]["buttons"]) == ("Nieuw", [])
    await sandbox.emulator.invoke("deleteMessage", {"chat_id": JAN, "message_id": question["id"]})
    chat = await chat_until(client, JAN, lambda c: c["messages"][-1]["deleted"])
    assert bot_texts(chat) == []  # the page still shows it, struck through


async def test_a_picture_from_the_bot_is_shown_with_its_caption(
    client: TestClient, sandbox: Sandbox
) -> None:
    card = make_png(8, 6)
    await post(client, f"/api/chats/{JAN}/send", {"text": "/start"})  # the bot may write now
    await sandbox.emulator.invoke(
        "sendPhoto",
        {
            "chat_id": JAN,
            "photo": UploadedFile("card.png", card, "image/png"),
            "caption": "<b>Wins</b> of the week",
            "parse_mode": "HTML",
        },
        source="http",
    )
    chat = await chat_until(client, JAN, lambda c: c["messages"][-1]["kind"] == "photo")
    sent = chat["messages"][-1]
    assert (sent["text"], sent["entities"]) == (
        "Wins of the week",
        [{"type": "bold", "offset": 0, "length": 4}],
    )
    assert await (await client.get(sent["media"]["url"])).read() == card
    inspector = await (await client.get("/api/inspector")).json()
    [call] = [c for c in inspector["calls"] if c["method"] == "sendPhoto"]
    assert call["params"]["photo"] == f"UploadedFile('card.png', {len(card)} bytes)"
    assert call["result"] == f"message #{sent['id']}"


async def test_my_buurt_shows_the_example_neighbourhoods_goals(client: TestClient) -> None:
    t = translator("nl")
    await onboard(client, JAN, "nl")
    await press(client, JAN, "🏠 " + t._("My buurt"))
    chat = await chat_until(client, JAN, lambda c: t._("Our goals") in bot_texts(c)[-1])
    home = bot_texts(chat)[-1]
    assert "Plekken waar buren elkaar elke week ontmoeten" in home
    assert "▓▓▓░░░░░░░ 37% · 3 van 8 · 2026-2027" in home
    assert "Bewoners doen mee aan gezondheidsactiviteiten" in home


async def test_the_results_page_of_the_example_is_one_link_away(client: TestClient) -> None:
    page = await (await client.get("/")).text()
    assert 'href="/results/overvecht/nl/index.html"' in page
    dutch = await client.get("/results/overvecht/nl/index.html")
    assert dutch.status == 200
    text = await dutch.text()
    assert "Resultaten in Overvecht" in text
    assert "Bewoners doen mee aan gezondheidsactiviteiten" in text  # a goal of the example
    assert "style=" not in text  # nothing the page's Content-Security-Policy would block
    arabic = await (await client.get("/results/overvecht/ar/index.html")).text()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert (await client.get("/results/style.css")).content_type == "text/css"
