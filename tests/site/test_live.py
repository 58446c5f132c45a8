"""The results page served live: from the database, kept for SITE_CACHE_SECONDS, and by a
real `wijkbot run` with SITE_LIVE=true, photos fetched through the Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import App
from bot.domain.models import Initiative, Result
from bot.emulator import BotAPIEmulator
from bot.site.live import LiveSite
from tests.conftest import TOKEN
from tests.showcase import PICTURE, neighbourhood_at_work, photos, publish

ROOT = Path(__file__).parent.parent.parent


class Timer:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def initiative_of(app: App, result: Result) -> Initiative:
    async with app.sessions() as session:
        found = await session.get(Initiative, result.initiative_id)
    assert found is not None
    return found


async def test_pages_come_from_the_last_build_until_it_is_old(app: App) -> None:
    hidden, shown = await neighbourhood_at_work(app)
    timer = Timer()
    application = web.Application()
    LiveSite(app.sessions, photos, app.clock, ttl=60, timer=timer).add_routes(application)
    async with TestClient(TestServer(application)) as client:
        moved = await client.get("/results", allow_redirects=False)
        assert (moved.status, moved.headers["Location"]) == (301, "/results/")
        start = await client.get("/results/")
        assert 'href="overvecht/ar/index.html"' in await start.text()
        arabic = await client.get("/results/overvecht/ar/index.html")
        assert arabic.headers["Content-Type"] == "text/html; charset=utf-8"
        assert arabic.headers["Cache-Control"] == "public, max-age=60"
        assert '<html lang="ar" dir="rtl">' in await arabic.text()
        photo = await client.get(f"/results/overvecht/photos/result-{shown.id}.png")
        assert (photo.content_type, await photo.read()) == ("image/png", PICTURE)
        for missing in (f"overvecht/photos/result-{hidden.id}.png", "../pyproject.toml", "x"):
            assert (await client.get(f"/results/{missing}")).status == 404

        await publish(app, await initiative_of(app, hidden), "Ten new benches", 10, "photo-2")
        page = await client.get("/results/overvecht/en/index.html")
        assert "Ten new benches" not in await page.text()  # still the build of a moment ago
        timer.now = 61
        page = await client.get("/results/overvecht/en/index.html")
        assert "Ten new benches" in await page.text()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_wijkbot_run_serves_the_page_with_photos_from_the_bot_api(
    app: App, database_url: str
) -> None:
    emulator = BotAPIEmulator(token=TOKEN, bot_username="wijkbot_test_bot", settle=0.1)
    await emulator.start()
    *_, photo = emulator.files.add_photo(PICTURE, 320, 180)
    _, shown = await neighbourhood_at_work(app)
    async with app.sessions.begin() as session:
        stored = await session.get(Result, shown.id)
        assert stored is not None
        stored.photo_file_id = photo.file_id  # a photo the bot received, as Telegram keeps it
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))},
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": emulator.url,
        "DATABASE_URL": database_url,
        "SITE_LIVE": "true",
        "SITE_PORT": str(port),
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        env=env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
            for _ in range(100):  # until it listens
                try:
                    page = await http.get("/results/overvecht/nl/index.html")
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.2)
            assert page.status == 200
            text = await page.text()
            assert "Tea with 25 neighbours" in text
            address = f"../photos/result-{shown.id}.png"
            assert f'<img src="{address}"' in text
            picture = await http.get(f"/results/overvecht/photos/result-{shown.id}.png")
            assert await picture.read() == PICTURE
    finally:
        bot.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(bot.communicate(), 30)
        await emulator.stop()
    assert bot.returncode == 0, stderr.decode()
    assert "site.listening" in stderr.decode()
    assert TOKEN.split(":")[1] not in stderr.decode()
