"""The bots under test run as separate processes.

The emulator and the simulated residents live in the benchmark's process; a bot in that
same process would share one core and one event loop with its own load generator, which
measures the driver as much as the bot. As child processes, the bots also run exactly as
deployed: the real command line, settings from the environment, stopped by SIGTERM. Their
CPU time and memory are read from /proc/<pid> (Linux), so no extra package is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Sequence
from pathlib import Path

from bot.emulator import BotAPIEmulator

from .errors import BenchError

STOP_TIMEOUT = 20.0  # seconds a bot may take to finish after SIGTERM
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds the process has used so far; None where /proc is missing."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after "(comm)", which may contain spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def rss_kib(pid: int) -> int | None:
    """The process's resident set size (VmRSS) in KiB; None where /proc is missing."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), None)
    return None if line is None else int(line.split()[1])


def tail(path: Path, lines: int = 12) -> str:
    """The last lines of a log, indented, to explain a failure."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "    (no output)"
    kept = [line for line in text.splitlines() if line.strip()][-lines:]
    return "\n".join(f"    {line}" for line in kept) or "    (no output)"


async def run_command(
    name: str, command: Sequence[str], *, env: dict[str, str], cwd: Path, within: float = 90.0
) -> None:
    """Run a set-up command (migrate, load data) to completion; BenchError if it fails."""
    process = await asyncio.create_subprocess_exec(
        *command,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), within)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise BenchError(f"{name}: `{' '.join(command[1:])}` took over {within:g}s") from None
    if process.returncode != 0:
        text = output.decode(errors="replace").strip().splitlines()[-12:]
        detail = "\n".join(f"    {line}" for line in text)
        raise BenchError(
            f"{name}: `{' '.join(command[1:])}` exited with {process.returncode}:\n{detail}"
        )


class BotProcess:
    """One bot as a child process; its output goes to a log file, shown when it fails."""

    def __init__(
        self, name: str, command: Sequence[str], *, env: dict[str, str], cwd: Path, log: Path
    ) -> None:
        self.name = name
        self.command = list(command)
        self.env = env
        self.cwd = cwd
        self.log = log
        self._process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None, "not started"
        return self._process.pid

    def signal(self, number: int) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(number)

    async def start(self) -> None:
        with self.log.open("wb") as output:  # the child keeps its own copy of the descriptor
            self._process = await asyncio.create_subprocess_exec(
                *self.command,
                env=self.env,
                cwd=self.cwd,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=output,
                stderr=asyncio.subprocess.STDOUT,
            )

    async def wait_ready(self, emulator: BotAPIEmulator, within: float = 60.0) -> None:
        """Return once the bot has called deleteWebhook, its last step before polling.

        Not getUpdates: the emulator logs a call when it returns, and a long poll returns only
        after its timeout. Updates sent in the short gap until the first poll simply wait in
        the emulator's queue (and the first phase is an unmeasured warm-up anyway).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not any(call.method == "deleteWebhook" for call in emulator.calls):
            if self._process is None or self._process.returncode is not None:
                code = self._process.returncode if self._process else None
                raise BenchError(
                    f"{self.name} exited with {code} before polling:\n{tail(self.log)}"
                )
            if loop.time() > deadline:
                raise BenchError(
                    f"{self.name} did not start polling within {within:g}s:\n{tail(self.log)}"
                )
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        """SIGTERM, as a service manager would; the bot must finish cleanly with exit 0."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
            except TimeoutError:
                await self.kill()
                raise BenchError(
                    f"{self.name} did not exit within {STOP_TIMEOUT:g}s of SIGTERM:\n"
                    f"{tail(self.log)}"
                ) from None
        self._process = None
        if process.returncode != 0:
            raise BenchError(
                f"{self.name} exited with {process.returncode} after SIGTERM:\n{tail(self.log)}"
            )

    async def kill(self) -> None:
        """Clean-up after a failure: end the process now, whatever it is doing."""
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
