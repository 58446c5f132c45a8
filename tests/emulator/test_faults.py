"""Flood limits over HTTP and injected faults (errors, slowness, 429 storms)."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.emulator import BotAPIEmulator, Limits
from tests.emulator import RawApi, error


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


async def test_private_chat_flood_gives_429_with_retry_after(
    emu: BotAPIEmulator, api: RawApi
) -> None:
    for i in range(20):  # the default burst: a bot answering someone is never throttled
        assert (await api("sendMessage", chat_id=1001, text=f"m{i}"))["ok"]
    body = await api("sendMessage", chat_id=1001, text="te veel")
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert len(emu.user(1001).messages) == 20  # the refused message was not sent
    # Not rate limited: reading updates and answering button presses.
    assert (await api("getUpdates"))["ok"]
    assert (await api("getMe"))["ok"]


async def test_group_limit_is_per_minute(emu: BotAPIEmulator, api: RawApi) -> None:
    emu.group(-100, "Buurt")
    results = [await api("sendMessage", chat_id=-100, text=f"m{i}") for i in range(21)]
    assert all(r["ok"] for r in results[:20])
    assert error(results[20]) == (429, "Too Many Requests: retry after 3")


async def test_global_limit_across_chats(emu: BotAPIEmulator, api: RawApi) -> None:
    emu.set_limits(time_scale=0.01)  # no token comes back while the 31 go, however slow
    for user_id in range(2000, 2031):
        emu.user(user_id, "Buur")
    results = [await api("sendMessage", chat_id=uid, text="nieuws") for uid in range(2000, 2031)]
    assert sum(r["ok"] for r in results) == 30
    assert results[-1]["parameters"] == {"retry_after": 1}


async def test_edits_count_against_the_limit(emu: BotAPIEmulator, api: RawApi) -> None:
    emu.limits = Limits(private_burst=2)
    sent = await api("sendMessage", chat_id=1001, text="v1")
    message_id = sent["result"]["message_id"]
    assert (await api("editMessageText", chat_id=1001, message_id=message_id, text="v2"))["ok"]
    edit = await api("editMessageText", chat_id=1001, message_id=message_id, text="v3")
    assert error(edit)[0] == 429


async def test_time_scale_makes_limits_fast(emu: BotAPIEmulator, api: RawApi) -> None:
    emu.set_limits(time_scale=50, private_burst=1)  # 20 ms: room for a busy machine
    assert (await api("sendMessage", chat_id=1001, text="1"))["ok"]
    refused = await api("sendMessage", chat_id=1001, text="2")
    retry_after = refused["parameters"]["retry_after"]
    assert retry_after == 1  # emulated seconds, as the bot would see them
    await asyncio.sleep(emu.limits.real_seconds(retry_after) + 0.002)
    assert (await api("sendMessage", chat_id=1001, text="2"))["ok"]


async def test_limits_can_be_disabled(emu: BotAPIEmulator, api: RawApi) -> None:
    emu.limits = Limits(enabled=False)
    results = [await api("sendMessage", chat_id=1001, text=str(i)) for i in range(40)]
    assert all(r["ok"] for r in results)


async def test_storm_refuses_sends_whatever_the_buckets_say(
    emu: BotAPIEmulator, api: RawApi
) -> None:
    emu.limits = Limits(enabled=False)
    emu.storm(times=2, retry_after=7)
    assert error(await api("sendMessage", chat_id=1001, text="a")) == (
        429,
        "Too Many Requests: retry after 7",
    )
    assert (await api("getMe"))["ok"]  # only sending methods are hit
    assert (await api("sendMessage", chat_id=1001, text="b"))["parameters"] == {"retry_after": 7}
    assert (await api("sendMessage", chat_id=1001, text="c"))["ok"]


async def test_fail_injects_server_errors(emu: BotAPIEmulator, api: RawApi) -> None:
    emu.fail("sendMessage", 502, times=2)
    emu.fail("getMe", 500, description="Internal Server Error: restart")
    assert error(await api("sendMessage", chat_id=1001, text="x")) == (502, "Bad Gateway")
    assert error(await api("sendMessage", chat_id=1001, text="x")) == (502, "Bad Gateway")
    assert (await api("sendMessage", chat_id=1001, text="x"))["ok"]
    assert error(await api("getMe")) == (500, "Internal Server Error: restart")
    assert len(emu.user(1001).messages) == 1  # failed calls had no effect

    emu.fail("*", 503, times=None)
    assert error(await api("getWebhookInfo"))[0] == 503
    emu.clear_faults()
    assert (await api("getWebhookInfo"))["ok"]


async def test_fail_with_429(api: RawApi, emu: BotAPIEmulator) -> None:
    emu.fail("sendPhoto", 429, retry_after=12)
    body = await api("sendPhoto", chat_id=1001, photo="x")
    assert body["parameters"] == {"retry_after": 12}


async def test_delay_slows_the_response_but_not_the_effect(
    emu: BotAPIEmulator, api: RawApi
) -> None:
    ann = emu.user(1001)
    emu.delay("sendMessage", 0.3, times=1)
    started = time.monotonic()
    task = asyncio.create_task(api("sendMessage", chat_id=1001, text="traag"))
    await asyncio.sleep(0.1)
    assert ann.last is not None and ann.last.text == "traag"  # already delivered
    assert not task.done()
    assert (await task)["ok"]
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    await api("sendMessage", chat_id=1001, text="snel")
    assert time.monotonic() - started < 0.25


async def test_fail_with_a_probability_hits_that_share_the_same_way_every_run(
    emu: BotAPIEmulator, api: RawApi
) -> None:
    emu.limits = Limits(enabled=False)

    async def failed_calls(seed: int | None) -> list[int]:
        emu.clear_faults()
        emu.fail("sendMessage", 502, times=None, probability=0.25, seed=seed)
        results = [await api("sendMessage", chat_id=1001, text=str(i)) for i in range(200)]
        assert all(r["ok"] or error(r) == (502, "Bad Gateway") for r in results)
        return [i for i, r in enumerate(results) if not r["ok"]]

    first = await failed_calls(seed=7)
    assert 30 <= len(first) <= 70  # about a quarter of 200
    assert await failed_calls(seed=7) == first  # seeded: the same calls fail
    assert await failed_calls(seed=8) != first
    assert (await api("getMe"))["ok"]  # other methods are not hit

    emu.clear_faults()
    emu.fail("sendMessage", 500, times=3, probability=0.5, seed=1)  # `times` counts failures
    results = [await api("sendMessage", chat_id=1001, text="x") for _ in range(40)]
    assert sum(not r["ok"] for r in results) == 3
    with pytest.raises(ValueError, match="probability"):
        emu.fail("sendMessage", 500, probability=1.5)
