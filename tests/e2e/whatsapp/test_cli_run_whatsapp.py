"""`wijkbot run` with CHANNELS=whatsapp as a real process: its own listener, answers through
pywa, SIGTERM stops it, and neither the number nor the secrets reach the logs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path

from bot.emulator.whatsapp import CloudAPIEmulator
from bot.i18n import translator
from tests.e2e.conftest import free_port
from tests.e2e.test_cli_run import run_command
from tests.e2e.whatsapp.conftest import VERIFY_TOKEN


async def test_run_with_only_whatsapp_answers_and_stops_cleanly(
    cloud_api: CloudAPIEmulator, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("BOT_", "DATABASE_", "WEBHOOK_", "WHATSAPP_", "CHANNELS"))
        },
        "CHANNELS": "whatsapp",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
        "INVITE_SECRET": "an-invite-key",
        "LISTEN": f"127.0.0.1:{port}",
        "WHATSAPP_API_URL": cloud_api.url,
        "WHATSAPP_API_VERSION": cloud_api.api_version,
        "WHATSAPP_PHONE_NUMBER_ID": cloud_api.phone_number_id,
        "WHATSAPP_TOKEN": cloud_api.token,
        "WHATSAPP_APP_SECRET": cloud_api.app_secret,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "LOG_LEVEL": "DEBUG",  # pywa's own DEBUG lines (request bodies) must stay out even so
    }
    bot = await run_command("run", env=env)
    try:
        hook = f"http://127.0.0.1:{port}/whatsapp/hook"
        for _ in range(600):  # a fresh process imports, migrates SQLite, then listens
            with contextlib.suppress(Exception):
                await cloud_api.subscribe(hook, VERIFY_TOKEN)
                break
            assert bot.returncode is None, "wijkbot run ended early"
            await asyncio.sleep(0.1)
        else:
            await cloud_api.subscribe(hook, VERIFY_TOKEN)  # raises why it is not listening
        noor = cloud_api.user("31687654321", "Noor Bakker")
        await noor.send("start")
        question = await noor.replies(timeout=20)
        assert any(
            translator("nl")._("Which language do you want to use?") in m.text for m in question
        )
    finally:
        bot.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(bot.communicate(), 20)
    assert bot.returncode == 0, stderr.decode()
    logs = stderr.decode()
    assert "whatsapp.started" in logs
    for secret in ("31687654321", "Noor", cloud_api.token, cloud_api.app_secret, VERIFY_TOKEN):
        assert secret not in logs, secret
