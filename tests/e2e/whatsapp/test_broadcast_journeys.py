"""A coordinator on WhatsApp broadcasts to the whole neighbourhood while both channels run
(CHANNELS=telegram,whatsapp, one process, one webhook server, Telegram's scheduler and sender
for both): the preview counts everyone, and the message reaches a WhatsApp and a Telegram
resident, each in their language; an invite made on WhatsApp has a link for each app."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest

from bot.app import build_app
from bot.cli import _runtimes, run_together
from bot.clock import ManualClock
from bot.domain.models import Role
from bot.emulator import BotAPIEmulator
from bot.emulator.whatsapp import CloudAPIEmulator
from bot.i18n import translator
from tests.conftest import load_example
from tests.e2e.chat import onboard as onboard_on_telegram
from tests.e2e.conftest import TEARDOWN_WITHIN, free_port
from tests.e2e.whatsapp.chat import (
    invited,
    journey_api,
    onboard,
    press,
    received_one,
    sweep,
    text_of,
)
from tests.e2e.whatsapp.conftest import subscribe_when_listening, whatsapp_settings

MESSAGE = "Buurtfeest zaterdag op het plein! <3"


@pytest.fixture
async def cloud_api(clock: ManualClock) -> AsyncIterator[CloudAPIEmulator]:
    async with journey_api(clock) as emu:
        yield emu


async def test_a_broadcast_from_whatsapp_reaches_residents_on_both_channels(
    database_url: str, emulator: BotAPIEmulator, cloud_api: CloudAPIEmulator, clock: ManualClock
) -> None:
    port = free_port()
    settings = whatsapp_settings(
        database_url,
        cloud_api,
        channels="telegram,whatsapp",
        telegram_api_url=emulator.url,
        bot_token=emulator.token,
        listen=f"127.0.0.1:{port}",
        webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
        webhook_secret="s3cret_hook-token",
        whatsapp_display_number="+1 555 000 1234",
    )
    app = build_app(settings, clock)
    await load_example(app, "overvecht.yaml")
    telegram, whatsapp = _runtimes(settings, app)
    assert telegram is not None and whatsapp is not None
    stop = asyncio.Event()  # one webhook server for both, on LISTEN
    works = [telegram.run(stop), whatsapp.run(stop, serve=False, lead=False)]
    running = asyncio.create_task(run_together(stop, works))
    try:
        await subscribe_when_listening(cloud_api, f"http://127.0.0.1:{port}/whatsapp/hook", running)
        cem, ola = cloud_api.user("31611110001", "Cem"), cloud_api.user("48600100200", "Ola")
        jan = emulator.user(4101, first_name="Jan", language_code="nl")
        await invited(cem, app, Role.COORDINATOR)
        await onboard(ola, "pl")
        await onboard_on_telegram(jan, "nl")

        await press(cem, "Broadcast")
        await press(cem, "New message")
        await cem.send(MESSAGE)
        await cem.replies()
        preview = text_of(await press(cem, "Everyone in the neighbourhood"))
        assert "3 people will receive it." in preview and MESSAGE in preview
        sending = await press(cem, "Send now")
        assert "Sending to 3 people." in text_of(sending)

        pl, nl = translator("pl"), translator("nl")
        heading = "Message from the coordinators of {neighbourhood}"
        (on_whatsapp,) = await ola.replies(timeout=10)
        assert pl._(heading, neighbourhood="Overvecht") in on_whatsapp.text
        assert on_whatsapp.text.endswith(MESSAGE)
        (on_telegram,) = await jan.replies(timeout=10)
        assert nl._(heading, neighbourhood="Overvecht") in on_telegram.text
        assert on_telegram.text.endswith(MESSAGE)
        assert (await received_one(cem, MESSAGE)).text.endswith(MESSAGE)  # their own copy

        assert await sweep(app, telegram.background.sender.wake, "finished_broadcasts") == 1
        await received_one(cem, "Sent: 3. Could not be reached: 0. Failed: 0.")

        # An invite made on WhatsApp has a link for each app; Jan opens Telegram's.
        await press(cem, "Invite a partner")
        await press(cem, "A partner organisation")
        await cem.send("Mitros")
        made = await received_one(cem, "the link for the app they use")
        telegram_link = re.search(
            r"Telegram: https://t\.me/wijkbot_test_bot\?start=(\S+)", made.text
        )
        whatsapp_link = re.search(
            r"WhatsApp: https://wa\.me/15550001234\?text=start%20(\S+)", made.text
        )
        assert telegram_link is not None and whatsapp_link is not None
        assert telegram_link[1] == whatsapp_link[1]
        await jan.send(f"/start {telegram_link[1]}")
        welcomed = "\n".join(message.text for message in await jan.replies())
        expected = "You are now a partner in {neighbourhood}, for {organisation}."
        assert nl._(expected, neighbourhood="Overvecht", organisation="Mitros") in welcomed
    finally:
        stop.set()
        async with asyncio.timeout(TEARDOWN_WITHIN):
            await running
        await app.close()
