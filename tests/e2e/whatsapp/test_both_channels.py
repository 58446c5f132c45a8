"""CHANNELS=telegram,whatsapp: one process, one scheduler and sender; WhatsApp's webhook on
Telegram's webhook server, or on LISTEN by itself while Telegram polls."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import build_app
from bot.cli import _runtimes, run_together
from bot.clock import ManualClock
from bot.emulator import BotAPIEmulator
from bot.emulator.whatsapp import CloudAPIEmulator
from bot.jobs.background import State
from tests.conftest import load_example
from tests.e2e.conftest import TEARDOWN_WITHIN, free_port
from tests.e2e.whatsapp.conftest import subscribe_when_listening, whatsapp_settings


@pytest.mark.parametrize("telegram_by", ["webhook", "polling"])
async def test_both_channels_answer_and_one_sender_runs(
    database_url: str,
    emulator: BotAPIEmulator,
    cloud_api: CloudAPIEmulator,
    clock: ManualClock,
    telegram_by: str,
) -> None:
    port = free_port()
    webhook = {
        "webhook_url": f"http://127.0.0.1:{port}/telegram/hook",
        "webhook_secret": "s3cret_hook-token",
    }
    settings = whatsapp_settings(
        database_url,
        cloud_api,
        channels="telegram,whatsapp",
        telegram_api_url=emulator.url,
        bot_token=emulator.token,
        listen=f"127.0.0.1:{port}",
        **(webhook if telegram_by == "webhook" else {}),
    )
    app = build_app(settings, clock)
    await load_example(app, "overvecht.yaml")
    telegram, whatsapp = _runtimes(settings, app)
    assert telegram is not None and whatsapp is not None
    stop = asyncio.Event()
    on_telegrams = telegram_by == "webhook"
    works = [telegram.run(stop), whatsapp.run(stop, serve=not on_telegrams, lead=False)]
    running = asyncio.create_task(run_together(stop, works))
    try:
        method = "setWebhook" if on_telegrams else "deleteWebhook"
        for _ in range(500):  # Telegram's webhook is set once its server listens
            if emulator.calls_for(method) or running.done():
                break
            await asyncio.sleep(0.01)
        await subscribe_when_listening(cloud_api, f"http://127.0.0.1:{port}/whatsapp/hook", running)

        jan = emulator.user(4001, first_name="Jan", language_code="nl")
        ola = cloud_api.user("48600100200", "Ola")
        await jan.send("/start")
        await ola.send("start")
        assert await jan.replies() and await ola.replies()
        assert telegram.background.health.sender is State.RUNNING
        assert whatsapp.background.health.sender is State.STARTING  # never started
    finally:
        stop.set()
        async with asyncio.timeout(TEARDOWN_WITHIN):
            await running
        await app.close()
