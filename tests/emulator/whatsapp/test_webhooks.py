"""Webhooks as Meta sends them: the verification handshake, the signature over the raw
body, Meta's payload shape, retries of failed POSTs in order per person."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json

import pytest

from bot.emulator.whatsapp import CloudAPIEmulator, WebhookVerificationError
from tests.emulator.whatsapp import HookServer

ANN = "31612345678"
BOB = "31687654321"


@pytest.fixture
def emu_options() -> dict:
    return {"webhook_retry_delay": 0.01, "webhook_max_retry_delay": 0.05}


async def wait_until(condition, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_subscribe_needs_the_challenge_echoed(emu: CloudAPIEmulator):
    async with HookServer(emu.app_secret) as hook:
        with pytest.raises(WebhookVerificationError):
            await emu.subscribe(hook.url, "wrong-token")  # the endpoint answers 403
        hook.echo_wrong = True
        with pytest.raises(WebhookVerificationError):
            await emu.subscribe(hook.url, hook.verify_token)
        hook.echo_wrong = False
        await emu.subscribe(hook.url, hook.verify_token)
    with pytest.raises(WebhookVerificationError):
        await emu.subscribe(hook.url, hook.verify_token)  # nobody listens any more


async def test_message_webhook_is_signed_and_shaped_like_metas(emu: CloudAPIEmulator):
    zoe = emu.user(ANN, "Zoë")
    async with HookServer(emu.app_secret) as hook:
        await emu.subscribe(hook.url, hook.verify_token)
        sent = await zoe.send("café/terras?")
        await emu.wait_webhooks()
    assert hook.bad_signatures == 0
    [payload] = hook.payloads
    assert payload["object"] == "whatsapp_business_account"
    [entry] = payload["entry"]
    assert entry["id"] == emu.waba_id
    [change] = entry["changes"]
    assert change["field"] == "messages"
    value = change["value"]
    assert value["messaging_product"] == "whatsapp"
    assert value["metadata"] == {
        "display_phone_number": emu.display_phone_number,
        "phone_number_id": emu.phone_number_id,
    }
    [contact] = value["contacts"]
    assert contact["profile"] == {"name": "Zoë"} and contact["wa_id"] == ANN
    assert contact["user_id"].startswith("NL.")  # the business-scoped user id
    [message] = value["messages"]
    assert message == sent
    assert message["from"] == ANN and message["type"] == "text"
    assert message["text"] == {"body": "café/terras?"}
    assert message["id"].startswith("wamid.") and message["timestamp"].isdigit()
    # Meta escapes non-ASCII and "/": a signature checked over re-serialized JSON fails.
    [raw] = hook.raw
    assert b"\\u00eb" in raw and b"\\/" in raw
    reserialized = json.dumps(json.loads(raw)).encode()
    resigned = hmac.new(emu.app_secret.encode(), reserialized, hashlib.sha256).hexdigest()
    assert resigned != hmac.new(emu.app_secret.encode(), raw, hashlib.sha256).hexdigest()


async def test_wrong_app_secret_is_noticed_by_the_receiver(emu: CloudAPIEmulator):
    ann = emu.user(ANN, "Ann")
    async with HookServer("another-secret") as hook:
        emu.webhooks.max_attempts = 2
        await emu.subscribe(hook.url, hook.verify_token)
        await ann.send("hallo")
        await emu.wait_webhooks()
    assert hook.payloads == [] and hook.bad_signatures == 2
    assert emu.webhook_failures == 2 and len(emu.webhooks.dropped) == 1


async def test_failed_posts_are_retried_in_order_per_person(emu: CloudAPIEmulator):
    ann, bob = emu.user(ANN, "Ann"), emu.user(BOB, "Bob")
    async with HookServer(emu.app_secret) as hook:
        await emu.subscribe(hook.url, hook.verify_token)
        hook.fail_next = 3
        for text in ("one", "two", "three"):
            await ann.send(text)
        await bob.send("hoi")
        await emu.wait_webhooks()
    assert emu.webhook_failures == 3
    assert hook.attempts == 4 + 3
    ann_texts = [m["text"]["body"] for m in hook.messages if m["from"] == ANN]
    assert ann_texts == ["one", "two", "three"]
    assert [m["text"]["body"] for m in hook.messages if m["from"] == BOB] == ["hoi"]


async def test_retries_are_bounded(emu: CloudAPIEmulator):
    emu.webhooks.max_attempts = 3
    ann = emu.user(ANN, "Ann")
    async with HookServer(emu.app_secret) as hook:
        await emu.subscribe(hook.url, hook.verify_token)
        hook.fail_next = 3
        await ann.send("lost")
        await ann.send("kept")
        await emu.wait_webhooks()
    assert emu.webhook_failures == 3
    assert [m["text"]["body"] for m in hook.messages] == ["kept"]
    [dropped] = emu.webhooks.dropped
    assert dropped["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] == "lost"


async def test_a_refused_connection_is_retried_until_the_bot_is_back(emu: CloudAPIEmulator):
    ann = emu.user(ANN, "Ann")
    async with HookServer(emu.app_secret) as hook:
        await emu.subscribe(hook.url, hook.verify_token)
        port = hook.port
    await ann.send("while down")
    await wait_until(lambda: emu.webhook_failures >= 2)
    async with HookServer(emu.app_secret, port=port) as back:
        await emu.wait_webhooks()
    assert [m["text"]["body"] for m in back.messages] == ["while down"]


async def test_events_before_subscribing_wait_for_it(emu: CloudAPIEmulator):
    ann = emu.user(ANN, "Ann")
    await ann.send("early")
    assert emu.webhooks.pending == 1
    async with HookServer(emu.app_secret) as hook:
        await emu.subscribe(hook.url, hook.verify_token)
        await emu.wait_webhooks()
    assert [m["text"]["body"] for m in hook.messages] == ["early"]
