"""End-to-end: the real runtimes over HTTP against the Bot API emulator.

`wijkbot` is started in-process (polling or webhook), on this test's database
and clock, and can be stopped, crashed and restarted like a real process. The
`bot`, `webhook_bot` and `bot_api` fixtures run each test on every runtime
(aiogram and python-telegram-bot).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import App, build_app
from bot.clock import ManualClock
from bot.config import Runtime
from bot.emulator import BotAPIEmulator
from bot.handlers.botapi import BotApi
from bot.handlers.runtime import TelegramRuntime, make_api
from tests.conftest import TOKEN, load_example, make_settings

RUNTIMES = [runtime.value for runtime in Runtime]
# A stop, a crash or an emulator's shutdown that takes longer than this is a bug (a task
# that ignores cancellation): it fails the test loudly instead of hanging the suite.
TEARDOWN_WITHIN = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunningBot:
    """One `wijkbot run` process, as far as the emulator and the database can tell."""

    def __init__(
        self, database_url: str, emulator: BotAPIEmulator, clock: ManualClock, **settings: Any
    ) -> None:
        self.settings = make_settings(
            database_url, telegram_api_url=emulator.url, bot_token=emulator.token, **settings
        )
        self.emulator = emulator
        self.clock = clock
        self.app: App | None = None
        self.runtime: TelegramRuntime | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.app = build_app(self.settings, self.clock)
        self.runtime = TelegramRuntime(self.app)
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self.runtime.run(self._stop))
        await self._until_ready()

    async def _until_ready(self) -> None:
        """Wait until the bot has set its webhook, or dropped it to start polling."""
        method = "setWebhook" if self.settings.webhook_url else "deleteWebhook"
        seen = len(self.emulator.calls_for(method))
        for _ in range(500):
            if len(self.emulator.calls_for(method)) > seen or (self._task and self._task.done()):
                break
            await asyncio.sleep(0.01)
        if self._task is not None and self._task.done():
            self._task.result()  # raise what went wrong

    async def stop(self) -> None:
        """A graceful stop (SIGTERM)."""
        self._stop.set()
        async with asyncio.timeout(TEARDOWN_WITHIN):
            if self._task is not None:
                await self._task
            await self._close()

    async def crash(self) -> None:
        """The process dies at once (kill -9): nothing is finished or cleaned up."""
        async with asyncio.timeout(TEARDOWN_WITHIN):
            if self._task is not None:
                self._task.cancel()
                await asyncio.wait([self._task])  # (not `await`: our own cancellation must pass)
            if self.runtime is not None:
                with contextlib.suppress(Exception):
                    await self.runtime.api.close()
            await self._close()

    async def _close(self) -> None:
        if self.app is not None:
            await self.app.close()
        self.app = self.runtime = self._task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()


@pytest.fixture(params=RUNTIMES)
def runtime(request: pytest.FixtureRequest) -> str:
    """Each test that runs Wijkbot runs once per runtime (`RUNTIME`)."""
    return str(request.param)


def make_emulator() -> BotAPIEmulator:
    # Replies are "all in" after 0.1 s of quiet: ten times a local round trip, and the
    # suite runs every conversation on both runtimes.
    return BotAPIEmulator(token=TOKEN, bot_username="wijkbot_test_bot", settle=0.1)


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    emu = make_emulator()
    await emu.start()
    try:
        yield emu
    finally:
        async with asyncio.timeout(TEARDOWN_WITHIN):
            await emu.stop()


@contextlib.asynccontextmanager
async def running_bot(
    database_url: str, emulator: BotAPIEmulator, clock: ManualClock, **settings: Any
) -> AsyncIterator[RunningBot]:
    """Wijkbot started with Overvecht loaded; stopped gracefully at the end if still running."""
    running = RunningBot(database_url, emulator, clock, **settings)
    seed = build_app(running.settings, clock)
    await load_example(seed, "overvecht.yaml")
    await seed.close()
    await running.start()
    try:
        yield running
    finally:
        if running.app is not None:
            await running.stop()


@pytest.fixture
async def bot(
    database_url: str, emulator: BotAPIEmulator, clock: ManualClock, runtime: str
) -> AsyncIterator[RunningBot]:
    """Wijkbot in polling mode, with Overvecht loaded."""
    async with running_bot(database_url, emulator, clock, runtime=runtime) as running:
        yield running


@pytest.fixture
async def webhook_bot(
    database_url: str, emulator: BotAPIEmulator, clock: ManualClock, runtime: str
) -> AsyncIterator[RunningBot]:
    """Wijkbot in webhook mode: the emulator posts updates to it with the secret."""
    async with running_webhook_bot(database_url, emulator, clock, runtime) as running:
        yield running


@contextlib.asynccontextmanager
async def running_webhook_bot(
    database_url: str, emulator: BotAPIEmulator, clock: ManualClock, runtime: str, **settings: Any
) -> AsyncIterator[RunningBot]:
    """`running_bot` in webhook mode on a free port, with further `settings`."""
    port = free_port()
    async with running_bot(
        database_url,
        emulator,
        clock,
        runtime=runtime,
        webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
        webhook_secret="s3cret_hook-token",
        listen=f"127.0.0.1:{port}",
        **settings,
    ) as running:
        yield running


@pytest.fixture
async def seeded(database_url: str, clock: ManualClock) -> AsyncIterator[App]:
    """The test's own view of the database the bot runs on, with Overvecht loaded."""
    app = build_app(make_settings(database_url), clock)
    await load_example(app, "overvecht.yaml")
    yield app
    await app.close()


@pytest.fixture
def postgresql(database_url: str) -> str:
    """Several processes share one database only on PostgreSQL (when it cannot be reached,
    tests/conftest.py fails the run on CI and skips elsewhere)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes need PostgreSQL: set WIJKBOT_TEST_DATABASE_URL")
    return database_url


@pytest.fixture
async def bot_api(app: App, emulator: BotAPIEmulator, runtime: str) -> AsyncIterator[BotApi]:
    """The runtime's Bot API client on the emulator, for the sender's transport."""
    app.settings = make_settings(
        app.settings.database_url,
        telegram_api_url=emulator.url,
        bot_token=emulator.token,
        runtime=runtime,
    )
    api = make_api(app.settings)
    await api.start()
    yield api
    await api.close()
