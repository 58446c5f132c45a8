"""The sandbox as `wijkbot sandbox` runs it, on a free port, at a fixed moment.

The clock starts on a Monday at 10:00 in Amsterdam, outside quiet hours, one
hour before the welcome broadcast the sandbox schedules.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sandbox import run_sandbox

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 10:00 in Amsterdam


class SandboxThread:
    """The sandbox in its own thread and event loop, as a separate process would be,
    so that a synchronous browser driver can use the page meanwhile."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.url = ""
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="sandbox", daemon=True)

    def __enter__(self) -> SandboxThread:
        self._thread.start()
        if not self._ready.wait(30) or self._error is not None:
            raise RuntimeError(f"the sandbox did not start: {self._error!r}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to the test by __enter__
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()

        def ready(url: str) -> None:
            self.url = url
            self._ready.set()

        await run_sandbox(self._stop, ready, data=self.data, start=START)


@pytest.fixture
def sandbox_url(tmp_path: Path) -> Iterator[str]:
    with SandboxThread(tmp_path / "sandbox") as running:
        yield running.url
