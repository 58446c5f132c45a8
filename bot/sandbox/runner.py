"""Start the sandbox and its page, and keep them running until told to stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from aiohttp import web

from bot.config import ConfigError
from bot.sandbox.web import HOST, make_app
from bot.sandbox.world import Sandbox


async def serve(sandbox: Sandbox, port: int = 0) -> tuple[web.AppRunner, str]:
    """Serve the page on 127.0.0.1 (a free port for 0); returns the runner and the URL."""
    runner = web.AppRunner(make_app(sandbox), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, HOST, port).start()
    except OSError as exc:
        await runner.cleanup()
        raise ConfigError(f"--port {port}: cannot listen on {HOST}: {exc.strerror}") from None
    return runner, f"http://{HOST}:{runner.addresses[0][1]}/"


async def run_sandbox(
    stop: asyncio.Event,
    ready: Callable[[str], None],
    *,
    port: int = 0,
    data: Path | None = None,
    start: datetime | None = None,
) -> None:
    """Run until `stop` is set; `ready(url)` is called once the page can be opened."""
    # The scheduler reports every sweep; here the inspector shows what matters.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    async with Sandbox(data, start) as sandbox:
        runner, url = await serve(sandbox, port)
        try:
            ready(url)
            await stop.wait()
        finally:
            await runner.cleanup()
