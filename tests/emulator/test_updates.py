"""Update delivery: getUpdates long polling, offsets, duplicates and webhooks."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from bot.emulator import BotAPIEmulator
from tests.emulator import RawApi, error

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@pytest.fixture
async def emu():
    async with BotAPIEmulator(webhook_retry_delay=0.01, webhook_max_retry_delay=0.05) as emu:
        yield emu


@pytest.fixture
async def api(emu: BotAPIEmulator):
    client = RawApi(emu)
    yield client
    await client.close()


def update_ids(body: dict[str, Any]) -> list[int]:
    return [update["update_id"] for update in body["result"]]


# -- polling ------------------------------------------------------------------------------
async def test_returns_at_once_when_updates_exist(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    first = await ann.send("/start")
    second = await ann.send("hallo")
    assert second["update_id"] > first["update_id"]
    started = time.monotonic()
    body = await api("getUpdates", timeout=5)
    assert time.monotonic() - started < 1
    assert update_ids(body) == [first["update_id"], second["update_id"]]
    message = body["result"][0]["message"]
    assert message["text"] == "/start"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"]["first_name"] == "Ann" and message["chat"]["type"] == "private"


async def test_long_poll_waits_for_the_next_update(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")

    async def send_later() -> None:
        await asyncio.sleep(0.15)
        await ann.send("later")

    task = asyncio.create_task(send_later())
    started = time.monotonic()
    body = await api("getUpdates", timeout=5)
    elapsed = time.monotonic() - started
    await task
    assert 0.1 < elapsed < 2
    assert body["result"][0]["message"]["text"] == "later"


async def test_long_poll_times_out_empty(api: RawApi) -> None:
    started = time.monotonic()
    body = await api.form("getUpdates", timeout=0.2)
    assert body["result"] == []
    assert 0.15 < time.monotonic() - started < 2


async def test_offset_acknowledges_forever(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    ids = [(await ann.send(f"m{i}"))["update_id"] for i in range(3)]
    assert update_ids(await api("getUpdates")) == ids  # unconfirmed: delivered again
    assert update_ids(await api("getUpdates")) == ids
    assert update_ids(await api("getUpdates", offset=ids[1] + 1)) == [ids[2]]
    assert update_ids(await api("getUpdates", offset=0)) == [ids[2]]  # dropped for good
    assert update_ids(await api.form("getUpdates", offset=str(ids[2] + 1))) == []


async def test_limit_and_negative_offset(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    ids = [(await ann.send(f"m{i}"))["update_id"] for i in range(5)]
    assert update_ids(await api("getUpdates", limit=2)) == ids[:2]
    assert update_ids(await api("getUpdates", offset=-2)) == ids[-2:]
    assert update_ids(await api("getUpdates")) == ids[-2:]


async def test_allowed_updates_are_honoured_and_remembered(
    emu: BotAPIEmulator, api: RawApi
) -> None:
    ann = emu.user(1001, "Ann")
    emu.feed_raw({"chat_member": {"chat": {"id": -1, "type": "group"}}})
    await ann.send("hallo")
    body = await api("getUpdates")
    assert [next(iter(set(u) - {"update_id"})) for u in body["result"]] == ["message"]

    emu.feed_raw({"chat_member": {"chat": {"id": -1, "type": "group"}}})
    await ann.send("nog eens")
    body = await api("getUpdates", allowed_updates=["chat_member"])
    assert [next(iter(set(u) - {"update_id"})) for u in body["result"]] == ["chat_member"]
    await ann.send("genegeerd")
    assert (await api("getUpdates"))["result"] == [body["result"][0]]  # setting remembered


async def test_redeliver_sends_an_update_twice(emu: BotAPIEmulator, api: RawApi) -> None:
    ann = emu.user(1001, "Ann")
    update = await ann.send("dubbel")
    assert update_ids(await api("getUpdates")) == [update["update_id"]]
    confirm = update["update_id"] + 1
    assert update_ids(await api("getUpdates", offset=confirm)) == []
    emu.redeliver(update["update_id"])
    body = await api("getUpdates", offset=confirm)
    assert body["result"] == [update]  # same update_id, despite the offset
    assert update_ids(await api("getUpdates", offset=confirm)) == []
    with pytest.raises(LookupError):
        emu.redeliver(999)


async def test_concurrent_get_updates_conflict(api: RawApi) -> None:
    first = asyncio.create_task(api("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(api("getUpdates", timeout=0.1))
    assert error(await first) == (
        409,
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running",
    )
    assert (await second)["result"] == []


async def test_feed_raw_assigns_increasing_ids(emu: BotAPIEmulator, api: RawApi) -> None:
    a = emu.feed_raw({"update_id": 5, "my_chat_member": {"chat": {"id": 1}}})
    b = emu.feed_raw({"poll": {"id": "p"}})
    assert b["update_id"] == a["update_id"] + 1
    assert update_ids(await api("getUpdates")) == [a["update_id"], b["update_id"]]


# -- webhook ------------------------------------------------------------------------------
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def webhook_server() -> AsyncIterator[Callable[[Handler], Awaitable[str]]]:
    runners: list[web.AppRunner] = []

    async def serve(handler: Handler) -> str:
        app = web.Application()
        app.router.add_post("/hook", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}/hook"

    yield serve
    for runner in runners:
        await runner.cleanup()


async def wait_until(predicate: Callable[[], bool], within: float = 3.0) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


async def test_webhook_delivery_with_secret_and_conflict(
    emu: BotAPIEmulator, api: RawApi, webhook_server: Callable[[Handler], Awaitable[str]]
) -> None:
    ann = emu.user(1001, "Ann")
    received: list[tuple[str | None, dict]] = []
    in_flight = 0
    max_in_flight = 0

    async def hook(request: web.Request) -> web.Response:
        nonlocal in_flight, max_in_flight
        in_flight += 1
        max_in_flight = max(max_in_flight, in_flight)
        await asyncio.sleep(0.02)
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        in_flight -= 1
        return web.json_response({})

    url = await webhook_server(hook)
    early = await ann.send("voor de webhook")
    assert (await api("setWebhook", url=url, secret_token="s3cr3t_T0ken"))["result"] is True
    assert error(await api("getUpdates")) == (409, WEBHOOK_CONFLICT)
    later = [await ann.send(f"m{i}") for i in range(3)]
    await wait_until(lambda: len(received) == 4)
    assert [body for _, body in received] == [early, *later]  # in order
    assert {secret for secret, _ in received} == {"s3cr3t_T0ken"}
    assert max_in_flight == 1  # one chat: one at a time, like Telegram
    info = (await api("getWebhookInfo"))["result"]
    assert info["url"] == url and info["pending_update_count"] == 0

    assert (await api("deleteWebhook"))["result"] is True
    assert (await api("getWebhookInfo"))["result"]["url"] == ""
    assert (await api("getUpdates"))["ok"]


async def test_webhook_retries_until_the_bot_answers(
    emu: BotAPIEmulator, api: RawApi, webhook_server: Callable[[Handler], Awaitable[str]]
) -> None:
    ann = emu.user(1001, "Ann")
    attempts: list[int] = []

    async def flaky(request: web.Request) -> web.Response:
        update = await request.json()
        attempts.append(update["update_id"])
        if len(attempts) <= 2:
            return web.Response(status=500)
        return web.json_response({})

    url = await webhook_server(flaky)
    await api("setWebhook", url=url)
    update = await ann.send("probeer maar")
    await wait_until(lambda: len(attempts) >= 2)
    info = (await api("getWebhookInfo"))["result"]
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )
    assert isinstance(info["last_error_date"], int)
    await wait_until(lambda: emu.updates.pending_count == 0)
    assert attempts == [update["update_id"]] * 3


async def test_webhook_delivers_chats_in_parallel_and_each_chat_in_order(
    emu: BotAPIEmulator, api: RawApi, webhook_server: Callable[[Handler], Awaitable[str]]
) -> None:
    """Telegram's Bot API server keeps a queue per chat: a chat whose update is refused
    waits (retried) without holding up the others, and its next update comes only after."""
    ann, bob = emu.user(1001, "Ann"), emu.user(1002, "Bob")
    received: list[tuple[int, str]] = []
    in_flight = max_in_flight = 0
    refusals = 3  # Ann's first update gets 500 three times

    async def hook(request: web.Request) -> web.Response:
        nonlocal in_flight, max_in_flight, refusals
        update = await request.json()
        chat, text = update["message"]["chat"]["id"], update["message"]["text"]
        if chat == ann.id and text == "a1" and refusals:
            refusals -= 1
            return web.Response(status=500)
        in_flight += 1
        max_in_flight = max(max_in_flight, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        received.append((chat, text))
        return web.json_response({})

    await api("setWebhook", url=await webhook_server(hook), max_connections=10)
    for n in (1, 2):
        await ann.send(f"a{n}")
        await bob.send(f"b{n}")
    await wait_until(lambda: len(received) == 4)
    assert received.index((bob.id, "b2")) < received.index((ann.id, "a1"))  # Bob went on
    assert [text for chat, text in received if chat == ann.id] == ["a1", "a2"]
    assert [text for chat, text in received if chat == bob.id] == ["b1", "b2"]
    assert max_in_flight == 2  # both chats at once, never two of one chat
    assert refusals == 0
    await wait_until(lambda: emu.updates.pending_count == 0)


async def test_webhook_survives_a_restarting_bot(
    emu: BotAPIEmulator, api: RawApi, webhook_server: Callable[[Handler], Awaitable[str]]
) -> None:
    ann = emu.user(1001, "Ann")
    received: list[dict] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response({})

    # Nothing listens on this port: deliveries fail with connection errors.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    await api("setWebhook", url=dead_url)
    update = await ann.send("hallo?")
    await wait_until(lambda: emu.webhook.last_error_message is not None)
    assert emu.webhook.last_error_message == "Connection refused"
    assert (await api("getWebhookInfo"))["result"]["pending_update_count"] == 1
    await api("setWebhook", url=await webhook_server(hook))  # the bot is back
    await wait_until(lambda: received == [update])


async def test_webhook_reply_method_is_executed(
    emu: BotAPIEmulator, api: RawApi, webhook_server: Callable[[Handler], Awaitable[str]]
) -> None:
    ann = emu.user(1001, "Ann")

    async def hook(request: web.Request) -> web.Response:
        update = await request.json()
        chat_id = update["message"]["chat"]["id"]
        return web.json_response(
            {
                "method": "sendMessage",
                "chat_id": chat_id,
                "text": "<b>Hoi!</b>",
                "parse_mode": "HTML",
            }
        )

    await api("setWebhook", url=await webhook_server(hook))
    await ann.send("/start")
    [reply] = await ann.replies(timeout=3)
    assert reply.text == "Hoi!"
    assert emu.calls_for("sendMessage")[-1].source == "webhook"


async def test_set_webhook_options(
    emu: BotAPIEmulator, api: RawApi, webhook_server: Callable[[Handler], Awaitable[str]]
) -> None:
    ann = emu.user(1001, "Ann")
    await ann.send("oud")
    bad = await api("setWebhook", url="https://x.nl/hook", secret_token="met spatie")
    assert error(bad) == (400, "Bad Request: secret token contains unallowed characters")

    async def hook(request: web.Request) -> web.Response:
        return web.Response(status=503)

    url = await webhook_server(hook)
    await api("setWebhook", url=url, drop_pending_updates=True, allowed_updates=["callback_query"])
    info = (await api("getWebhookInfo"))["result"]
    assert info["pending_update_count"] == 0
    assert info["allowed_updates"] == ["callback_query"]
    await api("deleteWebhook", drop_pending_updates=True)
    assert emu.updates.pending_count == 0
