"""The sender as deployed: `python -m bot send`, a child process we can stop or kill -9.

Its settings come from the environment, like in production: the emulator's URL as
TELEGRAM_API_URL and the limits scaled by the same factor as the emulator's. With
`profile`, it runs under cProfile, which writes its statistics when the process ends
by SIGTERM (a graceful stop), not after a kill -9.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.emulator import DEFAULT_TOKEN

from .databases import ROOT, BenchError, Database, bot_command, child_env
from .emulated import TELEGRAM_GLOBAL, TELEGRAM_PAID, TELEGRAM_PRIVATE

STOP_TIMEOUT = 20.0


@dataclass(frozen=True, slots=True)
class SenderConfig:
    database: Database
    api_url: str
    scale: float  # Telegram's limits times this: DELIVERY_RATE = 30 * scale
    env_file: Path
    log: Path
    concurrency: int = 1
    profile: Path | None = None
    paid: bool = False  # a paid broadcast: ALLOW_PAID_BROADCAST, Telegram's 1000/s
    more: Mapping[str, str] = field(default_factory=dict)  # further settings (WhatsApp's)

    @property
    def rate(self) -> float:
        return (TELEGRAM_PAID if self.paid else TELEGRAM_GLOBAL) * self.scale

    def environment(self) -> dict[str, str]:
        paid = {"ALLOW_PAID_BROADCAST": "true", "DELIVERY_PAID_RATE": f"{self.rate:g}"}
        return child_env(
            self.database,
            BOT_TOKEN=DEFAULT_TOKEN,
            TELEGRAM_API_URL=self.api_url,
            DELIVERY_RATE=f"{TELEGRAM_GLOBAL * self.scale:g}",
            DELIVERY_PRIVATE_RATE=f"{TELEGRAM_PRIVATE * self.scale:g}",
            DELIVERY_CONCURRENCY=str(self.concurrency),
            LOG_LEVEL="INFO",
            **(paid if self.paid else {}),
            **self.more,
        )

    def command(self, *, extra: bool = False) -> list[str]:
        arguments = ("send", "--extra") if extra else ("send",)
        command = bot_command(*arguments, env_file=self.env_file)
        if self.profile is None:
            return command
        return [sys.executable, "-m", "cProfile", "-o", str(self.profile), *command[1:]]


class SenderProcess:
    def __init__(self, config: SenderConfig, *, extra: bool = False) -> None:
        self.config = config
        self.extra = extra  # `send --extra`: a sender beside the leader's
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.config.log.open("ab") as log:
            self._process = await asyncio.create_subprocess_exec(
                *self.config.command(extra=self.extra),
                env=self.config.environment(),
                cwd=ROOT,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def check_alive(self) -> None:
        """BenchError with the log's tail when the sender died by itself."""
        if self._process is not None and self._process.returncode is not None:
            raise BenchError(
                f"the sender exited with {self._process.returncode}:\n{self.log_tail()}"
            )

    async def kill(self) -> None:
        """kill -9: no chance to finish anything (only our own child, by its pid)."""
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(signal.SIGKILL)
            await self._process.wait()

    async def stop(self) -> None:
        """SIGTERM: a graceful stop; kill -9 if it takes longer than STOP_TIMEOUT."""
        if self._process is None or self._process.returncode is not None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self._process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            await self.kill()

    def cpu_seconds(self) -> float | None:
        """CPU time the running sender has used so far (Linux /proc; None elsewhere)."""
        if self._process is None or self._process.returncode is not None:
            return None
        try:
            fields = Path(f"/proc/{self._process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    def log_tail(self, lines: int = 12) -> str:
        with contextlib.suppress(OSError):
            text = self.config.log.read_text(encoding="utf-8", errors="replace")
            kept = [line for line in text.splitlines() if line.strip()][-lines:]
            return "\n".join(f"    {line}" for line in kept)
        return "    (no output)"


class Senders:
    """The leader's sender and `count - 1` extra ones (`send --extra`), used as one."""

    def __init__(self, config: SenderConfig, count: int = 1) -> None:
        self.processes = [SenderProcess(config, extra=k > 0) for k in range(count)]

    async def start(self) -> None:
        for process in self.processes:
            await process.start()

    async def stop(self) -> None:
        await asyncio.gather(*(process.stop() for process in self.processes))

    def check_alive(self) -> None:
        for process in self.processes:
            process.check_alive()

    def cpu_seconds(self) -> float | None:
        seconds = [process.cpu_seconds() for process in self.processes]
        return None if None in seconds else sum(s for s in seconds if s is not None)
