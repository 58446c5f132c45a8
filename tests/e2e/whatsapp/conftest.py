"""End-to-end on WhatsApp: the real runtime (pywa over HTTP) against the Cloud API emulator.

The emulator verifies the bot's webhook as Meta does (`subscribe`), then POSTs each
simulated person's messages to it, signed with the app secret; the bot answers through
pywa_async at the emulator's Graph API.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.emulator.whatsapp import CloudAPIEmulator
from bot.handlers.whatsapp.runtime import WhatsAppRuntime
from tests.conftest import load_example, make_settings
from tests.e2e.conftest import TEARDOWN_WITHIN, free_port

VERIFY_TOKEN = "verify-me-please"


def whatsapp_settings(database_url: str, emu: CloudAPIEmulator, **more: Any) -> Settings:
    values: dict[str, Any] = {
        "channels": "whatsapp",
        "whatsapp_api_url": emu.url,
        "whatsapp_api_version": emu.api_version,
        "whatsapp_phone_number_id": emu.phone_number_id,
        "whatsapp_token": emu.token,
        "whatsapp_app_secret": emu.app_secret,
        "whatsapp_verify_token": VERIFY_TOKEN,
        "listen": f"127.0.0.1:{free_port()}",
    }
    return make_settings(database_url, **{**values, **more})


async def subscribe_when_listening(
    emu: CloudAPIEmulator, url: str, running: asyncio.Task[None]
) -> None:
    """Meta's verification of the webhook at `url`, as soon as its listener answers."""
    for _ in range(200):
        with contextlib.suppress(Exception):
            await emu.subscribe(url, VERIFY_TOKEN)
            return
        if running.done():
            running.result()  # what went wrong
        await asyncio.sleep(0.02)
    await emu.subscribe(url, VERIFY_TOKEN)


@pytest.fixture
async def cloud_api() -> AsyncIterator[CloudAPIEmulator]:
    async with CloudAPIEmulator(settle=0.1) as emu:
        yield emu


class RunningWhatsApp:
    """`wijkbot run` with CHANNELS=whatsapp: the webhook on LISTEN, one scheduler and sender."""

    def __init__(self, app: App, emu: CloudAPIEmulator) -> None:
        self.app = app
        self.emu = emu
        self.runtime = WhatsAppRuntime(app)
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(self.runtime.run(self.stop))

    @property
    def hook_url(self) -> str:
        settings = self.app.settings
        return f"http://{settings.listen}{settings.whatsapp_webhook_path}"

    async def subscribed(self) -> None:
        await subscribe_when_listening(self.emu, self.hook_url, self.task)

    async def close(self) -> None:
        self.stop.set()
        async with asyncio.timeout(TEARDOWN_WITHIN):
            await self.task
        await self.app.close()


@pytest.fixture
async def whatsapp_bot(
    database_url: str, cloud_api: CloudAPIEmulator, clock: ManualClock
) -> AsyncIterator[RunningWhatsApp]:
    """Wijkbot on WhatsApp with Overvecht loaded, subscribed to the emulator's webhooks."""
    app = build_app(whatsapp_settings(database_url, cloud_api), clock)
    await load_example(app, "overvecht.yaml")
    running = RunningWhatsApp(app, cloud_api)
    await running.subscribed()
    try:
        yield running
    finally:
        await running.close()
