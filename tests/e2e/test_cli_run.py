"""`wijkbot run` as a real process: fresh SQLite created and migrated, SIGTERM stops it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.emulator import BotAPIEmulator
from bot.i18n import translator
from tests.conftest import TOKEN

ROOT = Path(__file__).parent.parent.parent


async def run_command(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        env=env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_run_creates_the_database_answers_and_stops_cleanly(
    emulator: BotAPIEmulator, tmp_path: Path, runtime: str
) -> None:
    database = tmp_path / "fresh.db"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))},
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": emulator.url,
        "DATABASE_URL": f"sqlite:///{database}",
        "RUNTIME": runtime,
        "LOG_LEVEL": "INFO",
    }
    bot = await run_command("run", env=env)
    try:
        user = emulator.user(4242, first_name="Ruud", language_code="nl")
        await user.send("/start")
        t = translator("nl")
        (question,) = await user.replies(timeout=20)
        assert t._("Which language do you want to use?") in question.text
        await user.press("Nederlands")
        (answer,) = await user.replies()
        # No neighbourhood loaded yet: the bot says so instead of failing.
        assert answer.text == t._(
            "Wijkbot is not set up for any neighbourhood yet. Please try later."
        )
        assert database.exists()
    finally:
        bot.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(bot.communicate(), 20)
    assert bot.returncode == 0, stderr.decode()
    logs = stderr.decode()
    assert f"bot.started bot=wijkbot_test_bot mode=polling runtime={runtime}" in logs
    assert TOKEN not in logs and TOKEN.split(":")[1] not in logs
    assert "Ruud" not in logs  # no personal data in the logs
