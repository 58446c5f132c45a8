"""Real `wijkbot run` processes for end-to-end tests: started, probed, stopped, killed.

    Process(emulator, database_url, runtime, **env) ──start──> python -m bot run
        /readyz on METRICS_PORT answers 200 ──> ready
        terminate(): SIGTERM, the seconds it took to exit · kill(): SIGKILL (kill -9)
        logs: everything it wrote to stderr, read as it comes (a full pipe would stall it)

Each process gets the emulator as Telegram and its own METRICS_PORT; with
`webhook=URL` it also serves the webhook on a LISTEN port of its own and sets
that URL (e.g. a proxy in front of several processes) as its webhook.

    emulator ──webhook──> RoundRobin ──> process A (aiogram) ──┐
                                     └─> process B (ptb)     ──┴──> one PostgreSQL
    (`webhook_cluster`; the `postgresql` fixture in conftest.py skips on SQLite)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp

from bot.emulator import BotAPIEmulator
from bot.emulator.proxy import RoundRobin
from tests.e2e.conftest import free_port

ROOT = Path(__file__).parent.parent.parent
WEBHOOK_SECRET = "s3cret_hook-token"


async def until(condition: Callable[[], Awaitable[bool]], within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("not reached in time")
        await asyncio.sleep(0.05)


class Process:
    """`python -m bot run` with its own environment; stderr (the logs) kept."""

    def __init__(
        self,
        emulator: BotAPIEmulator,
        database_url: str,
        runtime: str,
        *,
        webhook: str | None = None,
        **env: str,
    ) -> None:
        self.port = free_port()
        self.listen = f"127.0.0.1:{free_port()}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))},
            "BOT_TOKEN": emulator.token,
            "TELEGRAM_API_URL": emulator.url,
            "DATABASE_URL": database_url,
            "RUNTIME": runtime,
            "METRICS_PORT": str(self.port),
            "SHUTDOWN_TIMEOUT": "15",
            **env,
        }
        if webhook is not None:
            self.env.update(
                WEBHOOK_URL=webhook,
                WEBHOOK_SECRET=WEBHOOK_SECRET,
                LISTEN=self.listen,
                INVITE_SECRET="test-invite-secret",
            )
        self.process: asyncio.subprocess.Process | None = None
        self._lines: list[str] = []
        self._reading: asyncio.Task[None] | None = None

    @property
    def logs(self) -> str:
        return "".join(self._lines)

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            env=self.env, cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        self._reading = asyncio.create_task(self._read(self.process))
        await until(self.ready, within=30)

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        while line := await process.stderr.readline():
            self._lines.append(line.decode())

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as http:
            response = await http.get(f"http://127.0.0.1:{self.port}{path}")
            return response.status, await response.text()

    async def ready(self) -> bool:
        assert self.process is not None
        if self.process.returncode is not None:
            await self._exited()
            raise AssertionError(f"exited: {self.logs}")
        try:
            return (await self.get("/readyz"))[0] == 200
        except aiohttp.ClientConnectionError:
            return False

    async def terminate(self, within: float) -> float:
        """SIGTERM; the seconds it took to exit (asserting it did within `within`)."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.process.wait(), within)
        await self._exited()
        return time.monotonic() - started

    async def kill(self) -> None:
        """kill -9: nothing is finished, nothing released but by the operating system."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        await self._exited()

    async def _exited(self) -> None:
        if self._reading is not None:
            await self._reading


@contextlib.asynccontextmanager
async def webhook_cluster(
    emulator: BotAPIEmulator, database_url: str, **env: str
) -> AsyncIterator[tuple[RoundRobin, list[Process]]]:
    """A proxy and two webhook processes behind it, A on aiogram and B on
    python-telegram-bot (not started yet); each is killed at the end if still running."""
    async with RoundRobin() as proxy:
        processes = [
            Process(emulator, database_url, runtime, webhook=proxy.url, **env)
            for runtime in ("aiogram", "ptb")
        ]
        proxy.backends = [process.listen for process in processes]
        try:
            yield proxy, processes
        finally:
            for process in processes:
                await process.kill()
